"""Recurring events expanded within bounds: at most so many occurrences, never eagerly.

recurring-ical-events asks dateutil for every start of a rule in the query
window as one list: ten million for ``FREQ=SECONDLY;COUNT=10000000`` (a
333-byte file), 104 s and 2.5 GB before a MemoryError. :func:`capped` runs a
series of the expander with its RRULEs replaced by :class:`_FirstStarts`, which
generate their starts lazily and never more than the series may still give,
and counts the series cut. This reaches into the expander's series objects
(``series.recurrence.rrules``, ``series.between``): the version is pinned in
``requirements/constraints.txt`` and ``tests/adapters/test_recurrence_caps.py``
checks the bound.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from dateutil import rrule as dateutil_rrule

__all__ = ["IMPORT_CAP_NOTE", "SERIES_CAP_NOTE", "ExpansionCap", "capped"]

#: Report notes: RRULE series cut by the per-series cap / by the per-import cap.
SERIES_CAP_NOTE = "recurring_series_cut_at_{}_occurrences"
IMPORT_CAP_NOTE = "recurring_series_cut_by_import_cap_of_{}_occurrences"


@dataclass
class ExpansionCap:
    """How many occurrences RRULE series may still give, shared by one import's calendars."""

    per_series: int
    per_import: int
    used: int = 0
    cut_by_series_cap: int = 0
    cut_by_import_cap: int = 0

    def limit(self) -> int:
        """Occurrences the next series may give."""
        return min(self.per_series, self.per_import - self.used)

    def notes(self) -> dict[str, int]:
        """Report notes: series cut by each cap (none when nothing was cut)."""
        notes = {
            SERIES_CAP_NOTE.format(self.per_series): self.cut_by_series_cap,
            IMPORT_CAP_NOTE.format(self.per_import): self.cut_by_import_cap,
        }
        return {note: count for note, count in notes.items() if count}


def capped(series, window: tuple[dt.datetime, dt.datetime], cap: ExpansionCap) -> Iterator:
    """A recurring-ical-events series' occurrences in ``window``, cut at the cap.

    A series with an RRULE gives at most ``cap.limit()`` occurrences (its first
    ones, in the expander's order); a series cut there is counted once in
    ``cap``. Its RRULEs are replaced by :class:`_FirstStarts` so that no more
    starts are ever generated than that: EXDATEs are allowed for (the starts
    they remove are not occurrences), RDATEs and moved occurrences are in the
    file already. Series without an RRULE (single events, RDATE lists) are
    bounded by the file and never cut.
    """
    recurrence = series.recurrence
    rules = recurrence.rrules[1:] if recurrence.has_core else []  # [0]: DTSTART and RDATEs
    if not rules:
        yield from series.between(*window)
        return
    limit = cap.limit()
    starts = limit + 1 + len(recurrence.exdates)
    recurrence.rrules[1:] = [_FirstStarts(rule, starts) for rule in rules]
    given = 0
    for occurrence in series.between(*window):
        if given == limit:
            if limit < cap.per_series:
                cap.cut_by_import_cap += 1
            else:
                cap.cut_by_series_cap += 1
            break
        given += 1
        yield occurrence
    cap.used += given


class _FirstStarts:
    """A dateutil rule cut to its first ``count`` starts, generated only when asked for.

    Stands in for the rule in the expander, which only calls
    ``between(after, before, inc=True)`` and reads ``until``. dateutil's own
    ``between`` builds the list of every start up to ``before``; this one
    generates starts lazily up to the first one past ``before``, never more
    than ``count`` in all, and answers every later call from them.
    """

    def __init__(self, rule, count: int) -> None:
        self.until = rule.until
        self._starts: list = []
        self._source = iter(()) if _matches_no_day(rule) else islice(iter(rule), count)
        self._exhausted = False

    def between(self, after, before, inc: bool = False) -> list:
        starts = self._starts
        while not self._exhausted and (not starts or starts[-1] <= before):
            start = next(self._source, None)
            if start is None:
                self._exhausted = True
            else:
                starts.append(start)
        low = bisect_left(starts, after) if inc else bisect_right(starts, after)
        high = bisect_right(starts, before) if inc else bisect_left(starts, before)
        return starts[low:high]


#: Day filters of a dateutil rule (``_original_rule`` keys).
_DAY_FILTERS = ("bymonth", "bymonthday", "byyearday", "byweekno", "byweekday", "byeaster")


def _matches_no_day(rule) -> bool:
    """Whether a weekly-or-finer rule's day filters match no day of the calendar at all.

    dateutil looks for the next start period by period up to the year 9999
    before it gives up: 2.9 million days, about 10 s, for
    ``FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30``. The Gregorian calendar repeats
    every 400 years, weekdays included, so a yearly rule with the same day
    filters that finds no day in the last 400 years finds none ever; that
    takes a few hundredths of a second. (Yearly and monthly rules give up
    after 8,000 years or 96,000 months, quickly enough.)
    """
    original = getattr(rule, "_original_rule", None)
    if original is None or rule._freq < dateutil_rrule.WEEKLY:
        return False
    if not any(original.get(name) for name in _DAY_FILTERS):
        return False
    # BYDAY ordinals (1MO) mean nothing below MONTHLY: the probe uses the plain weekdays.
    weekdays = original.get("byweekday")
    plain = tuple(getattr(w, "weekday", w) for w in weekdays) if weekdays else None
    try:
        probe = rule.replace(
            freq=dateutil_rrule.YEARLY, interval=1, count=1, until=None, bysetpos=None,
            byweekday=plain, dtstart=rule._dtstart.replace(year=dt.MAXYEAR - 400, month=1, day=1),
        )
    except ValueError:  # a combination dateutil refuses as a yearly rule: let it run as it is
        return False
    return next(iter(probe), None) is None
