"""Outlook ``.msg`` files (OLE2 compound files) to header fields, with extract-msg."""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import logging
from collections.abc import Iterator
from pathlib import Path

from ._headers import header_fields
from ._result import ImportReport

__all__ = ["OLE_MAGIC", "msg_fields"]

#: The first bytes of every OLE2 compound file (.msg, and old .doc/.xls).
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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


def msg_fields(path: Path, report: ImportReport) -> dict[str, str] | None:
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
