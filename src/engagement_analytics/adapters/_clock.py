"""Dates and wall-clock times as CSV exports write them (3/4/2025, 9:30:00 AM)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from ._result import AdapterError

__all__ = ["CellRef", "parse_date", "parse_local_datetime", "parse_time"]

_TIME_FORMATS = ("%I:%M:%S %p", "%I:%M %p", "%H:%M:%S", "%H:%M")


class CellRef:
    """Where a value sits (file, row, column), for one-line error messages."""

    __slots__ = ("file", "row", "column")

    def __init__(self, file: str, row: int, column: str) -> None:
        self.file, self.row, self.column = file, row, column

    def error(self, value: str, expected: str) -> AdapterError:
        return AdapterError(
            f"{self.file}, row {self.row}, column {self.column!r}, value {value!r}: "
            f"expected {expected}"
        )


def parse_date(value: str, date_format: str, where: CellRef) -> dt.date:
    """An ISO date or one in ``date_format`` (e.g. ``%m/%d/%Y`` for 3/4/2025)."""
    text = value.strip()
    for parse in (dt.date.fromisoformat, lambda t: dt.datetime.strptime(t, date_format).date()):
        try:
            return parse(text)
        except ValueError:
            continue
    raise where.error(value, f"a date like {dt.date(2025, 3, 4).strftime(date_format)}")


def parse_time(value: str, where: CellRef) -> dt.time:
    """A time such as ``9:30:00 AM``, ``9:30 AM``, ``09:30:00`` or ``09:30``."""
    text = " ".join(value.strip().upper().split())
    for time_format in _TIME_FORMATS:
        try:
            return dt.datetime.strptime(text, time_format).time()
        except ValueError:
            continue
    raise where.error(value, "a time like 9:30:00 AM or 09:30")


def parse_local_datetime(
    value: str, date_format: str, timezone: str, where: CellRef
) -> dt.datetime:
    """``<date> <time>`` in one cell (Zoom), read in ``timezone``; ISO with offset is kept."""
    text = value.strip()
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        date_text, _, time_text = text.partition(" ")
        if not time_text:
            raise where.error(value, "a date and a time") from None
        parsed = dt.datetime.combine(
            parse_date(date_text, date_format, where), parse_time(time_text, where)
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(timezone))
    return parsed
