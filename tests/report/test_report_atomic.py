"""`report` replaces its folder as a whole, one run at a time, and checks it before any notebook runs.

Notebook execution is replaced by a stub (the mechanism under test is where the
pages go, not what they say), so each build takes a fraction of a second.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

import engagement_analytics
from engagement_analytics.report import _build, build_report

SRC = Path(engagement_analytics.__file__).resolve().parents[1]

# Runs `execute_notebook` stand-in: a one-cell notebook naming the run, no kernel.
STUB = r"""
import os
import nbformat
from engagement_analytics.report import _build, _execute

def execute_notebook(source, *, output, parameters):
    cell = nbformat.v4.new_markdown_cell(f"# {source.stem}\n\nrun {os.environ['REPORT_RUN']}")
    return _execute.Execution(nbformat.v4.new_notebook(cells=[cell]), None, 0.0)
"""

# A child process that builds a report and dies (no cleanup, like kill -9) after rendering
# its first page, i.e. while its pages are being written.
CHILD = STUB + r"""
import sys
_build.execute_notebook = execute_notebook
real_render = _build.render_section
calls = []
def render_section(*args, **kwargs):
    calls.append(1)
    if len(calls) == 2:
        os._exit(3)
    return real_render(*args, **kwargs)
_build.render_section = render_section
_build.build_report(sys.argv[1], out_dir=sys.argv[2], notebooks=["01", "02"], progress=False)
"""


@pytest.fixture
def stub_notebooks(monkeypatch):
    """Notebooks 'run' instantly; returns the list of notebooks executed."""
    ran = []
    namespace: dict = {}
    exec(STUB, namespace)  # defines the stand-in only; the child process installs its own
    stub = namespace["execute_notebook"]

    def execute(source, *, output, parameters):
        ran.append(source.name)
        return stub(source, output=output, parameters=parameters)

    monkeypatch.setattr(_build, "execute_notebook", execute)
    monkeypatch.setenv("REPORT_RUN", "first")
    return ran


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


def test_report_killed_while_writing_pages_leaves_the_previous_report(
    tmp_path, tiny_bundle_writer, stub_notebooks
):
    bundle = tmp_path / "bundle"
    tiny_bundle_writer(bundle, n=6)
    out = tmp_path / "report"
    build_report(bundle, out_dir=out, notebooks=["01", "02"], progress=False)
    previous = _files(out)
    pages = sorted(previous)
    assert len(pages) == 4 and pages[0].startswith("01_") and pages[1].startswith("02_")
    assert pages[2:] == ["index.html", "report.html"]

    env = {**os.environ, "REPORT_RUN": "second",
           "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    child = subprocess.run([sys.executable, "-c", CHILD, str(bundle), str(out)], env=env,
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == 3, child.stderr
    assert _files(out) == previous

    # The next build is not disturbed by what the killed one left, and leaves nothing beside.
    result = build_report(bundle, out_dir=out, notebooks=["01"], progress=False)
    assert sorted(_files(out)) == [pages[0], "index.html", "report.html"]  # exactly this run's pages
    assert result.index_path == out / "index.html" and result.sections[0].html_path.is_file()
    assert _siblings(out) == [".report.engagement-analytics.lock"]


def test_a_second_build_into_a_busy_folder_stops_before_running_notebooks(
    tmp_path, tiny_bundle_writer, stub_notebooks
):
    tiny_bundle_writer(tmp_path / "bundle", n=6)
    out = tmp_path / "report"
    with open(tmp_path / ".report.engagement-analytics.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as another build's process would
        with pytest.raises(OSError, match="busy: another engagement-analytics run"):
            build_report(tmp_path / "bundle", out_dir=out, notebooks=["01"], progress=False, wait=0.2)
    assert stub_notebooks == []
    assert not out.exists()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_an_unwritable_report_folder_fails_before_the_notebooks_run(
    tmp_path, tiny_bundle_writer, stub_notebooks
):
    tiny_bundle_writer(tmp_path / "bundle", n=6)
    # An existing folder in which nobody, root included, can create a file.
    with pytest.raises(OSError):
        build_report(tmp_path / "bundle", out_dir="/proc/self", notebooks=["01"], progress=False)
    assert stub_notebooks == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_parent_fails_before_the_notebooks_run(tmp_path, tiny_bundle_writer, stub_notebooks):
    tiny_bundle_writer(tmp_path / "bundle", n=6)
    parent = tmp_path / "ro"
    (parent / "report").mkdir(parents=True)
    parent.chmod(0o555)
    try:
        with pytest.raises(OSError):
            build_report(tmp_path / "bundle", out_dir=parent / "report", notebooks=["01"], progress=False)
    finally:
        parent.chmod(0o755)
    assert stub_notebooks == []


def test_a_folder_holding_other_files_is_refused_before_the_notebooks_run(
    tmp_path, tiny_bundle_writer, stub_notebooks
):
    tiny_bundle_writer(tmp_path / "bundle", n=6)
    out = tmp_path / "documents"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    # A ValueError: the CLI prints it as one line with exit code 2.
    with pytest.raises(ValueError, match="notes.txt"):
        build_report(tmp_path / "bundle", out_dir=out, notebooks=["01"], progress=False)
    assert stub_notebooks == []
    assert _files(out) == {"notes.txt": b"mine"}
    assert _siblings(out) == [".documents.engagement-analytics.lock"]


def test_an_earlier_report_with_its_report_html_is_replaced(tmp_path, tiny_bundle_writer, stub_notebooks):
    tiny_bundle_writer(tmp_path / "bundle", n=6)
    out = tmp_path / "report"
    out.mkdir()
    (out / "report.html").write_text("an earlier report")
    (out / "01_data.html").write_text("an earlier page")
    result = build_report(tmp_path / "bundle", out_dir=out, notebooks=["01"], progress=False)
    assert sorted(_files(out)) == ["01_data.html", "index.html", "report.html"]
    assert result.report_path == out / "report.html"
    assert "run first" in result.report_path.read_text(encoding="utf-8")
