"""Preparing rows for aggregation, as Ibis expressions (mirrors ``signals/_prepare.py``).

The same relational steps as the numpy path: each table joined to the windows on
``engagement_id`` and cut to its window, people looked up by ``(eng, person_id)``.
Every comparison that may meet a missing value is wrapped in :func:`_true` so
that SQL's three-valued logic gives numpy's answer (a comparison with NaN is
False).

Time: day numbers are whole days since 1970-01-01 on the UTC calendar. Every
engine runs with its session time zone set to UTC (see ``_engine.py``), so a
timestamp with a zone and a plain one (a contract ``date``) both give their UTC day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from ..._contract import utc_offset_column
from .._prepare import PERSON_FLAGS
from .._windows import SECONDS_PER_DAY

__all__ = ["IbisPrepared", "prepare"]


@dataclass
class IbisPrepared:
    """The bundle's rows cut to the windows, people looked up (all Ibis tables).

    Column names and meanings are those of ``signals._prepare.Prepared``. Strings
    stop at the first join where they can: a person is ``pid`` (a row number of
    ``people``, one per engagement and person, as ``pkey``), so the families group
    and count integers; an invitation's ``meeting`` is its ``meeting_id`` (a
    ROW_NUMBER over every meeting would be one single-threaded pass).
    """

    windows: ir.Table
    people: ir.Table
    client_people: ir.Table
    meetings: ir.Table
    invitations: ir.Table
    messages: ir.Table
    replies: ir.Table
    commitments: ir.Table


def _true(condition: ir.BooleanValue) -> ir.BooleanValue:
    """``condition`` with NULL read as False (numpy's NaN comparisons)."""
    return condition.fill_null(False)


def _equals(column: ir.Value, value: str) -> ir.BooleanValue:
    return _true(column == value)


def epoch_seconds(column: ir.Value) -> ir.FloatingValue:
    """Whole seconds since 1970-01-01 UTC (floored, as the numpy path's datetime64[s])."""
    return column.epoch_seconds().cast("float64").floor().cast("float64")


def day_numbers(column: ir.Value) -> ir.FloatingValue:
    """Whole days since 1970-01-01 (UTC calendar day); NULL for missing."""
    return (epoch_seconds(column) / SECONDS_PER_DAY).floor().cast("float64")


def _in_windows(table: ir.Table, windows: ir.Table) -> ir.Table:
    """``table`` joined to its engagement's window (rows of engagements not in the windows drop)."""
    w = windows.select("engagement_id", "eng", "start_day", "end_day")
    joined = table.join(w, table.engagement_id == w.engagement_id)
    return joined.drop("engagement_id_right") if "engagement_id_right" in joined.columns else joined


def with_flags(table: ir.Table, person: str, people: ir.Table, prefix: str = "") -> ir.Table:
    """``table`` with the flags of person column ``person`` looked up in ``people``.

    A left join on ``(eng, person)``: an unknown or missing person has every flag False
    and ``{prefix}known`` False.
    """
    look = people.select(
        _eng=people.eng, _person=people.person, **{f"{prefix}pid": people.pid},
        **{f"{prefix}known": ibis.literal(True)},
        **{prefix + flag: people[flag] for flag in PERSON_FLAGS},
    )
    joined = table.left_join(look, [table.eng == look._eng, table[person] == look._person])
    flags = [f"{prefix}known", *(prefix + flag for flag in PERSON_FLAGS)]
    return joined.select(*table.columns, joined[f"{prefix}pid"],
                         **{name: _true(joined[name]) for name in flags})


def _prepare_people(stakeholders: ir.Table, windows: ir.Table) -> ir.Table:
    s = _in_windows(stakeholders, windows)
    joined, left = day_numbers(s.joined_on), day_numbers(s.left_on)
    is_client = _equals(s.side, "client")
    is_champion = is_client & _equals(s.role, "champion")
    rows = s.filter(~_true(joined > s.end_day)).select(  # empty joined_on: named from the start
        eng=s.eng,
        person=s.person_id,
        client=is_client,
        vendor=_equals(s.side, "vendor"),
        sponsor=is_client & _equals(s.role, "executive_sponsor"),
        change_agent=is_client & _equals(s.role, "change_agent"),
        champion=is_champion,
        # a champion has left when every champion row of theirs ended by the window end
        champion_stays=is_champion & ~_true(left <= s.end_day),
    )
    people = rows.group_by("eng", "person").aggregate(
        **{flag: rows[flag].any() for flag in (*PERSON_FLAGS, "champion_stays")}
    )
    # a person named on both sides counts as client: the client side is what signals read
    return people.mutate(
        pid=ibis.row_number(),
        vendor=people.vendor & ~people.client,
        champion_left=people.champion & ~people.champion_stays,
    ).drop("champion_stays")


def _prepare_meetings(meetings: ir.Table, windows: ir.Table, people: ir.Table) -> ir.Table:
    m = _in_windows(meetings, windows)
    m = m.mutate(day=day_numbers(m.start))
    m = m.filter((m.day >= m.start_day) & (m.day <= m.end_day))
    m = m.select(
        "meeting_id", "eng", "day", "kind", "organizer_id",
        held=~_equals(m.status, "cancelled"),
        organizer_given=m.organizer_id.notnull(),
    )
    return with_flags(m, "organizer_id", people, prefix="organizer_").drop(
        "organizer_id", "organizer_pid")


def _prepare_invitations(attendance: ir.Table, meetings: ir.Table, people: ir.Table) -> ir.Table:
    m = meetings.select("meeting_id", "eng", "day", "kind", "held")
    a = attendance.join(m, attendance.meeting_id == m.meeting_id)
    said_yes = _true(a.attended)
    unknown_and_accepted = a.attended.isnull() & _equals(a.response, "accepted")
    a = a.select(
        meeting=a.meeting_id, eng=a.eng, day=a.day, kind=a.kind, held=a.held, person_id=a.person_id,
        attended=a.held & (said_yes | unknown_and_accepted),
        declined=_equals(a.response, "declined"),
    )
    return with_flags(a, "person_id", people).drop("person_id").rename(person="pid")


def _flag_communications(communications: ir.Table, windows: ir.Table,
                         people: ir.Table) -> ir.Table:
    """Messages of the windows' engagements up to their window end, sender flags looked up."""
    c = _in_windows(communications, windows)
    offset_column = utc_offset_column("sent_at")
    offset = c[offset_column].fill_null(0) if offset_column in c.columns else ibis.literal(0.0)
    seconds = epoch_seconds(c.sent_at)
    c = c.select(
        "message_id", "in_reply_to", "eng", "start_day", "end_day", "from_id",
        seconds=seconds,
        day=(seconds / SECONDS_PER_DAY).floor().cast("float64"),
        # Business hours are the sender's: the wall clock of the offset sent_at was
        # written with (UTC when none was given).
        local_seconds=seconds + offset.cast("float64") * 60,
    )
    c = c.filter(c.day <= c.end_day)  # nothing later is read, as message or as parent
    return with_flags(c, "from_id", people).drop("from_id", "pid")


def _prepare_messages(c: ir.Table) -> tuple[ir.Table, ir.Table]:
    in_window = c.day >= c.start_day
    messages = c.filter(in_window).select("eng", "day", from_client=c.client, known=c.known)

    # a reply counts when sent in window; its parent was sent earlier, by the window end
    parents = c.filter(c.client).select(
        _parent=c.message_id, _parent_eng=c.eng, _parent_seconds=c.seconds
    )
    sent = c.filter(in_window & c.vendor)
    r = sent.join(parents, [sent.in_reply_to == parents._parent, sent.eng == parents._parent_eng])
    replies = r.select(
        "eng", "seconds", "local_seconds",
        delay=ibis.greatest(r.seconds - r._parent_seconds, 0.0),  # clock skew: never negative
    )
    return messages, replies


def _prepare_commitments(commitments: ir.Table, windows: ir.Table) -> ir.Table:
    c = _in_windows(commitments, windows)
    c = c.filter(_true(day_numbers(c.made_on) <= c.end_day))
    done = day_numbers(c.done_on)
    return c.select(
        "eng",
        client=_equals(c.owner_side, "client"),
        vendor=_equals(c.owner_side, "vendor"),
        sales=_equals(c.phase, "sales"),
        due_day=day_numbers(c.due_date),
        # done after the window end means not done as of then (the as-of rule)
        done_day=ibis.ifelse(_true(done <= c.end_day), done, ibis.null("float64")),
    )


def prepare(tables: dict[str, ir.Table], windows: ir.Table, *,
            keep: Callable[[ir.Table], ir.Table] = lambda table: table) -> IbisPrepared:
    """Cut every table to ``windows`` and look people up.

    Parameters
    ----------
    tables : dict of str to ibis Table
        The contract tables (``commitments`` and ``communications`` given empty when absent).
    windows : ibis Table
        ``eng, engagement_id, start_day, end_day, elapsed_days`` and the engagement attributes.
    keep : callable
        Applied to each prepared table; the caller may materialise them in the engine
        (``Table.cache``), as each is read by several families.
    """
    people = keep(_prepare_people(tables["stakeholders"], windows))
    meetings = keep(_prepare_meetings(tables["meetings"], windows, people))
    invitations = keep(_prepare_invitations(tables["attendance"], meetings, people))
    communications = keep(_flag_communications(tables["communications"], windows, people))
    messages, replies = _prepare_messages(communications)
    client_people = people.group_by("eng").aggregate(client_people=people.eng.count(where=people.client))
    return IbisPrepared(
        windows=windows,
        people=people,
        client_people=client_people,
        meetings=meetings,
        invitations=invitations,
        messages=messages,
        replies=keep(replies),
        commitments=keep(_prepare_commitments(tables["commitments"], windows)),
    )
