"""From calendar events (any source) to meetings, attendance and stakeholders.

The ICS and Outlook adapters both reduce an export to :class:`Event` records and
hand them to :class:`EventMapper`, which applies the mapping rules (engagement,
kind, side), the roster (roles, names), de-duplicates meetings and counts every
event it does not map under a reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .._contract import TABLES
from ..safe_csv import unescape_frame
from ._csv import read_text_csv
from ._result import AdapterError, AdapterResult, ImportReport
from ._rules import MappingRules

__all__ = [
    "Event",
    "EventMapper",
    "Invitee",
    "Roster",
    "attendance_row",
    "iso_datetime",
    "known_engagements",
    "meeting_row",
    "read_roster",
    "stable_id",
]


def stable_id(prefix: str, *parts: str) -> str:
    """A short deterministic id: ``prefix`` + 16 hex digits of a hash of ``parts``."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:16]}"


def iso_datetime(value: dt.datetime) -> str:
    """ISO 8601 with its UTC offset, to the second (an aware datetime)."""
    return value.replace(microsecond=0).isoformat()


def meeting_row(
    meeting_id: str,
    engagement: str,
    start: dt.datetime,
    duration_minutes: float,
    title: str,
    rules: MappingRules,
    *,
    organizer: str = "",
    cancelled: bool = False,
) -> dict[str, str]:
    """One ``meetings`` row in contract form, its kind from the rules (every adapter's)."""
    return {
        "meeting_id": meeting_id,
        "engagement_id": engagement,
        "start": iso_datetime(start),
        "duration_minutes": _minutes(duration_minutes),
        "kind": rules.kind_for(title),
        "organizer_id": organizer,
        "title": title,
        "status": "cancelled" if cancelled else "held",
    }


def attendance_row(meeting_id: str, person: str, *, response: str = "", attended: str = "") -> dict[str, str]:
    """One ``attendance`` row in contract form (``attended``: ``true``, ``false`` or empty)."""
    return {"meeting_id": meeting_id, "person_id": person, "response": response, "attended": attended}


@dataclass(frozen=True)
class Invitee:
    """One person invited to an event: id (e-mail), display name, response."""

    person_id: str
    name: str = ""
    response: str = ""
    attended: str = ""


@dataclass
class Event:
    """One occurrence of a calendar event, whatever the source format.

    ``start`` is timezone-aware; ``key`` identifies the occurrence across
    exports (becomes the meeting id); ``where`` locates it for messages.
    """

    key: str
    start: dt.datetime
    duration_minutes: float
    title: str = ""
    categories: list[str] = field(default_factory=list)
    organizer: str = ""
    invitees: list[Invitee] = field(default_factory=list)
    cancelled: bool = False
    file: str = ""
    uid: str = ""


class Roster:
    """The stakeholder roster: who is who, per engagement.

    Rows with an ``engagement_id`` give a person's side and role on that
    engagement; rows without one apply to every engagement. Person ids are
    compared case-insensitively and the roster's spelling is kept.
    """

    def __init__(self, frame: pd.DataFrame | None = None) -> None:
        self._by_pair: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._any: dict[str, list[dict[str, str]]] = {}
        self._spelling: dict[str, str] = {}
        self._by_name: dict[str, str] = {}
        if frame is None or frame.empty:
            return
        for row in frame.to_dict("records"):
            person = row["person_id"]
            key = person.casefold()
            self._spelling.setdefault(key, person)
            if row.get("name"):
                self._by_name.setdefault(row["name"].strip().casefold(), person)
            engagement = row.get("engagement_id", "")
            if engagement:
                self._by_pair.setdefault((engagement, key), []).append(row)
            else:
                self._any.setdefault(key, []).append(row)

    def canonical(self, person_id: str) -> str:
        """The roster's spelling of a person id (the id itself when unknown)."""
        return self._spelling.get(person_id.casefold(), person_id)

    def person_named(self, name: str) -> str | None:
        """The person id whose roster name is ``name`` (case-insensitive), if any."""
        return self._by_name.get(name.strip().casefold())

    def rows_for(self, engagement_id: str, person_id: str) -> list[dict[str, str]]:
        """Roster rows describing this person on this engagement (may be empty)."""
        key = person_id.casefold()
        return self._by_pair.get((engagement_id, key)) or self._any.get(key, [])


#: Bytes of a roster (stakeholders CSV) read at most; the whole file is held in
#: memory. At about 100 bytes a row, some 600,000 people fit.
MAX_ROSTER_BYTES = 64 * 1024 * 1024


def read_roster(roster: str | Path | pd.DataFrame | None) -> Roster:
    """Read a stakeholders CSV (contract columns; ``engagement_id`` optional).

    Raises
    ------
    AdapterError
        Naming the file, row and column of a missing person_id, side or role.
    """
    if roster is None:
        return Roster()
    if isinstance(roster, pd.DataFrame):
        frame, name = roster.astype(str).fillna(""), "roster"
    else:
        # A bundle table: cells the tool escaped for spreadsheets are read back unescaped.
        frame, name = (unescape_frame(read_text_csv(roster, max_bytes=MAX_ROSTER_BYTES)),
                       Path(roster).name)
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    spec = TABLES["stakeholders"]
    for column in ("person_id", "side", "role"):
        if column not in frame.columns:
            raise AdapterError(f"{name}: column '{column}' missing from the roster")
    frame = frame.apply(lambda s: s.str.strip())
    for column in ("side", "role"):
        frame[column] = frame[column].str.lower()
        allowed = spec.column(column).values
        bad = frame.index[~frame[column].isin(allowed)]
        if len(bad):
            row = int(bad[0])
            raise AdapterError(
                f"{name}, row {row + 2}, column '{column}', value "
                f"{frame.at[row, column]!r}: not one of {', '.join(allowed)}"
            )
    empty = frame.index[frame["person_id"] == ""]
    if len(empty):
        raise AdapterError(f"{name}, row {int(empty[0]) + 2}, column 'person_id': empty")
    return Roster(frame)


_COLUMNS = {name: list(TABLES[name].column_names) for name in TABLES}


def known_engagements(rules: MappingRules, engagement_ids: Iterable[str] | None) -> set[str] | None:
    """Engagement ids an import may use: the bundle's and the rules file's (None: any)."""
    if engagement_ids is None:
        return None
    known = set(engagement_ids)
    if not rules.engagements.empty:
        known |= set(rules.engagements["engagement_id"])
    return known


class EventMapper:
    """Turns :class:`Event` records into meetings, attendance and stakeholders.

    Parameters
    ----------
    rules : MappingRules
    roster : Roster
    report : ImportReport
        Counts are added here: one ``read`` per event passed to :meth:`add`.
    engagement_ids : iterable of str, optional
        Engagements the bundle knows. An event whose rule gives another id is
        skipped as ``unknown_engagement`` (and listed). None accepts any id.
    """

    def __init__(
        self,
        rules: MappingRules,
        roster: Roster,
        report: ImportReport,
        *,
        engagement_ids: Iterable[str] | None = None,
    ) -> None:
        self.rules = rules
        self.roster = roster
        self.report = report
        self.known = known_engagements(rules, engagement_ids)
        self.meetings: dict[str, dict[str, str]] = {}
        self.attendance: dict[tuple[str, str], dict[str, str]] = {}
        self.people: dict[tuple[str, str], str] = {}  # (engagement, person) -> name

    def add(self, event: Event) -> None:
        """Map one event occurrence, or count why it is skipped."""
        report = self.report
        report.read += 1
        if event.duration_minutes <= 0:
            report.skip("no_duration")
            return
        emails = [p.person_id for p in event.invitees] + [event.organizer]
        engagement = self.rules.engagement_for(event.title, event.categories, emails)
        if engagement is None:
            report.skip("no_engagement_matched", listed=_listed(event))
            return
        if self.known is not None and engagement not in self.known:
            report.skip("unknown_engagement", listed=dict(_listed(event), engagement=engagement))
            return
        meeting_id = event.key
        if meeting_id in self.meetings:
            # The same meeting seen twice, e.g. in two people's calendar exports.
            report.skip("duplicate_meeting")
            self._add_invitees(meeting_id, engagement, event.invitees)
            return
        report.mapped += 1
        if event.cancelled:
            report.notes["cancelled"] += 1
        organizer = self.roster.canonical(event.organizer) if event.organizer else ""
        self.meetings[meeting_id] = meeting_row(
            meeting_id, engagement, event.start, event.duration_minutes, event.title, self.rules,
            organizer=organizer, cancelled=event.cancelled,
        )
        if organizer:
            self.people.setdefault((engagement, organizer), "")
        self._add_invitees(meeting_id, engagement, event.invitees)

    def _add_invitees(self, meeting_id: str, engagement: str, invitees: list[Invitee]) -> None:
        for invitee in invitees:
            person = self.roster.canonical(invitee.person_id)
            row = self.attendance.setdefault((meeting_id, person), attendance_row(meeting_id, person))
            # A person listed twice keeps the most informative answer.
            row["response"] = row["response"] or invitee.response
            row["attended"] = row["attended"] or invitee.attended
            if not self.people.get((engagement, person)):
                self.people[(engagement, person)] = invitee.name

    def result(self) -> AdapterResult:
        """The mapped tables (engagements from the rules file, if it lists any)."""
        # Sorted by key: the recurrence expander may yield one series' occurrences
        # in a different order from run to run, and the output must not change.
        meetings = pd.DataFrame(list(self.meetings.values()), columns=_COLUMNS["meetings"])
        attendance = pd.DataFrame(list(self.attendance.values()), columns=_COLUMNS["attendance"])
        tables = {
            "meetings": meetings.sort_values(["start", "meeting_id"], kind="stable", ignore_index=True),
            "attendance": attendance.sort_values(
                ["meeting_id", "person_id"], kind="stable", ignore_index=True
            ),
            "stakeholders": stakeholder_rows(self.people, self.roster, self.rules),
        }
        if not self.rules.engagements.empty:
            tables["engagements"] = self.rules.engagements.copy()
        return AdapterResult(tables, self.report)


def stakeholder_rows(
    people: dict[tuple[str, str], str], roster: Roster, rules: MappingRules
) -> pd.DataFrame:
    """One stakeholder row per (engagement, person): roster rows, else a guess.

    A person the roster does not know gets their side from the vendor-domain
    rule and the role ``other``.
    """
    rows = []
    for (engagement, person), name in people.items():
        known = roster.rows_for(engagement, person)
        if known:
            rows += [dict(r, engagement_id=engagement, person_id=person) for r in known]
        else:
            rows.append(
                {
                    "engagement_id": engagement,
                    "person_id": person,
                    "side": rules.side_for(person),
                    "role": "other",
                    "name": name,
                }
            )
    columns = _COLUMNS["stakeholders"]
    frame = pd.DataFrame([{c: r.get(c, "") for c in columns} for r in rows], columns=columns)
    return frame.drop_duplicates(["engagement_id", "person_id", "role"], ignore_index=True)


def _listed(event: Event) -> dict[str, str]:
    """How an event not mapped is listed in the report."""
    return {
        "file": event.file,
        "uid": event.uid,
        "start": iso_datetime(event.start),
        "title": event.title,
    }


def _minutes(value: float) -> str:
    """Minutes as the shortest exact text ('60', '22.5')."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
