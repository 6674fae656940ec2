"""From action-log rows (Jira, RAID logs) to the ``commitments`` table.

The Jira and RAID readers reduce each row to :class:`LogEntry` and hand it to
:class:`CommitmentMapper`, which places the owner on a side (roster, then
vendor domains, then the rules' policy), sets the phase from the
engagement's start date and counts every row it does not keep.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from .._contract import TABLES
from .._controls import has_control, replace_controls
from ._clock import CellRef
from ._events import Roster, known_engagements
from ._messages import capped_listing, first_address
from ._result import AdapterResult, ImportReport
from ._rules import MappingRules

__all__ = ["CommitmentMapper", "LogEntry", "engagement_starts", "parse_log_date"]


@dataclass(slots=True)
class LogEntry:
    """One action-log row, already read.

    ``engagement`` is the engagement id the rules gave (None: no rule
    matched); ``status`` one of open, done, dropped; ``owner`` the assignee
    as the log writes it (display name or address).
    """

    commitment_id: str
    engagement: str | None
    made_on: dt.date
    status: str
    owner: str = ""
    due_date: dt.date | None = None
    done_on: dt.date | None = None
    description: str = ""
    file: str = ""
    uid: str = ""


def parse_log_date(value: str, date_format: str, where: CellRef, *, hint: str) -> dt.date | None:
    """A log's date cell: ``date_format``, its date part alone, or ISO; None when empty.

    Raises
    ------
    AdapterError
        Naming the file, row, column and value, and the rules key to change.
    """
    text = value.strip()
    if not text:
        return None
    if len(text) > 64:  # no date is this long: do not hand megabytes to strptime
        raise where.error(value[:64] + "...", "a date")
    candidates = [(text, date_format), (text.split(" ")[0], date_format.split(" ")[0])]
    for cell, pattern in candidates:
        try:
            return dt.datetime.strptime(cell, pattern).date()
        except ValueError:
            continue
    for parse in (dt.date.fromisoformat, lambda t: dt.datetime.fromisoformat(t).date()):
        try:
            return parse(text)
        except ValueError:
            continue
    example = dt.datetime(2024, 3, 11, 9, 30).strftime(date_format)
    raise where.error(value, f"a date like {example!r} (set {hint} in the rules)")


def engagement_starts(rules: MappingRules, engagements: pd.DataFrame | None) -> dict[str, dt.date]:
    """Start date of each engagement of the bundle and of the rules file."""
    starts: dict[str, dt.date] = {}
    frames = [f for f in (engagements, rules.engagements) if f is not None and not f.empty]
    for frame in frames:
        if "start_date" not in frame.columns:
            continue
        for engagement, start in zip(frame["engagement_id"], frame["start_date"], strict=True):
            try:
                starts.setdefault(str(engagement).strip(), dt.date.fromisoformat(str(start).strip()))
            except ValueError:
                continue  # the loader reports a bad start_date; the phase stays empty
    return starts


class CommitmentMapper:
    """Turns :class:`LogEntry` rows into ``commitments`` rows.

    Parameters
    ----------
    rules : MappingRules
    roster : Roster
        Owners are found by the roster's ``name`` (Jira exports display
        names) or by address.
    report : ImportReport
        The reader counts rows read; :meth:`add` counts mapped and skipped.
    unknown_owner_side : str
        ``skip``, ``client`` or ``vendor``: what to do with an owner nobody places.
    engagements : DataFrame, optional
        The bundle's engagements (``engagement_id``, ``start_date``): rows of
        other engagements are skipped (``unknown_engagement``), and the
        phase is ``sales`` for a commitment made before the engagement's
        start date, else ``delivery``. None accepts any id (phase from the
        rules' engagements only).
    """

    def __init__(
        self,
        rules: MappingRules,
        roster: Roster,
        report: ImportReport,
        *,
        unknown_owner_side: str,
        engagements: pd.DataFrame | None = None,
    ) -> None:
        self.rules, self.roster, self.report = rules, roster, report
        self.policy = unknown_owner_side
        ids: Iterable[str] | None = (
            None if engagements is None else engagements["engagement_id"].astype(str).str.strip()
        )
        self.known = known_engagements(rules, ids)
        self.starts = engagement_starts(rules, engagements)
        self.rows: dict[str, dict[str, str]] = {}

    def add(self, entry: LogEntry) -> None:
        """Map one row (already counted as read), or count why not."""
        report = self.report
        listed = {"file": entry.file, "uid": entry.uid, "start": entry.made_on.isoformat(),
                  "title": entry.description}
        # Ids and addresses with a control character (a NUL makes a bundle CSV
        # unreadable) are skipped; the free-text description is cleaned.
        for field, value in (("commitment_id", entry.commitment_id),
                             ("engagement_id", entry.engagement or ""), ("owner", entry.owner)):
            if has_control(value):
                report.skip(f"control_character_in_{field}", listed=capped_listing(report, listed))
                return
        if entry.engagement is None:
            report.skip("no_engagement_matched", listed=capped_listing(report, listed))
            return
        if self.known is not None and entry.engagement not in self.known:
            listed["engagement"] = entry.engagement
            report.skip("unknown_engagement", listed=capped_listing(report, listed))
            return
        owner = self._owner(entry.engagement, entry.owner)
        if owner is None:
            reason = "no_owner" if not entry.owner.strip() else "unknown_owner"
            report.skip(reason, listed=capped_listing(report, listed))
            return
        if entry.commitment_id in self.rows:
            report.skip("duplicate_commitment")
            return
        start = self.starts.get(entry.engagement)
        if start is None:
            report.notes["phase_left_empty_engagement_start_unknown"] += 1
        done = entry.status == "done"
        if done and entry.done_on is None:
            report.notes["done_without_a_done_date"] += 1
        description, replaced = replace_controls(entry.description)
        if replaced:
            report.notes["control_characters_replaced_in_description"] += 1
        report.mapped += 1
        self.rows[entry.commitment_id] = {
            "commitment_id": entry.commitment_id,
            "engagement_id": entry.engagement,
            "made_on": entry.made_on.isoformat(),
            "owner_side": owner[1],
            "owner_id": owner[0],
            "phase": "" if start is None else ("sales" if entry.made_on < start else "delivery"),
            "due_date": entry.due_date.isoformat() if entry.due_date else "",
            "done_on": entry.done_on.isoformat() if done and entry.done_on else "",
            "status": entry.status,
            "description": description,
        }

    def _owner(self, engagement: str, text: str) -> tuple[str, str] | None:
        """(owner_id, owner_side), or None when the policy says skip."""
        text = text.strip()
        address = first_address(text)
        person = self.roster.canonical(address) if address else self.roster.person_named(text)
        if person:
            rows = self.roster.rows_for(engagement, person)
            return person, rows[0]["side"] if rows else self.rules.side_for(person)
        if self.policy == "skip":
            return None
        self.report.notes[f"owner_not_placed_kept_as_{self.policy}"] += 1
        return "", self.policy

    def result(self) -> AdapterResult:
        """The ``commitments`` table (and ``engagements`` from the rules file)."""
        columns = list(TABLES["commitments"].column_names)
        tables = {"commitments": pd.DataFrame(list(self.rows.values()), columns=columns)}
        if not self.rules.engagements.empty:
            tables["engagements"] = self.rules.engagements.copy()
        return AdapterResult(tables, self.report)
