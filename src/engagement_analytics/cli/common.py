"""Shared pieces of the CLI: consoles, one-line errors, option parsing, output paths, CSV output.

Every CSV the CLI writes goes through :func:`write_csv` (spreadsheet-safe cells).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .. import LOCK_WAIT_SECONDS
from ..safe_csv import write_csv as write_csv  # re-exported: every CSV the CLI writes

# Everything the CLI prints may hold untrusted text (paths, sheet names, titles,
# cell values): rich markup ("[/]"), emoji codes (":x:") and highlighting are
# off for every print. Styled words are passed as rich Text objects instead.
console = Console(markup=False, emoji=False, highlight=False, soft_wrap=True)
console_err = Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)


class UsageProblem(Exception):
    """A bad option value or path: printed as one line, exit code 2."""


def parse_date(value: str | None, *, option: str) -> dt.date | None:
    """Parse an ISO ``YYYY-MM-DD`` option value, or raise :class:`UsageProblem`."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageProblem(f"{option}: {value!r} is not a date (expected YYYY-MM-DD)") from None


#: The ``--wait`` option of the commands that write a folder another run may be writing.
WaitOption = Annotated[
    float,
    typer.Option(
        "--wait",
        min=0,
        help="Seconds to wait while another run writes the same folder, then stop (0: stop at once).",
    ),
]
WAIT_DEFAULT = LOCK_WAIT_SECONDS


def check_writable(path: Path, *, option: str, folder: bool = False) -> None:
    """Fail now, in one line, if an output written at the end could not be written.

    ``folder=True``: ``path`` is a folder, made if missing; else a file whose
    folder must exist. A hidden probe file is created in the folder and
    deleted; nothing else is touched.
    """
    try:
        if folder:
            path.mkdir(parents=True, exist_ok=True)
            where = path
        elif path.is_dir():
            raise UsageProblem(f"{option}: {path} is a folder, not a file")
        else:
            where = path.parent
        fd, probe = tempfile.mkstemp(dir=where, prefix=".engagement-analytics-", suffix=".probe")
    except OSError as exc:
        raise UsageProblem(f"{option}: {path} cannot be written ({exc.strerror or exc})") from None
    os.close(fd)
    os.unlink(probe)


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Write one file through a hidden temporary file beside it, renamed into place.

    Readers see the old file or the whole new one; a run killed while writing
    leaves at most a hidden ``.NAME.*.tmp`` file. The new file gets the
    permissions of the one it replaces (else the usual ones, umask applied).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        write(tmp)
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
