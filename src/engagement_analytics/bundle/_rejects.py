"""Write a lenient load's rejected rows to a folder, as one set of files."""

from __future__ import annotations

from pathlib import Path

from .._atomic import LOCK_WAIT_SECONDS, replace_files
from .._contract import TABLES
from ..safe_csv import write_csv
from ._types import Bundle

__all__ = ["write_rejects"]


def write_rejects(bundle: Bundle, folder: str | Path, *, wait: float = LOCK_WAIT_SECONDS) -> list[Path]:
    """Write ``bundle.rejected_rows`` as ``<table>.rejected.csv`` files of ``folder``.

    The files are replaced as one set (see ``_atomic.replace_files``): the
    folder always describes a single load, and ``<table>.rejected.csv`` of a
    table without rejected rows this time is deleted rather than left over
    from an earlier load. Other files of the folder are not touched.

    Parameters
    ----------
    bundle : Bundle
    folder : str or Path
        Created if missing.
    wait : float, default 60
        Seconds to wait for another run writing the same folder, then
        ``FolderBusy`` (an ``OSError``).

    Returns
    -------
    list of Path
        The files written.
    """
    folder = Path(folder)
    rows = bundle.rejected_rows
    replace_files(
        folder,
        {f"{name}.rejected.csv": (lambda path, frame=rows[name]: write_csv(frame, path, index=False))
         if name in rows else None for name in TABLES},
        wait=wait,
    )
    return [folder / f"{name}.rejected.csv" for name in TABLES if name in rows]
