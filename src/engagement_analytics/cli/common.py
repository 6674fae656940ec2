"""Shared pieces of the CLI: consoles, one-line errors, option parsing, output paths, CSV output.

Every CSV the CLI writes goes through :func:`write_csv` (spreadsheet-safe cells).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

from .. import LOCK_WAIT_SECONDS
from ..safe_csv import write_csv as write_csv  # re-exported: every CSV the CLI writes

#: What a terminal must not receive raw: C0 and C1 control characters and DEL, but tab and newline.
_CONTROL_ON_SCREEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    """``text`` with its control characters (but tab and newline) shown as ``\\xNN``."""
    if _CONTROL_ON_SCREEN.search(text) is None:
        return text
    return _CONTROL_ON_SCREEN.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


class SafeConsole(Console):
    """A rich Console that never sends a control character of the printed text to the terminal.

    Text from exports (subjects, file names, Jira keys, ICS UIDs, Slack folder
    names) may hold ESC sequences that clear the screen, fake output or plant
    links. Every segment rendered (strings, Text, table cells) has its control
    characters but tab and newline shown as ``\\x1b``-style escapes; only
    rich's own control segments (styles, cursor moves) pass unchanged.
    """

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control or not segment.text:
                yield segment
            else:
                text = escape_controls(segment.text)
                yield segment if text is segment.text else Segment(text, segment.style)


# Everything the CLI prints may hold untrusted text (paths, sheet names, titles,
# cell values): rich markup ("[/]"), emoji codes (":x:") and highlighting are
# off for every print, and control characters are escaped (SafeConsole).
# Styled words are passed as rich Text objects instead.
console = SafeConsole(markup=False, emoji=False, highlight=False, soft_wrap=True)
console_err = SafeConsole(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)


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
