"""build_report with relative paths: papermill changes the working directory while it runs."""

from __future__ import annotations

from pathlib import Path

from engagement_analytics.report import build_report


def test_relative_out_dir_is_resolved_before_notebooks_run(tmp_path, monkeypatch, tiny_bundle_writer):
    tiny_bundle_writer(tmp_path / "bundle")
    monkeypatch.chdir(tmp_path)
    # Two notebooks at a time, each chdir-ing into the notebooks folder while it runs.
    result = build_report("bundle", out_dir="out", notebooks=["01", "03"], jobs=2, progress=False)
    assert result.out_dir == tmp_path / "out"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "01_data.html", "03_overselling.html", "index.html", "report.html",
    ]
    assert result.ok
    # Nothing moved the process: papermill's cwd= would chdir it from two threads at once.
    assert Path.cwd() == tmp_path
