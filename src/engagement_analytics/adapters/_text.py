"""Reading an export as text: UTF-8 only, no NUL bytes, one located line otherwise.

Every reader (CSV exports, Zoom reports, iCalendar files, the roster, the rules
file) goes through :func:`read_text`, so a Latin-1, UTF-16 or binary file fails
the same way whichever command reads it, instead of a ``UnicodeDecodeError``
traceback, a silently replaced character, or a NUL byte written to the bundle.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from ._result import AdapterError

__all__ = ["read_text"]

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_text(path: str | Path, *, max_bytes: int | None = None, what: str = "file") -> str:
    """The text of a UTF-8 file (a leading BOM dropped), or a one-line AdapterError.

    Parameters
    ----------
    path : str or Path
    max_bytes : int, optional
        Refuse a larger file (read no more than this plus one byte).
    what : str, optional
        What the file is, for messages (``file``, ``rules file``).

    Raises
    ------
    AdapterError
        Naming the file: missing or unreadable, larger than ``max_bytes``,
        UTF-16, holding a NUL byte (binary) or bytes that are not UTF-8 (with
        the line and column of the first one).
    """
    path = Path(path)
    try:
        with path.open("rb") as stream:
            data = stream.read(-1 if max_bytes is None else max_bytes + 1)
    except FileNotFoundError:
        raise AdapterError(f"{path.name}: {what} not found") from None
    except OSError as exc:
        raise AdapterError(f"{path.name}: cannot read the {what} ({exc.strerror or exc})") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise AdapterError(f"{path.name}: {what} larger than {max_bytes:,} bytes; refused")
    if data.startswith(_UTF16_BOMS):
        raise AdapterError(f"{path.name}: {what} is UTF-16 text; save it as UTF-8")
    nul = data.find(b"\0")
    if nul >= 0:
        raise AdapterError(
            f"{path.name}: binary content (NUL byte at {_place(data, nul)}); expected a UTF-8 text {what}"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AdapterError(
            f"{path.name}: not UTF-8 text (byte 0x{data[exc.start]:02x} at "
            f"{_place(data, exc.start)}); save the {what} as UTF-8"
        ) from None


def _place(data: bytes, offset: int) -> str:
    """``line L, column C`` of a byte offset (both from 1, the column in bytes)."""
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"
