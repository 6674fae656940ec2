"""Fixtures of the JupyterLab tests: the scripts of notebooks/ and what the notebooks hold."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"


def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(f"notebooks_{name}", NOTEBOOKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def notebook_figures(path: Path) -> list[dict]:
    """The plotly figures (JSON mimetype outputs) of a notebook, in order."""
    notebook = nbformat.read(path, as_version=4)
    return [
        output["data"][PLOTLY_MIMETYPE]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if PLOTLY_MIMETYPE in output.get("data", {})
    ]


def report_height(figure: dict) -> int:
    """The height a report page draws a figure at: its own, else its template's."""
    layout = figure.get("layout", {})
    return layout.get("height", layout.get("template", {}).get("layout", {}).get("height"))


@pytest.fixture(scope="session")
def lab_script():
    """notebooks/lab.py, what ``make lab`` runs."""
    return _load_script("lab")


@pytest.fixture(scope="session")
def execute_script():
    """notebooks/execute.py, what ``make notebooks`` runs."""
    return _load_script("execute")


@pytest.fixture(scope="session")
def committed_notebooks() -> list[Path]:
    """Every notebook of notebooks/: the landing page and the seven report notebooks."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="session")
def figures_of():
    """``figures_of(path)``: the plotly figures of a notebook, in order."""
    return notebook_figures


@pytest.fixture(scope="session")
def height_of():
    """``height_of(figure)``: the height a report page draws the figure at."""
    return report_height
