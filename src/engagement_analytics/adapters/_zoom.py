"""Zoom participant reports to attendance (who really joined).

A report is the CSV Zoom writes under Reports > Usage > Participants. With
"Export with meeting data" it starts with a meeting block (Meeting ID, Topic,
Start Time, End Time, User Email, Duration (Minutes), Participants), then a
blank line, then the participant table (Name (Original Name), User Email, Join
Time, Leave Time, Duration (Minutes), Guest). Without it, only the table.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .._contract import TABLES
from ._clock import CellRef, parse_local_datetime
from ._csv import ColumnFinder, csv_from_text
from ._events import (
    Roster,
    attendance_row,
    iso_datetime,
    meeting_row,
    read_roster,
    stable_id,
    stakeholder_rows,
)
from ._result import AdapterError, AdapterResult, ImportReport
from ._rules import MappingRules
from ._text import read_text

__all__ = ["read_zoom"]


def read_zoom(
    paths: str | Path | Iterable[str | Path],
    *,
    rules: MappingRules,
    meetings: pd.DataFrame | None = None,
    attendance: pd.DataFrame | None = None,
    roster: str | Path | pd.DataFrame | None = None,
    engagement_ids: Iterable[str] | None = None,
) -> AdapterResult:
    """Read Zoom participant reports into attendance (``attended=true``).

    Each file is one meeting. Its engagement comes from the rules, applied to
    the meeting topic and the participants' e-mail domains. Rows of one
    person (rejoins) are merged into one attendance row.

    Parameters
    ----------
    paths : path or list of paths
        Participant report CSV files.
    rules : MappingRules
        Engagement rules, ``timezone`` and ``date_format`` of the report's
        times, ``zoom.tolerance_minutes`` (default 15).
    meetings, attendance : DataFrame, optional
        The target bundle's meetings and attendance (raw contract form). A
        report attaches to the meeting of the same engagement whose start is
        nearest and within the tolerance; invitees of that meeting who never
        joined get ``attended=false``. Without a match a new meeting is made
        (id from the Zoom meeting id, or the topic, and the start time). A
        later report of a meeting made in the same call (same engagement,
        start within the tolerance, no other Zoom meeting id), e.g.
        ``participants_123 (1).csv``, adds its participants to that meeting
        (note ``duplicate_report``).
    roster : path or DataFrame, optional
        Stakeholders CSV (roles, and ids for names without an e-mail).
    engagement_ids : iterable of str, optional
        Engagement ids the target bundle knows (others: ``unknown_engagement``).

    Returns
    -------
    AdapterResult
        ``attendance``, ``stakeholders`` and ``meetings`` (new meetings only).
        The report counts participant rows.
    """
    paths = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    report = ImportReport("zoom", "participant rows")
    people = read_roster(roster)
    known = None if engagement_ids is None else set(engagement_ids)
    existing = _existing_meetings(meetings)
    invited = _invited(attendance)
    new_meetings, stakeholders = [], {}
    created: list[dict] = []  # meetings made in this call, for later reports of them
    joined: dict[tuple[str, str], dict[str, str]] = {}  # (meeting, casefolded person) -> row
    for path in paths:
        header, participants = _read_report(path, rules)
        merged = _merge_rejoins(path.name, participants, people, rules, report)
        if not merged:
            continue
        topic = header.get("topic", "")
        engagement = rules.engagement_for(topic, (), list(merged))
        start = header.get("start") or min(p["join"] for p in merged.values())
        end = header.get("end") or max(p["leave"] for p in merged.values())
        count = sum(p["rows"] for p in merged.values())
        listed = {"file": path.name, "uid": header.get("meeting_id", ""),
                  "start": iso_datetime(start), "title": topic}
        if engagement is None or (known is not None and engagement not in known):
            reason = "no_engagement_matched" if engagement is None else "unknown_engagement"
            report.skip(reason, count, listed=listed)
            continue
        report.mapped += count
        zoom_id = header.get("meeting_id", "")
        meeting_id = _nearest(existing, engagement, start, rules.zoom_tolerance_minutes)
        if meeting_id is not None:
            report.notes["attached_to_existing_meeting"] += 1
        else:
            meeting_id = _nearest(_same_zoom_meeting(created, zoom_id), engagement, start,
                                  rules.zoom_tolerance_minutes)
            if meeting_id is not None:
                report.notes["duplicate_report"] += 1
        if meeting_id is None:
            meeting_id = stable_id("zoom", zoom_id or topic,
                                   iso_datetime(start.astimezone(dt.UTC)))
            created.append({"meeting_id": meeting_id, "engagement_id": engagement,
                            "start": pd.Timestamp(start).tz_convert("UTC"), "zoom_id": zoom_id})
            minutes = max(1, round((end - start).total_seconds() / 60))
            new_meetings.append(meeting_row(meeting_id, engagement, start, minutes, topic, rules,
                                            organizer=header.get("host", "")))
        for person, info in merged.items():
            joined.setdefault((meeting_id, person.casefold()),
                              attendance_row(meeting_id, person, attended="true"))
            stakeholders.setdefault((engagement, person), info["name"])
    rows = list(joined.values())
    # Invitees absent from every report of their meeting (several reports may share one).
    for meeting_id in dict.fromkeys(meeting for meeting, _ in joined):
        for person in invited.get(meeting_id, ()):
            if (meeting_id, person.casefold()) not in joined:
                report.notes["invitee_never_joined"] += 1
                rows.append(attendance_row(meeting_id, person, attended="false"))
    tables = {
        "meetings": pd.DataFrame(new_meetings, columns=list(TABLES["meetings"].column_names)),
        "attendance": pd.DataFrame(rows, columns=list(TABLES["attendance"].column_names)),
        "stakeholders": stakeholder_rows(stakeholders, people, rules),
    }
    return AdapterResult(tables, report)


def _read_report(path: Path, rules: MappingRules) -> tuple[dict, pd.DataFrame]:
    """The meeting block (may be empty) and the participant table of one report."""
    lines = read_text(path).splitlines()
    starts = [i for i, line in enumerate(lines) if line.casefold().startswith("name")]
    if not starts:
        raise AdapterError(f"{path.name}: no participant table (header 'Name (Original Name)')")
    table_at = starts[0]
    frame = csv_from_text("\n".join(lines[table_at:]), path.name)
    frame.index += table_at  # so that index + 2 is the line number in the file
    block = [r for r in csv.reader(lines[:table_at]) if any(c.strip() for c in r)]
    if len(block) < 2:
        return {}, frame
    meta = ColumnFinder(pd.DataFrame([block[1]], columns=block[0][: len(block[1])]), path.name)

    def when(name: str) -> dt.datetime | None:
        column = meta.get(name)
        value = meta.values(name).iat[0]
        if not value:
            return None
        return parse_local_datetime(value, rules.date_format, rules.timezone,
                                    CellRef(path.name, 2, column))

    return {
        "meeting_id": meta.values("Meeting ID").iat[0].replace(" ", ""),
        "topic": meta.values("Topic").iat[0],
        "host": meta.values("User Email").iat[0].casefold(),
        "start": when("Start Time"),
        "end": when("End Time"),
    }, frame


def _merge_rejoins(
    file: str, frame: pd.DataFrame, people: Roster, rules: MappingRules, report: ImportReport
) -> dict[str, dict]:
    """One entry per person: first join, last leave, rows merged, display name."""
    columns = ColumnFinder(frame, file)
    name_col = columns.require("Name (Original Name)", "Name")
    join_col = columns.require("Join Time")
    leave_col = columns.require("Leave Time")
    emails = columns.values("User Email", "Email")
    merged: dict[str, dict] = {}
    for index, row in frame.iterrows():
        report.read += 1
        line = index + 2
        name = _display_name(row[name_col])
        email = emails.at[index].casefold()
        person = email or people.person_named(name) or name
        if not person:
            report.skip("participant_without_name_or_email")
            continue
        if not email:
            report.notes["participant_without_email"] += 1
        person = people.canonical(person)
        join = parse_local_datetime(row[join_col], rules.date_format, rules.timezone,
                                    CellRef(file, line, join_col))
        leave = parse_local_datetime(row[leave_col], rules.date_format, rules.timezone,
                                     CellRef(file, line, leave_col))
        entry = merged.setdefault(person, {"join": join, "leave": leave, "rows": 0, "name": name})
        entry["join"], entry["leave"] = min(entry["join"], join), max(entry["leave"], leave)
        entry["rows"] += 1
        if entry["rows"] > 1:
            report.notes["rejoin_merged"] += 1
    return merged


def _display_name(cell: str) -> str:
    # 'Ann Smith (Ann S.)': the name shown in the meeting, then the account name.
    return cell.split(" (", 1)[0].strip()


def _existing_meetings(meetings: pd.DataFrame | None) -> pd.DataFrame:
    if meetings is None or meetings.empty:
        return pd.DataFrame({"meeting_id": [], "engagement_id": [], "start": []})
    frame = meetings[["meeting_id", "engagement_id", "start"]].copy()
    frame["start"] = pd.to_datetime(frame["start"], utc=True, format="ISO8601")
    return frame


def _same_zoom_meeting(created: list[dict], zoom_id: str) -> pd.DataFrame:
    """Meetings made in this call that may be ``zoom_id`` (a report without one may be any)."""
    rows = [m for m in created if not zoom_id or not m["zoom_id"] or m["zoom_id"] == zoom_id]
    return pd.DataFrame(rows, columns=["meeting_id", "engagement_id", "start", "zoom_id"])


def _invited(attendance: pd.DataFrame | None) -> dict[str, list[str]]:
    if attendance is None or attendance.empty:
        return {}
    return attendance.groupby("meeting_id")["person_id"].agg(list).to_dict()


def _nearest(
    meetings: pd.DataFrame, engagement: str, start: dt.datetime, tolerance: float
) -> str | None:
    """The meeting of this engagement starting nearest ``start``, within tolerance."""
    candidates = meetings[meetings["engagement_id"] == engagement]
    if candidates.empty:
        return None
    gap = (candidates["start"] - pd.Timestamp(start).tz_convert("UTC")).abs()
    best = gap.idxmin()
    return candidates.at[best, "meeting_id"] if gap[best] <= pd.Timedelta(minutes=tolerance) else None
