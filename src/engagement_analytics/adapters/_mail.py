"""E-mail headers (mbox, .eml, Outlook .msg) to communications.

Only headers are read: Message-ID, In-Reply-To, References, Date, From,
To, Cc and Subject. Bodies and attachments are skipped unread.

mbox files are scanned in fixed-size chunks, never line by line and never
whole: a message's header ends at its first blank line (or at most
:data:`MAX_HEADER_BYTES`), and its body is skipped by searching for the next
separator line. Memory stays bounded whatever the file holds (a 2 GB line,
a 40 MB attachment), and a million headers take well under a minute
(``benchmarks/bench_adapters.py --mbox``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.header
import email.utils
import functools
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from ._events import read_roster
from ._jsonfiles import files_under
from ._messages import (
    MAIL_PREFIX,
    Message,
    MessageMapper,
    capped_listing,
    first_address,
    message_key,
)
from ._result import AdapterError, AdapterResult, ImportReport
from ._rules import MappingRules

__all__ = [
    "angle_id",
    "header_fields",
    "mail_message",
    "mbox_headers",
    "read_mail",
    "read_mbox",
]

#: Bytes of a message's header read at most; the rest of a longer header is skipped.
MAX_HEADER_BYTES = 256 * 1024
#: Characters of a Subject or From field decoded at most: the stdlib's RFC 2047
#: decoder is quadratic on crafted input (under 0.3 ms at this length); no real
#: subject is near this long.
MAX_FIELD_CHARS = 1_000
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
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FIELDS = frozenset(
    {"message-id", "in-reply-to", "references", "date", "from", "to", "cc", "subject"}
)
#: The usual Date shape (``Tue, 4 Mar 2025 09:12:00 +0100``), read without the
#: stdlib's general parser (a third of the time per message); others go to it.
_COMMON_DATE = re.compile(
    r"(?:[A-Za-z]{3}, ?)?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
#: Dates outside these years are skipped (``date_out_of_range``): a bundle cannot hold them.
_YEARS = (1900, 2200)


def read_mbox(
    paths: str | Path | Iterable[str | Path],
    *,
    rules: MappingRules,
    roster: str | Path | pd.DataFrame | None = None,
    engagement_ids: Iterable[str] | None = None,
) -> AdapterResult:
    """Read mbox files (Gmail Takeout, Thunderbird, Apple Mail) into communications.

    Parameters
    ----------
    paths : path or list of paths
        mbox files. A message starts at a line ``From ...`` that follows a
        blank line or looks like a classic separator (``From sender Mon
        ...``); ``>From`` lines (mboxrd quoting) are body lines.
    rules : MappingRules
        ``title_regex`` rules see the Subject; ``attendee_domain`` rules see
        From, To and Cc.
    roster : path or DataFrame, optional
        Stakeholders CSV: the spelling of known people's ids.
    engagement_ids : iterable of str, optional
        Engagement ids the bundle knows (others: ``unknown_engagement``).

    Returns
    -------
    AdapterResult
        ``communications`` and ``stakeholders`` (senders); the report counts messages.

    Raises
    ------
    AdapterError
        A file that cannot be read or does not start with a ``From`` line.
    """
    paths = _paths(paths)
    report = ImportReport("mbox", "messages")
    mapper = MessageMapper(rules, read_roster(roster), report, engagement_ids=engagement_ids)
    for path in paths:
        try:
            with path.open("rb") as stream:
                for number, (header, problem) in enumerate(mbox_headers(stream, path.name), 1):
                    report.read += 1
                    if problem:
                        report.notes[problem] += 1
                    message = mail_message(header_fields(header), path.name, f"#{number}",
                                           report)
                    if message is not None:
                        mapper.add(message)
        except OSError as exc:
            raise AdapterError(f"{path.name}: cannot read the file ({exc.strerror})") from None
    return mapper.result()


def read_mail(
    paths: str | Path | Iterable[str | Path],
    *,
    rules: MappingRules,
    roster: str | Path | pd.DataFrame | None = None,
    engagement_ids: Iterable[str] | None = None,
) -> AdapterResult:
    """Read ``.eml`` and Outlook ``.msg`` files (or folders of them) into communications.

    Parameters
    ----------
    paths : path or list of paths
        Files, or folders searched recursively for ``*.eml`` and ``*.msg``.
        Each file is one message; an Outlook file is recognised by its
        content (OLE2), whatever its name. A file that cannot be read as a
        message is skipped (``unreadable_file``) and listed.
    rules, roster, engagement_ids
        As for :func:`read_mbox`.

    Returns
    -------
    AdapterResult
        As for :func:`read_mbox`; the report counts files.
    """
    report = ImportReport("eml", "message files")
    mapper = MessageMapper(rules, read_roster(roster), report, engagement_ids=engagement_ids)
    for path in _mail_files(_paths(paths)):
        report.read += 1
        try:
            with path.open("rb") as stream:
                head = stream.read(MAX_HEADER_BYTES + MAX_SEPARATOR_LINE)
        except OSError as exc:
            raise AdapterError(f"{path.name}: cannot read the file ({exc.strerror})") from None
        if head.startswith(_OLE_MAGIC):
            fields = _msg_fields(path, report)
            if fields is None:
                continue
        else:
            if head.startswith(b"From "):  # saved with its mbox separator line
                head = head[head.find(b"\n") + 1:] if b"\n" in head else b""
            fields = header_fields(_header_part(head))
        message = mail_message(fields, path.name, path.name, report)
        if message is not None:
            mapper.add(message)
    return mapper.result()


def _paths(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    return [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]


def _mail_files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in files_under(path) if p.suffix.lower() in (".eml", ".msg"))
        else:
            yield path


def _header_part(data: bytes) -> bytes:
    """The header of a message file: up to the first blank line."""
    ends = [i for i in (data.find(b"\n\n"), data.find(b"\n\r\n")) if i != -1]
    return data[: min(ends) + 1] if ends else data[:MAX_HEADER_BYTES]


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

    Notes: ``header_over_<n>_bytes_cut`` (the header was cut at
    :data:`MAX_HEADER_BYTES`), ``last_message_truncated`` (the file ends inside
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
            yield buf[start + 1: start + 1 + MAX_HEADER_BYTES], (
                f"header_over_{MAX_HEADER_BYTES}_bytes_cut")
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


def header_fields(header: bytes | str) -> dict[str, str]:
    """The header fields this importer uses (lower-case names), unfolded, first of each.

    Raw 8-bit bytes are read as UTF-8 (undecodable bytes become U+FFFD):
    RFC 2047 encoded words are decoded later, only in the fields that need it.
    """
    text = header.decode("utf-8", "replace") if isinstance(header, bytes) else header
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    # Unfolding: a line starting with a space or tab continues the previous one.
    text = text.replace("\n ", " ").replace("\n\t", " ")
    fields: dict[str, str] = {}
    for line in text.split("\n"):
        name, colon, value = line.partition(":")
        if colon:
            name = name.strip().lower()
            if name in _FIELDS and name not in fields:
                fields[name] = value.strip()
    return fields


def mail_message(
    fields: dict[str, str], file: str, uid: str, report: ImportReport
) -> Message | None:
    """A :class:`Message` from header fields, or None (counted under a reason).

    Skipped: ``missing_date``, ``unparseable_date``, ``date_out_of_range``,
    ``missing_sender``. Noted: ``date_without_offset_read_as_utc``,
    ``no_message_id_id_made_from_headers``.
    """
    subject = decode_words(fields.get("subject", ""))
    date_text = fields.get("date", "")
    sent_at, reason = _parse_date(date_text) if date_text else (None, "missing_date")
    if reason:
        if sent_at is None:
            listed = {"file": file, "uid": uid, "start": date_text[:40], "title": subject}
            report.skip(reason, listed=capped_listing(report, listed))
            return None
        report.notes[reason] += 1
    sender = first_address(decode_words(fields.get("from", "")))
    if not sender:
        listed = {"file": file, "uid": uid, "start": date_text[:40], "title": subject}
        report.skip("missing_sender", listed=capped_listing(report, listed))
        return None
    own_id = angle_id(fields.get("message-id", ""), last=False)
    if not own_id:
        # Some clients' drafts and sent copies carry none: the same headers give the same id.
        report.notes["no_message_id_id_made_from_headers"] += 1
        own_id = "\x1f".join(("no-message-id", sender, sent_at.isoformat(), subject))
    parent = angle_id(fields.get("in-reply-to", ""), last=False) or angle_id(
        fields.get("references", ""), last=True)
    return Message(
        message_id=message_key(MAIL_PREFIX, own_id),
        sent_at=sent_at,
        sender=sender,
        subject=subject,
        recipients=f"{fields.get('to', '')},{fields.get('cc', '')}",
        in_reply_to=message_key(MAIL_PREFIX, parent) if parent else "",
        file=file,
        uid=uid,
    )


def _parse_date(text: str) -> tuple[dt.datetime | None, str]:
    """(aware datetime, note) or (None, skip reason). The writer's offset is kept."""
    common = _COMMON_DATE.fullmatch(text)
    if common is not None and common[7] + common[8] + common[9] != "-0000":
        day, month, year, hour, minute, second, sign, oh, om = common.groups()
        try:
            zone = _zone(sign + oh + om)
            parsed = dt.datetime(int(year), _MONTHS.get(month.lower(), 0), int(day), int(hour),
                                 int(minute), int(second), tzinfo=zone)
        except ValueError:
            parsed = None  # e.g. 31 Feb, or second 60: the general parser decides
        if parsed is not None:
            in_range = _YEARS[0] <= parsed.year <= _YEARS[1]
            return (parsed, "") if in_range else (None, "date_out_of_range")
    try:
        parsed = email.utils.parsedate_to_datetime(text[:MAX_FIELD_CHARS])
    except (ValueError, TypeError, IndexError, OverflowError):
        return None, "unparseable_date"
    if not _YEARS[0] <= parsed.year <= _YEARS[1]:
        return None, "date_out_of_range"
    if parsed.tzinfo is None:  # no zone, or -0000 ("offset unknown", RFC 5322)
        return parsed.replace(tzinfo=dt.UTC), "date_without_offset_read_as_utc"
    return parsed, ""


@functools.lru_cache(maxsize=256)
def _zone(offset: str) -> dt.timezone:
    """``+0100`` as a time zone (few distinct offsets: made once each)."""
    delta = dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5]))
    return dt.timezone(-delta if offset[0] == "-" else delta)


def decode_words(value: str) -> str:
    """RFC 2047 encoded words decoded (``=?utf-8?q?...?=``); the text as is when broken."""
    value = value[:MAX_FIELD_CHARS]
    if "=?" not in value:
        return value
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except Exception:  # unknown charsets, bad base64, ...: hostile input is normal here
        return value


def angle_id(value: str, *, last: bool) -> str:
    """The first (or last) ``<id>`` of a Message-ID list; bare text when there are no brackets."""
    if not value:
        return ""
    start = value.rfind("<") if last else value.find("<")
    if start == -1:
        words = value.split()
        return (words[-1] if last else words[0]) if words else ""
    end = value.find(">", start)
    found = value[start + 1: end if end != -1 else len(value)]
    return "".join(found.split())  # folding may have put spaces inside


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Silence a library's logger: its messages may quote the file's content."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


def _msg_fields(path: Path, report: ImportReport) -> dict[str, str] | None:
    """Header fields of an Outlook .msg file: its transport headers, else its properties.

    A file extract-msg cannot open is skipped (``unreadable_file``) and listed.
    """
    import extract_msg  # heavy: only when an Outlook file is met

    listed = {"file": path.name, "uid": path.name, "start": "", "title": ""}
    try:
        with _quiet("extract_msg"), extract_msg.openMsg(
            str(path), delayAttachments=True, strict=False
        ) as msg:
            fields = header_fields(getattr(msg, "headerText", None) or "")
            # Saved drafts and some sent items have no transport headers: use
            # the MAPI properties (the time is then UTC, the offset unknown).
            fallbacks = {
                "subject": lambda: msg.subject,
                "from": lambda: msg.sender,
                "to": lambda: msg.to,
                "cc": lambda: msg.cc,
                "message-id": lambda: msg.messageId,
                "in-reply-to": lambda: msg.inReplyTo,
                "date": lambda: _mapi_date(msg),
            }
            for name, get in fallbacks.items():
                if not fields.get(name) and hasattr(msg, "sender"):
                    fields[name] = str(get() or "").strip()
    except Exception:  # extract-msg and olefile raise many kinds on a broken file
        report.skip("unreadable_file", listed=listed)
        return None
    return fields


def _mapi_date(msg) -> str:
    sent = getattr(msg, "date", None)
    return email.utils.format_datetime(sent) if isinstance(sent, dt.datetime) else ""
