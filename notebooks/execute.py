"""Re-execute the committed report notebooks in place on data/sample.

Usage (from the repository root)::

    .venv/bin/python notebooks/execute.py            # all NN_*.ipynb
    .venv/bin/python notebooks/execute.py 01 06      # some of them

Outputs are what nbval compares against, so run this after any change that
alters a number, then review the diff. Figures keep plotly's default JSON
mimetype output, kernels get the same environment as report builds
(fixed hash seed), and no timing metadata is recorded, so re-running on
unchanged code and data leaves the files unchanged.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from engagement_analytics import get_n_jobs
from engagement_analytics.report import kernel_environment

HERE = Path(__file__).resolve().parent


def execute(path: Path) -> str:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, kernel_name="python3", timeout=600, record_timing=False,
        resources={"metadata": {"path": str(HERE)}},
    )
    client.execute()
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)
    return path.name


def main(argv: list[str]) -> None:
    paths = sorted(HERE.glob("[0-9][0-9]_*.ipynb"))
    if argv:
        paths = [p for p in paths if any(p.name.startswith(a) for a in argv)]
    with kernel_environment(), ThreadPoolExecutor(max_workers=get_n_jobs()) as pool:
        for name in pool.map(execute, paths):
            print(f"executed {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
