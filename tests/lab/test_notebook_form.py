"""The committed notebooks open clean in JupyterLab, look like the report, stay small, and
read their bundle from one place.

A notebook JupyterLab opens and saves unchanged must come back byte for byte: the round
trip below is what JupyterLab does to it (tests/lab/test_lab_browser.py checks the real
one). Notebooks 01-07 get this form when re-executed with ``make notebooks``.
"""

from __future__ import annotations

import difflib
import json
import os
import runpy
from pathlib import Path

import nbformat
import plotly.graph_objects as go
import pytest
from jupyter_client.kernelspec import KernelSpecManager

from engagement_analytics import plots
from engagement_analytics.report import build_report

BUNDLE_VARIABLE = "ENGAGEMENT_ANALYTICS_BUNDLE"
NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
#: A notebook above this size has something in it that should not be (plotly.js is 4.6 MB).
MAX_NOTEBOOK_BYTES = 300_000


def _javascript_float(text: str) -> float | int:
    """A JSON float as the server gets it back from the browser: JavaScript has one number
    type, and ``JSON.stringify`` prints one with no fraction as an integer below 1e21."""
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < 1e21 else value


def jupyterlab_round_trip(text: str) -> str:
    """What JupyterLab writes when a notebook is opened and saved without running it.

    jupyter_server reads the file with nbformat and sends it to the browser as JSON; the
    browser holds it as JavaScript objects (at nbformat 4.5 or later) and sends it back;
    the server writes it with nbformat.
    """
    notebook = nbformat.reads(text, as_version=4)
    in_browser = json.loads(json.dumps(notebook), parse_float=_javascript_float)
    in_browser["nbformat_minor"] = max(in_browser["nbformat_minor"], 5)
    return nbformat.writes(nbformat.from_dict(in_browser), version=nbformat.NO_CONVERT) + "\n"


def _first_difference(before: str, after: str) -> str:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return " | ".join(line.strip() for line in list(diff)[2:6])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_comes_back_unchanged_from_a_jupyterlab_round_trip(path):
    text = path.read_text(encoding="utf-8")
    saved = jupyterlab_round_trip(text)
    assert saved == text, (
        f"JupyterLab would rewrite {path.name} on save ({_first_difference(text, saved)}): "
        "re-execute it with `make notebooks`"
    )


def test_the_round_trip_catches_floats_and_execute_writes_what_it_keeps(execute_script):
    notebook = nbformat.v4.new_notebook()
    figure = {"layout": {"title": {"x": 0.0}, "height": 420.0}, "data": [{"y": [1.0, 0.5, 1e21]}]}
    notebook.cells.append(nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
        "display_data", data={"application/vnd.plotly.v1+json": figure})]))
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    raw = nbformat.writes(notebook) + "\n"
    assert jupyterlab_round_trip(raw) != raw  # 0.0, 420.0 and 1.0 come back as integers

    normal = nbformat.writes(execute_script.normalise(nbformat.reads(raw, as_version=4))) + "\n"
    assert jupyterlab_round_trip(normal) == normal
    kept = json.loads(normal)["cells"][0]["outputs"][0]["data"]["application/vnd.plotly.v1+json"]
    assert kept["data"][0]["y"] == [1, 0.5, 1e21] and isinstance(kept["data"][0]["y"][1], float)


def test_execute_writes_one_print_the_same_however_the_kernel_split_it(execute_script):
    def printed(*parts):
        notebook = nbformat.v4.new_notebook()
        streams = [nbformat.v4.new_output("stream", name=name, text=text) for name, text in parts]
        notebook.cells.append(nbformat.v4.new_code_cell(outputs=streams))
        return execute_script.normalise(notebook).cells[0].outputs

    whole = printed(("stdout", "a 1\n"), ("stderr", "warning\n"), ("stdout", "b 2\n"))
    split = printed(("stdout", "a 1"), ("stdout", "\n"), ("stderr", "warning\n"), ("stdout", "b"),
                    ("stdout", " 2\n"))
    assert split == whole and len(whole) == 3  # stderr in between is kept where it was


def test_committed_kernelspec_is_the_one_jupyterlab_records(committed_notebooks, execute_script):
    # On opening a notebook whose kernel starts, JupyterLab writes the kernel's spec into it;
    # a different one marks the notebook modified.
    spec = KernelSpecManager().get_kernel_spec("python3")
    recorded = {"display_name": spec.display_name, "language": spec.language, "name": "python3"}
    assert recorded == execute_script.KERNELSPEC
    for path in committed_notebooks:
        assert nbformat.read(path, as_version=4).metadata.kernelspec == recorded, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_figures_have_the_report_theme_and_an_explicit_height(path, figures_of):
    # JupyterLab's plotly renderer draws a figure without layout.height 360 px high, whatever
    # its template says; the report draws it at the template's 420.
    template = json.loads(go.Figure(layout={"template": plots.TEMPLATE}).to_json())["layout"]["template"]
    for number, figure in enumerate(figures_of(path), start=1):
        assert figure["layout"].get("template") == template, f"{path.name} figure {number}"
        assert "height" in figure["layout"], (
            f"{path.name} figure {number} has no height of its own: run `make notebooks`"
        )


def test_every_notebook_is_checked(committed_notebooks, figures_of):
    assert committed_notebooks == NOTEBOOKS and len(NOTEBOOKS) == 8
    assert sum(len(figures_of(path)) for path in NOTEBOOKS) >= 8


def test_notebooks_stay_small_with_figures_as_plotly_json(committed_notebooks):
    for path in committed_notebooks:
        assert path.stat().st_size < MAX_NOTEBOOK_BYTES, path.name
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                html = output.get("data", {}).get("text/html", "")
                assert "<script" not in html, f"{path.name}: a script in an output (plotly.js?)"


@pytest.mark.parametrize("value", ["", "/elsewhere/bundle"])
def test_every_parameters_cell_takes_its_default_bundle_from_the_variable(
    committed_notebooks, monkeypatch, value
):
    monkeypatch.setenv(BUNDLE_VARIABLE, value)
    for path in committed_notebooks:
        notebook = nbformat.read(path, as_version=4)
        [cell] = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
        namespace: dict = {}
        exec(cell.source, namespace)  # the committed cell: an import and assignments
        assert namespace["bundle"] == (value or "../data/sample"), path.name


def test_nbval_runs_ignore_the_bundle_variable(monkeypatch, committed_notebooks):
    monkeypatch.setenv(BUNDLE_VARIABLE, "/elsewhere/bundle")
    runpy.run_path(str(committed_notebooks[0].parent / "conftest.py"))
    assert BUNDLE_VARIABLE not in os.environ


def test_reports_built_from_the_notebooks_folder_leave_the_landing_notebook_out(
    committed_notebooks, tmp_path
):
    folder = committed_notebooks[0].parent
    assert (folder / "00_start_here.ipynb").exists()
    with pytest.raises(ValueError, match="no report notebook '00'"):
        build_report(folder.parent / "data" / "sample", out_dir=tmp_path, notebooks=["00"],
                     notebooks_dir=folder, progress=False)
