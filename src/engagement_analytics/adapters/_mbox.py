"""Streaming the headers out of an mbox file, in bounded memory and time.

The file is scanned in fixed-size chunks, never line by line and never whole:
a message's header ends at its first blank line (a message whose header does
not end within :data:`MAX_HEADER_BYTES` is skipped: what follows may be its
body, which is never read into outputs), and its body is skipped by searching for the next
separator line. Memory stays bounded whatever the file holds (a 2 GB line, a
40 MB attachment).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from ._result import AdapterError

__all__ = ["HEADER_TOO_LONG", "MAX_HEADER_BYTES", "MAX_SEPARATOR_LINE", "mbox_headers"]

#: Bytes a message's header may take: a longer one (or a message with no blank
#: line ending its header) is skipped, counted under ``header_over_<n>_bytes``.
MAX_HEADER_BYTES = 64 * 1024
#: The start of the skip reason of a message whose header is too long.
HEADER_TOO_LONG = "header_over_"
#: Bytes read from the file at a time.
CHUNK_BYTES = 1 << 20
#: Bytes of an mbox separator line looked at.
MAX_SEPARATOR_LINE = 4_096
#: The classic separator: ``From <sender> <weekday> ...`` (Gmail, Thunderbird,
#: Apple Mail, Postfix). Checked on at most 256 bytes, no nested repetition.
_SEPARATOR_SHAPE = re.compile(rb"From \S{1,200} +(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ")
_SHAPE_SPAN = 256
#: Bytes kept before the scan position when the window slides (blank-line checks).
_LOOKBEHIND = 8


class _Window:
    """A window sliding over a binary stream: bounded memory whatever its lines."""

    __slots__ = ("stream", "buf", "pos", "eof")

    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self.buf, self.pos, self.eof = stream, b"", 0, False

    def more(self) -> bool:
        """Read the next chunk (dropping what lies well before ``pos``); False at the end."""
        if self.eof:
            return False
        data = self.stream.read(CHUNK_BYTES)
        if not data:
            self.eof = True
            return False
        keep = max(0, self.pos - _LOOKBEHIND)
        self.buf = self.buf[keep:] + data
        self.pos -= keep
        return True

    def search(self, patterns: tuple[bytes, ...], span: int) -> int:
        """Offset from ``pos`` of the first pattern found within ``span`` bytes, else -1."""
        longest = max(map(len, patterns))
        while True:
            end = min(len(self.buf), self.pos + span + longest)
            best = -1
            for pattern in patterns:
                # Each later pattern is only looked for before the best match so far:
                # a pattern absent from the file must not cost a scan of the whole span.
                found = self.buf.find(pattern, self.pos, end if best == -1 else best + len(pattern))
                if found != -1 and (best == -1 or found < best):
                    best = found
            if best != -1:
                return best - self.pos
            if len(self.buf) - self.pos >= span + longest or not self.more():
                return -1

    def skip_to(self, pattern: bytes) -> bool:
        """Move ``pos`` to the next ``pattern``; False (``pos`` at the end) if there is none."""
        while True:
            found = self.buf.find(pattern, self.pos)
            if found != -1:
                self.pos = found
                return True
            self.pos = max(self.pos, len(self.buf) - len(pattern) + 1)
            if not self.more():
                self.pos = len(self.buf)
                return False


def mbox_headers(stream: BinaryIO, file: str) -> Iterator[tuple[bytes, str]]:
    """Each message's header bytes in an mbox stream, and a problem note ('' if none).

    Problems: ``header_over_<n>_bytes`` (no blank line within
    :data:`MAX_HEADER_BYTES`: the caller skips the message; the header
    yielded is then empty), ``last_message_truncated`` (the file ends inside
    a header).

    Raises
    ------
    AdapterError
        When the stream does not start with ``From `` (not an mbox file).
    """
    window = _Window(stream)
    while len(window.buf) < 5 and window.more():
        pass
    if not window.buf.startswith(b"From "):
        raise AdapterError(f"{file}: not an mbox file (it does not start with a 'From ' line)")
    header_end = (b"\n\n", b"\n\r\n", b"\nFrom ")
    while True:
        # pos is at the start of a separator line: skip it.
        line = window.search((b"\n",), MAX_SEPARATOR_LINE)
        if line == -1:
            line = min(MAX_SEPARATOR_LINE, len(window.buf) - window.pos)
        window.pos += line  # at the separator line's newline
        end = window.search(header_end, MAX_HEADER_BYTES)
        buf, start = window.buf, window.pos
        if end == -1:
            if window.eof:
                yield buf[start + 1:], "last_message_truncated"
                return
            yield b"", f"{HEADER_TOO_LONG}{MAX_HEADER_BYTES}_bytes"
            window.pos += MAX_HEADER_BYTES
        else:
            yield buf[start + 1: start + end + 1], ""
            window.pos = start + end + 1
            if buf.startswith(b"From ", window.pos):  # no blank line: a header-only message
                continue
        if not _skip_body(window):
            return


def _skip_body(window: _Window) -> bool:
    """Move to the next separator line; False at the end of the file."""
    while window.skip_to(b"\nFrom "):
        window.pos += 1  # at the F
        while len(window.buf) - window.pos < _SHAPE_SPAN and window.more():
            pass  # the whole candidate line is needed to check its shape
        at, buf = window.pos - 1, window.buf
        blank_before = buf[at - 1: at] == b"\n" or buf[at - 2: at] == b"\n\r"
        if blank_before or _SEPARATOR_SHAPE.match(buf, at + 1, at + 1 + _SHAPE_SPAN):
            return True
    return False
