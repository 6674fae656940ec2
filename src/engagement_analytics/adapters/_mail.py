"""E-mail headers (mbox, .eml, Outlook .msg) to communications.

Only headers are read: Message-ID, In-Reply-To, References, Date, From,
To, Cc and Subject. Bodies and attachments are skipped unread.

mbox files are streamed by :mod:`._mbox` (bounded memory), header fields
parsed by :mod:`._headers`, Outlook files opened by :mod:`._msgfile`. A million
mbox headers take about 30 s of CPU (``benchmarks/bench_adapters.py --mbox``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from . import _mbox
from ._events import read_roster
from ._headers import angle_id, decode_words, header_fields, parse_date
from ._jsonfiles import LINK_NOTE, files_under
from ._mbox import HEADER_TOO_LONG, MAX_SEPARATOR_LINE, mbox_headers
from ._messages import (
    MAIL_PREFIX,
    Message,
    MessageMapper,
    capped_listing,
    first_address,
    message_key,
)
from ._msgfile import OLE_MAGIC, msg_fields
from ._result import AdapterError, AdapterResult, ImportReport
from ._rules import MappingRules

__all__ = ["mail_message", "read_mail", "read_mbox"]

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
                    if problem.startswith(HEADER_TOO_LONG):
                        report.skip(problem)
                        continue
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
    links: list[Path] = []
    for path in _mail_files(_paths(paths), links):
        report.read += 1
        try:
            with path.open("rb") as stream:
                head = stream.read(_mbox.MAX_HEADER_BYTES + MAX_SEPARATOR_LINE)
        except OSError as exc:
            raise AdapterError(f"{path.name}: cannot read the file ({exc.strerror})") from None
        if head.startswith(OLE_MAGIC):
            fields = msg_fields(path, report)
            if fields is None:
                continue
        else:
            if head.startswith(b"From "):  # saved with its mbox separator line
                head = head[head.find(b"\n") + 1:] if b"\n" in head else b""
            header = _header_part(head)
            if header is None:
                report.skip(f"{HEADER_TOO_LONG}{_mbox.MAX_HEADER_BYTES}_bytes")
                continue
            fields = header_fields(header)
        message = mail_message(fields, path.name, path.name, report)
        if message is not None:
            mapper.add(message)
    if links:
        report.notes[LINK_NOTE] += len(links)
    return mapper.result()


def _paths(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    return [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]


def _mail_files(paths: list[Path], links: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in files_under(path, links)
                              if p.suffix.lower() in (".eml", ".msg"))
        else:
            yield path


def _header_part(data: bytes) -> bytes | None:
    """The header of a message file: up to the first blank line (None: none within the cap).

    A file shorter than the cap with no blank line is all header (no body).
    """
    limit = _mbox.MAX_HEADER_BYTES
    ends = [i for i in (data.find(b"\n\n", 0, limit), data.find(b"\n\r\n", 0, limit)) if i != -1]
    if ends:
        return data[: min(ends) + 1]
    return data if len(data) <= limit else None


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
    sent_at, reason = parse_date(date_text) if date_text else (None, "missing_date")
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


