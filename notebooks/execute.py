"""Re-execute the committed notebooks in place on data/sample.

Usage (from the repository root)::

    .venv/bin/python notebooks/execute.py            # all NN_*.ipynb (00_start_here too)
    .venv/bin/python notebooks/execute.py 01 06      # some of them

Outputs are what nbval compares against, so run this after any change that
alters a number, then review the diff. Figures keep plotly's default JSON
mimetype output, kernels get the same environment as report builds
(fixed hash seed), and no timing metadata is recorded, so re-running on
unchanged code and data leaves the files unchanged.

Notebooks are written in the form JupyterLab saves them in (:func:`normalise`),
so that opening one in JupyterLab and saving it unchanged rewrites nothing.
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

#: The kernelspec JupyterLab records when ipykernel's ``python3`` kernel starts (its
#: display name since ipykernel 6); tests/lab checks it against the installed kernel.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
#: JavaScript prints a float with no fraction below this as an integer (1.0 -> "1").
_JS_EXPONENT_FROM = 1e21


def _javascript_numbers(value):
    """``value`` with every float JavaScript would print as an integer made an int."""
    if isinstance(value, float) and value.is_integer() and abs(value) < _JS_EXPONENT_FROM:
        return int(value)
    if isinstance(value, dict):
        return {key: _javascript_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_javascript_numbers(item) for item in value]
    return value


def _merged_streams(outputs: list) -> list:
    """Consecutive stream outputs of the same name as one."""
    merged: list = []
    for output in outputs:
        last = merged[-1] if merged else None
        if (output.get("output_type") == "stream" and last is not None
                and last.get("output_type") == "stream" and last.get("name") == output.get("name")):
            last["text"] = "".join(last["text"]) + "".join(output["text"])
        else:
            merged.append(output)
    return merged


def normalise(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``notebook`` in the form JupyterLab saves it in after opening it unchanged.

    JupyterLab holds a notebook as JavaScript objects, where 0.0 and 0 are the
    same number, written back as ``0``; figure JSON is full of such floats.
    It also records the kernelspec of the kernel it starts, so the committed
    one is ipykernel's. (The kernel's ``language_info``, which names the exact
    Python version, is left as executed: ``make lab`` does not start a kernel
    on opening, which is what keeps a notebook unmodified on any machine.)
    Consecutive prints to one stream are one output, as JupyterLab stores them
    when it runs a cell; the kernel splits them at random, so this also keeps
    re-execution from changing the file.
    """
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if "outputs" in cell:
            cell.outputs = _merged_streams(cell.outputs)
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    return nbformat.from_dict(_javascript_numbers(notebook))


def execute(path: Path) -> str:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, kernel_name="python3", timeout=600, record_timing=False,
        resources={"metadata": {"path": str(HERE)}},
    )
    client.execute()
    nbformat.write(normalise(notebook), path)
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
