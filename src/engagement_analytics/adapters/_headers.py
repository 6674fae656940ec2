"""RFC 5322 header fields: unfolding, RFC 2047 encoded words, dates, Message-IDs.

Shared by the mbox, .eml, .msg and Microsoft Graph readers. Every function takes
attacker-controlled text: lengths are capped and no pattern can backtrack.
"""

from __future__ import annotations

import datetime as dt
import email.header
import email.utils
import functools
import re

__all__ = ["MAX_FIELD_CHARS", "angle_id", "decode_words", "header_fields", "parse_date"]

#: Characters of a Subject or From field decoded at most: the stdlib's RFC 2047
#: decoder is quadratic on crafted input (under 0.3 ms at this length); no real
#: subject is near this long.
MAX_FIELD_CHARS = 1_000
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


def parse_date(text: str) -> tuple[dt.datetime | None, str]:
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
