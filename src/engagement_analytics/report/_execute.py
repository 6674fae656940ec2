"""Run one report notebook with papermill and say how it went.

Execution is kept apart from rendering so that a notebook that fails still
yields its partial, executed notebook and the reason it failed.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import nbformat

__all__ = ["Execution", "execute_notebook", "kernel_environment"]

#: Seconds one cell may run before the notebook counts as failed.
CELL_TIMEOUT_SECONDS = 600

#: Environment of the kernels that run report notebooks. Plotly's mimetype
#: renderer is forced so that figures come out the same whatever the caller's
#: terminal (VS Code, Colab, ... each switch plotly's default renderer); the
#: HTML stage turns them into offline figures. A fixed hash seed keeps set and
#: dict iteration order, hence the output, identical between runs. The
#: notebooks' default bundle variable (``make lab BUNDLE=...``) is emptied: a
#: report reads the bundle it is given, committed outputs come from the sample.
KERNEL_ENVIRONMENT = {
    "PLOTLY_RENDERER": "plotly_mimetype",
    "PYTHONHASHSEED": "0",
    "ENGAGEMENT_ANALYTICS_BUNDLE": "",
}


@dataclass
class Execution:
    """The outcome of running one notebook.

    Attributes
    ----------
    notebook : NotebookNode or None
        The executed notebook (partial if a cell failed), or None when the
        kernel could not even start it.
    error : str or None
        Why it failed, in one line (``ExceptionName: message``), or None.
    seconds : float
        Wall-clock time of the run.
    """

    notebook: nbformat.NotebookNode | None
    error: str | None
    seconds: float


@contextlib.contextmanager
def kernel_environment(extra: Mapping[str, str] = KERNEL_ENVIRONMENT) -> Iterator[None]:
    """Set environment variables for the kernels started inside the block.

    Kernels inherit the environment of this process, and papermill has no
    per-kernel environment option, so the variables are set here and restored
    afterwards. The ``src`` folder of a source checkout is put on
    ``PYTHONPATH`` so that notebooks import this very package even when it is
    not installed.
    """
    saved = {name: os.environ.get(name) for name in [*extra, "PYTHONPATH"]}
    package_root = str(Path(__file__).resolve().parents[1])
    try:
        os.environ.update(extra)
        paths = [package_root, *filter(None, (saved["PYTHONPATH"] or "").split(os.pathsep))]
        os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def execute_notebook(
    source: Path,
    *,
    output: Path,
    parameters: Mapping[str, object],
    kernel_name: str = "python3",
) -> Execution:
    """Execute ``source`` into ``output`` with papermill; never raises for a failing cell.

    Parameters
    ----------
    source : Path
        The notebook to run (it must have a cell tagged ``parameters``).
    output : Path
        Where papermill writes the executed notebook.
    parameters : mapping
        Injected after the ``parameters`` cell.
    kernel_name : str
        Jupyter kernel to use.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    error: str | None = None
    try:
        papermill.execute_notebook(
            str(source),
            str(output),
            parameters=dict(parameters),
            kernel_name=kernel_name,
            # No cwd=: papermill would chdir the whole process, and with notebooks
            # running in threads the working directory could be left changed.
            # The notebooks get absolute paths, so they need none.
            progress_bar=False,
            request_save_on_cell_execute=False,
            execution_timeout=CELL_TIMEOUT_SECONDS,
            # The kernel's own log (plain-TCP warning, the interrupt at shutdown)
            # is noise for a report build; cell errors still come back as exceptions.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except PapermillExecutionError as exc:
        error = f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # a dead kernel, a timeout, a bad notebook: still a report page
        error = f"{type(exc).__name__}: {exc}"
    notebook = nbformat.read(output, as_version=4) if output.exists() else None
    return Execution(notebook=notebook, error=error, seconds=time.perf_counter() - started)
