"""The nine family formulas as Ibis expressions (mirrors ``signals/_families.py``).

One function per family, ``IbisPrepared -> Table`` with one row per window
(``eng``) and one column per signal of the family, each written as the numpy
function of the same name is: a porting guide for anyone changing a signal
is to change both, function by function, until the parity tests agree.

The conventions are those of ``signals/_families.py`` (a share with an empty
denominator is NULL, counts are 0 where no row, ...). Aggregates are joined
onto the windows with a LEFT JOIN so every engagement has its row.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ..._contract import FAMILIES, SESSION_KINDS
from .._families import (
    BLOCK_DAYS,
    BUSINESS_HOURS,
    DISCOVERY_DAYS,
    INSTANT_REPLY_SECONDS,
    RECENT_DAYS,
)
from .._windows import SECONDS_PER_DAY
from ._prepare import IbisPrepared

__all__ = ["FAMILY_EXPRESSIONS"]

_NULL = ibis.null("float64")


# --- aggregation helpers -----------------------------------------------------------------


def join_on_eng(left: ir.Table, right: ir.Table, how: str = "inner") -> ir.Table:
    """``left`` JOIN ``right`` USING (eng): one ``eng`` column whatever the join."""
    joined = left.join(right, "eng", how=how)
    return joined.drop("eng_right") if "eng_right" in joined.columns else joined


def _on_windows(p: IbisPrepared, *aggregates: ir.Table, fill: tuple[str, ...] = ()) -> ir.Table:
    """The windows with each per-``eng`` aggregate LEFT JOINed; ``fill`` columns 0 where absent."""
    out = p.windows.select("eng", "start_day", "end_day", "elapsed_days")
    for aggregate in aggregates:
        out = join_on_eng(out, aggregate, how="left")
    return out.mutate(**{name: out[name].fill_null(0).cast("float64") for name in fill})


def _with_window(table: ir.Table, p: IbisPrepared) -> ir.Table:
    """``table`` with its window's ``_start``, ``_end`` and ``_elapsed`` days (joined on eng)."""
    w = p.windows
    ends = w.select(_eng=w.eng, _start=w.start_day, _end=w.end_day, _elapsed=w.elapsed_days)
    return table.join(ends, table.eng == ends._eng).drop("_eng")


def _counts(table: ir.Table, **where: ir.BooleanValue) -> ir.Table:
    """COUNT(*) WHERE condition, per engagement, for each named condition."""
    return table.group_by("eng").aggregate(
        **{name: table.eng.count(where=condition) for name, condition in where.items()}
    )


def _ratio(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    """numerator / denominator, NULL where the denominator is 0 or NULL."""
    return ibis.ifelse(
        (denominator > 0).fill_null(False),
        numerator.cast("float64") / denominator.cast("float64"),
        _NULL,
    )


def _share_counts(table: ir.Table, name: str, among: ir.BooleanValue,
                  hit: ir.BooleanValue) -> ir.Table:
    """Per engagement ``{name}_among`` and ``{name}_hit`` counts, for :func:`_ratio`."""
    return _counts(table, **{f"{name}_among": among, f"{name}_hit": among & hit})


def _share(t: ir.Table, name: str) -> ir.FloatingValue:
    return _ratio(t[f"{name}_hit"], t[f"{name}_among"])


def _longest_gap(p: IbisPrepared, events: ir.Table, name: str) -> ir.Table:
    """Longest run of days with no event over each window, as ``name`` (days).

    Events are ``(eng, day)`` rows. Sentinel events on the day before the start
    and the day after the end make the leading and trailing stretches ordinary
    gaps: a gap between events on days a < b is b - a - 1 days (``lag`` over the
    engagement's events in day order).
    """
    w = p.windows
    every = ibis.union(
        events.select(eng=events.eng, day=events.day.cast("float64")),
        w.select(eng=w.eng, day=(w.start_day - 1).cast("float64")),
        w.select(eng=w.eng, day=(w.end_day + 1).cast("float64")),
        distinct=False,
    )
    by_day = ibis.window(group_by=every.eng, order_by=every.day)
    gaps = every.mutate(gap=every.day - every.day.lag().over(by_day) - 1)
    return gaps.group_by("eng").aggregate(**{name: gaps.gap.max()})


def _median(table: ir.Table, value: ir.FloatingValue, name: str) -> ir.Table:
    """The exact median of ``value`` per engagement (mean of the two middle values).

    Written with row numbers instead of a MEDIAN aggregate: DuckDB's exact median
    holds each group in memory and can fail under a memory limit on tens of
    millions of rows, while a sorted window spills to disk; every engine gives
    the same answer.
    """
    t = table.select(eng=table.eng, _x=value)
    group = ibis.window(group_by=t.eng, order_by=t._x)
    ranked = t.mutate(_rank=ibis.row_number().over(group), _n=t.eng.count().over(ibis.window(group_by=t.eng)))
    middle = ranked.filter(
        (ranked._rank == ((ranked._n - 1) / 2).floor()) | (ranked._rank == (ranked._n / 2).floor())
    )
    return middle.group_by("eng").aggregate(**{name: middle._x.mean()})


def _distinct_counts(table: ir.Table, keys: tuple[str, ...], name: str) -> ir.Table:
    """COUNT(DISTINCT keys) per engagement."""
    unique = table.select("eng", *keys).distinct()
    return unique.group_by("eng").aggregate(**{name: unique.eng.count()})


# --- one function per family: IbisPrepared -> Table (eng, signals...) -------------------


def overselling(p: IbisPrepared) -> ir.Table:
    c = p.commitments
    t = _on_windows(p, _counts(c, sales_promises=c.vendor & c.sales), fill=("sales_promises",))
    w = p.windows.select("eng", "sold_effort_days", "estimated_effort_days", "sold_deliverables")
    t = join_on_eng(t, w)
    sold = t.sold_effort_days  # > 0 by the contract
    return t.select(
        "eng",
        effort_estimate_to_sold_ratio=t.estimated_effort_days / sold,
        sales_promises_per_100_sold_days=100 * t.sales_promises / sold,
        deliverables_per_sold_day=t.sold_deliverables / sold,
    )


def sponsor_absence(p: IbisPrepared) -> ir.Table:
    people, m, inv = p.people, p.meetings, p.invitations
    sponsor_there = inv.filter(inv.sponsor & inv.attended)
    steering_attended = _distinct_counts(
        sponsor_there.filter(sponsor_there.kind == "steering"), ("meeting",), "attended_steering"
    )
    t = _on_windows(
        p,
        _counts(people, sponsors=people.sponsor),
        _counts(m, steering_meetings=m.held & (m.kind == "steering")),
        steering_attended,
        _longest_gap(p, sponsor_there, "longest_absence"),
        _share_counts(inv, "decline", inv.sponsor, inv.declined),
        fill=("sponsors", "steering_meetings", "attended_steering", "decline_among", "decline_hit"),
    )
    named = t.sponsors > 0
    return t.select(
        "eng",
        sponsor_named=named.cast("float64"),
        sponsor_steering_attendance_rate=ibis.ifelse(
            named, _ratio(t.attended_steering, t.steering_meetings), _NULL
        ),
        sponsor_longest_absence_share=ibis.ifelse(
            named, t.longest_absence / t.elapsed_days, _NULL
        ),
        sponsor_decline_rate=_share(t, "decline"),
    )


def _client_activity(p: IbisPrepared) -> ir.Table:
    """Client activity events ``(eng, day)``: attendances at held meetings and messages."""
    inv, msg = p.invitations, p.messages
    return ibis.union(
        inv.filter(inv.client & inv.attended).select("eng", day=inv.day.cast("float64")),
        msg.filter(msg.from_client).select("eng", day=msg.day.cast("float64")),
        distinct=False,
    )


def going_dark(p: IbisPrepared) -> ir.Table:
    events = _client_activity(p)
    e = _with_window(events, p)
    recent = e.day > e._end - RECENT_DAYS
    t = _on_windows(
        p,
        _counts(e, recent=recent, earlier=~recent),
        _longest_gap(p, events, "longest_silence"),
        fill=("recent", "earlier"),
    )
    recent_weekly = t.recent / (RECENT_DAYS / 7)
    earlier_weeks = ibis.greatest(t.elapsed_days - RECENT_DAYS, 1) / 7  # only read when >= 4 weeks
    ratio = _ratio(recent_weekly, t.earlier / earlier_weeks)
    return t.select(
        "eng",
        client_longest_silence_share=t.longest_silence / t.elapsed_days,
        client_recent_activity_ratio=ibis.ifelse(t.elapsed_days >= 2 * RECENT_DAYS, ratio, _NULL),
    )


def client_ownership(p: IbisPrepared) -> ir.Table:
    m, inv = p.meetings, p.invitations
    t = _on_windows(
        p,
        _share_counts(m, "organized", m.held & m.organizer_given, m.organizer_client),
        _share_counts(inv, "change_agent", inv.change_agent & inv.held, inv.attended),
    )
    return t.select(
        "eng",
        client_organized_meeting_share=_share(t, "organized"),
        change_agent_attendance_rate=_share(t, "change_agent"),
    )


def commitment_reciprocity(p: IbisPrepared) -> ir.Table:
    c = _with_window(p.commitments, p)
    fell_due = c.client & (c.due_day <= c._end).fill_null(False)
    # done_day is already NULL when done after the window end
    t = _on_windows(
        p,
        _share_counts(c, "client", ~c.sales, c.client),
        _share_counts(c, "on_time", fell_due, (c.done_day <= c.due_day).fill_null(False)),
        _share_counts(c, "overdue", fell_due, c.done_day.isnull()),
    )
    return t.select(
        "eng",
        client_commitment_share=_share(t, "client"),
        client_on_time_rate=_share(t, "on_time"),
        client_overdue_share=_share(t, "overdue"),
    )


def reactivity(p: IbisPrepared) -> ir.Table:
    r, m = p.replies, p.meetings
    day = (r.local_seconds / SECONDS_PER_DAY).floor()
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
    hour = (r.local_seconds - day * SECONDS_PER_DAY) / 3600
    in_hours = (weekday < 5) & (hour >= BUSINESS_HOURS[0]) & (hour < BUSINESS_HOURS[1])
    instant = r.delay <= INSTANT_REPLY_SECONDS
    adhoc = m.held & (m.kind == "ad_hoc") & m.organizer_client
    t = _on_windows(
        p,
        _median(r, r.delay / 3600, "median_hours"),
        _share_counts(r, "instant", ibis.literal(True), instant | ~in_hours),
        _counts(m, adhoc=adhoc),
        fill=("adhoc",),
    )
    return t.select(
        "eng",
        vendor_median_reply_hours=t.median_hours,
        vendor_instant_or_after_hours_reply_share=_share(t, "instant"),
        client_adhoc_meetings_per_week=t.adhoc / (t.elapsed_days / 7),
    )


def champion_engagement(p: IbisPrepared) -> ir.Table:
    people, m, inv = p.people, p.meetings, p.invitations
    session = m.held & m.kind.isin(SESSION_KINDS)
    invited_to_session = inv.champion & inv.held & inv.kind.isin(SESSION_KINDS)
    t = _on_windows(
        p,
        _counts(people, champions=people.champion, client_people=people.client),
        _share_counts(inv, "session", invited_to_session, inv.attended),
        _share_counts(m, "led", session & m.organizer_given, m.organizer_champion),
        _share_counts(people, "turnover", people.champion, people.champion_left),
        fill=("champions", "client_people"),
    )
    return t.select(
        "eng",
        champions_per_client_stakeholder=_ratio(t.champions, t.client_people),
        champion_session_attendance_rate=_share(t, "session"),
        champion_led_session_share=_share(t, "led"),
        champion_turnover_share=_share(t, "turnover"),
    )


def discovery(p: IbisPrepared) -> ir.Table:
    m = _with_window(p.meetings, p)
    early_discovery = m.held & (m.kind == "discovery") & (m.day < m._start + DISCOVERY_DAYS)
    steering = m.filter(m.held & (m.kind == "steering"))
    first_steering = steering.group_by("eng").aggregate(first_steering=steering.day.min())
    t = _on_windows(p, _counts(m, discovery=early_discovery), first_steering, fill=("discovery",))
    w = p.windows.select("eng", "purpose_agreed")
    t = join_on_eng(t, w)
    to_first = (t.first_steering - t.start_day) / t.elapsed_days
    return t.select(
        "eng",
        purpose_statement_agreed=t.purpose_agreed,
        discovery_meetings_first_3_weeks=ibis.ifelse(
            t.elapsed_days >= DISCOVERY_DAYS, t.discovery, _NULL
        ),
        days_to_first_steering_share=to_first.fill_null(1.0),
    )


def stakeholder_breadth(p: IbisPrepared) -> ir.Table:
    inv = p.invitations
    # The executive sponsor and the champions are left out: each is a family of
    # its own, and counting them here would make breadth a second measure of them.
    invited = inv.filter(inv.client & ~inv.sponsor & ~inv.champion & inv.held)
    attended = invited.filter(invited.attended)

    # distinct client attendees per complete 30-day block, averaged over those blocks: a
    # partial last block would make the value jump with the window length
    a = _with_window(attended, p)
    a = a.mutate(block=((a.day - a._start) / BLOCK_DAYS).floor(),
                 complete_blocks=(a._elapsed / BLOCK_DAYS).floor())
    people_blocks = _distinct_counts(
        a.filter(a.block < a.complete_blocks), ("person", "block"), "people_blocks"
    )
    per_person = attended.group_by("eng", "person").aggregate(times=attended.eng.count())
    top = per_person.group_by("eng").aggregate(top=per_person.times.max(),
                                               attendances=per_person.times.sum())
    ever = invited.group_by("eng", "person").aggregate(ever=invited.attended.any())
    t = _on_windows(
        p, people_blocks, top, _share_counts(ever, "ever", ibis.literal(True), ever.ever),
        fill=("people_blocks",),
    )
    complete_blocks = (t.elapsed_days / BLOCK_DAYS).floor()
    return t.select(
        "eng",
        client_people_per_month=_ratio(t.people_blocks, complete_blocks),
        top_client_attendee_share=_ratio(t.top, t.attendances),
        invited_client_attended_share=_share(t, "ever"),
    )


#: ``{family: function}`` in report order; each function is named after its family.
FAMILY_EXPRESSIONS = {family: globals()[family] for family in FAMILIES}
