"""Outlook's calendar CSV export to meetings (attendance responses unknown).

Outlook (File > Open & Export > Import/Export > Export to a file > CSV) writes
one row per occurrence with wall-clock dates and times, no time zone and no
response status; attendees are display names or addresses separated by ``;``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import re2

from ._clock import CellRef, parse_date, parse_time
from ._csv import ColumnFinder, read_text_csv
from ._events import Event, EventMapper, Invitee, Roster, read_roster, stable_id
from ._result import AdapterResult, ImportReport
from ._rules import MappingRules

__all__ = ["read_outlook_csv"]

#: An e-mail address in an attendee token. RE2, not re: Python's backtracking
#: search takes quadratic time on a long token without '@' (minutes for 1 MB).
_ADDRESS = re2.compile(r"[^\s<>;,\"']+@[^\s<>;,\"']+")
_TRUE = {"true", "yes", "1", "on"}


def read_outlook_csv(
    paths: str | Path | Iterable[str | Path],
    *,
    rules: MappingRules,
    roster: str | Path | pd.DataFrame | None = None,
    engagement_ids: Iterable[str] | None = None,
) -> AdapterResult:
    """Read Outlook calendar CSV exports into meetings, attendance and stakeholders.

    Parameters
    ----------
    paths : path or list of paths
        CSV files with at least Subject, Start Date, Start Time, End Date and
        End Time; Meeting Organizer, Required Attendees, Optional Attendees,
        Categories and All day event are used when present.
    rules : MappingRules
        Engagement and kind rules; ``date_format`` (default ``%m/%d/%Y``) and
        ``timezone`` (default UTC) say how to read the wall-clock times.
    roster : path or DataFrame, optional
        Stakeholders CSV; its ``name`` column also turns display names into ids.
    engagement_ids : iterable of str, optional
        Engagement ids the target bundle knows (others: ``unknown_engagement``).

    Returns
    -------
    AdapterResult
        Attendance rows have empty ``response`` and ``attended``: the export
        does not say who answered or came.

    Raises
    ------
    AdapterError
        A missing column, or a date or time that cannot be read (file, row,
        column and value named).
    """
    paths = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    report = ImportReport("outlook-csv", "calendar rows")
    people = read_roster(roster)
    mapper = EventMapper(rules, people, report, engagement_ids=engagement_ids)
    for path in paths:
        for event in _events(path, rules, people, report):
            mapper.add(event)
    return mapper.result()


def _events(path: Path, rules: MappingRules, people: Roster, report: ImportReport):
    frame = read_text_csv(path)
    columns = ColumnFinder(frame, path.name)
    needed = {
        name: columns.require(name)
        for name in ("Subject", "Start Date", "Start Time", "End Date", "End Time")
    }
    optional = {
        name: columns.values(name)
        for name in ("All day event", "Meeting Organizer", "Required Attendees",
                     "Optional Attendees", "Categories")
    }
    zone = ZoneInfo(rules.timezone)
    for index, row in enumerate(frame.itertuples(index=False)):
        cells = dict(zip(frame.columns, row, strict=True))
        line = index + 2  # the header is line 1
        if optional["All day event"].iat[index].casefold() in _TRUE:
            report.read += 1
            report.skip("all_day")
            continue
        start, end = (
            dt.datetime.combine(
                parse_date(cells[needed[d]], rules.date_format, CellRef(path.name, line, needed[d])),
                parse_time(cells[needed[t]], CellRef(path.name, line, needed[t])),
                tzinfo=zone,
            )
            for d, t in (("Start Date", "Start Time"), ("End Date", "End Time"))
        )
        report.notes[f"wall_clock_time_read_in_{rules.timezone}"] += 1
        organizer = _person(optional["Meeting Organizer"].iat[index], people, report)
        invitees = [
            Invitee(person, name)
            for column in ("Required Attendees", "Optional Attendees")
            for person, name in _people(optional[column].iat[index], people, report)
        ]
        title = cells[needed["Subject"]]
        # No UID in this export: subject, start and organizer identify the meeting.
        key = stable_id("outlook", title, start.astimezone(dt.UTC).isoformat(), organizer[0])
        categories = [c.strip() for c in optional["Categories"].iat[index].split(";")]
        yield Event(
            key=key,
            start=start,
            duration_minutes=(end - start).total_seconds() / 60,
            title=title,
            categories=[c for c in categories if c],
            organizer=organizer[0],
            invitees=invitees,
            file=path.name,
            uid=f"row {line}",
        )


def _people(cell: str, people: Roster, report: ImportReport) -> list[tuple[str, str]]:
    return [_person(token, people, report) for token in cell.split(";") if token.strip()]


def _person(token: str, people: Roster, report: ImportReport) -> tuple[str, str]:
    """(person id, display name) of one attendee token such as ``Ann <ann@x.com>``."""
    token = token.strip()
    if not token:
        return "", ""
    address = _ADDRESS.search(token)
    name = token[: address.start()].strip(" <\"'") if address else token
    if address:
        return address.group(0).casefold(), name
    known = people.person_named(token)
    if known is not None:
        return known, token
    report.notes["person_identified_by_display_name"] += 1
    return token, token
