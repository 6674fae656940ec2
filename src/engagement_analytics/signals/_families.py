"""The nine family formulas: prepared rows -> one value per engagement and signal.

Each family is one function ``Prepared -> {signal: array of n values}`` built
from a few GROUP BY helpers (counts, shares, distinct counts, longest gaps).

Conventions every signal follows (they are tested):

- attended = held meeting and (``attended`` true, or empty with an accepted
  invitation); cancelled meetings are never attended;
- a share with an empty denominator is NaN, never 0;
- with no client stakeholder named by the window end the client cannot be
  recognised in the rows, so every signal in :data:`CLIENT_DEPENDENT` is NaN
  for that engagement (applied once, by :func:`_client_known`);
- each family measures its own pattern: a client person's attendance (sponsor,
  change agent, champions) counts only at meetings the rest of the client side
  came to (at least half of the other client people invited attended), so that
  the whole client going dark (the going_dark family) is not counted again as
  each role's absence; ad hoc meetings (reactivity) are not counted in the
  client's share of organised meetings (client_ownership).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from .._contract import MEETING_KIND_CODES as KIND
from .._contract import SESSION_KIND_CODES as SESSION_KINDS
from ._prepare import Prepared
from ._windows import SECONDS_PER_DAY

__all__ = ["CLIENT_DEPENDENT", "FAMILY_FUNCTIONS"]

DISCOVERY_DAYS = 21  # "the first three weeks" of discovery
INSTANT_REPLY_SECONDS = 15 * 60
BUSINESS_HOURS = (8, 18)  # [from, to) on the sender's clock, Monday to Friday

# Every signal that reads who the client people are (the client, sponsor, change-agent or
# champion flag of a stakeholder). Without a client stakeholder named these would report
# a silent, absent client (silence 1.0, 0 people, 0 meetings) that the data cannot tell
# apart from a stakeholder list that simply omits the client side.
CLIENT_DEPENDENT = frozenset({
    "sponsor_named",
    "sponsor_steering_attendance_rate",
    "sponsor_decline_rate",
    "client_longest_silence_days",
    "client_days_since_last_activity",
    "client_organized_meeting_share",
    "change_agent_attendance_rate",
    "vendor_median_reply_hours",
    "vendor_instant_or_after_hours_reply_share",
    "champions_per_client_stakeholder",
    "champion_session_attendance_rate",
    "champion_led_session_share",
    "champion_turnover_share",
    "client_people_per_meeting",
    "top_client_attendee_share",
})



# --- aggregation helpers (each one a GROUP BY eng) ----------------------------------------


def _count(eng: np.ndarray, n: int, where: np.ndarray | None = None) -> np.ndarray:
    """COUNT(*) per engagement (0 where no row)."""
    chosen = eng if where is None else eng[where]
    return np.bincount(chosen.astype("int64"), minlength=n).astype("float64")


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0 (or NaN)."""
    out = np.full(len(denominator), np.nan)
    ok = denominator > 0
    out[ok] = numerator[ok] / denominator[ok]
    return out


def _share(eng: np.ndarray, n: int, among: np.ndarray, hit: np.ndarray) -> np.ndarray:
    """Share of the rows ``among`` that are ``hit``, per engagement."""
    return _ratio(_count(eng, n, among & hit), _count(eng, n, among))


def _per_engagement(values: pd.Series, n: int) -> np.ndarray:
    """A per-engagement Series (index eng) as a dense array, NaN where absent."""
    return values.reindex(np.arange(n)).to_numpy(dtype="float64")


def _longest_gap_days(eng: np.ndarray, day: np.ndarray, p: Prepared) -> np.ndarray:
    """Longest run of days with no event, over each window, in days.

    Events are ``(eng, day)`` pairs. Sentinel events on the day before the
    start and the day after the end make the leading and trailing stretches
    ordinary gaps: a gap between events on days a < b is b - a - 1 days.
    """
    all_eng = np.concatenate([eng, np.arange(p.n), np.arange(p.n)])
    all_day = np.concatenate([day, p.start - 1, p.end + 1])
    order = np.lexsort((all_day, all_eng))
    all_eng, all_day = all_eng[order], all_day[order]
    same = all_eng[1:] == all_eng[:-1]
    gaps = pd.Series(all_day[1:][same] - all_day[:-1][same] - 1)
    return _per_engagement(gaps.groupby(all_eng[1:][same]).max(), p.n)


def _days_since_last(eng: np.ndarray, day: np.ndarray, p: Prepared) -> np.ndarray:
    """Days from the last event to the window end (0: an event on the last day).

    With no event at all, the whole window: as if the last event were the day
    before the start, the same convention as the leading gap of
    :func:`_longest_gap_days`.
    """
    last = _per_engagement(pd.Series(day).groupby(eng).max(), p.n)
    return p.end - np.where(np.isnan(last), p.start - 1, last)


def _rest_of_client_came(inv: pd.DataFrame, role: str | None = None) -> np.ndarray:
    """Per invitation row: whether the rest of the client side came to that (held) meeting.

    "The rest" are the other client people invited (other than this row's person,
    or, with ``role``, than everyone with that role); they "came" when at least
    one was invited and at least half of them attended. The whole client going
    dark empties a meeting of every client person; a role's attendance counted
    only at meetings the rest of the client came to measures that role's own
    absence, not the client's silence again. The person's own attendance stays
    out of the condition, so the rate estimates how often the person comes when
    the rest of the client is there.
    """
    client = (inv["client"] & inv["held"]).to_numpy()
    if role is not None:
        client = client & ~inv[role].to_numpy()
    came = client & inv["attended"].to_numpy()
    meeting = inv["meeting"].to_numpy()
    size = int(meeting.max(initial=-1)) + 1
    invited = np.bincount(meeting[client], minlength=size)[meeting]
    attended = np.bincount(meeting[came], minlength=size)[meeting]
    if role is None:  # leave the row's own person out
        invited, attended = invited - client, attended - came
    return (invited > 0) & (2 * attended >= invited)


def _distinct_count(eng: np.ndarray, key: np.ndarray, n: int) -> np.ndarray:
    """COUNT(DISTINCT key) per engagement."""
    unique = pd.DataFrame({"eng": eng, "key": key}).drop_duplicates()
    return _count(unique["eng"].to_numpy(), n)


# --- one function per family: Prepared -> {signal: array of n values} -------------------


def overselling(p: Prepared) -> dict[str, np.ndarray]:
    w, c = p.windows, p.commitments
    sold = w["sold_effort_days"].to_numpy()
    sales_promises = _count(c["eng"].to_numpy(), p.n, (c["vendor"] & c["sales"]).to_numpy())
    return {
        "effort_estimate_to_sold_ratio": w["estimated_effort_days"].to_numpy() / sold,
        "sales_promises_per_100_sold_days": 100 * sales_promises / sold,
        "deliverables_per_sold_day": w["sold_deliverables"].to_numpy() / sold,
    }


def sponsor_absence(p: Prepared) -> dict[str, np.ndarray]:
    people, inv = p.people, p.invitations
    named = _count(people["eng"].to_numpy(), p.n, people["sponsor"].to_numpy()) > 0
    eng, meeting = inv["eng"].to_numpy(), inv["meeting"].to_numpy()
    # steering meetings the rest of the client side came to, and how many of them a
    # sponsor attended too
    with_client = (inv["kind"] == KIND["steering"]).to_numpy() & _rest_of_client_came(inv, "sponsor")
    sponsor_there = with_client & (inv["sponsor"] & inv["attended"]).to_numpy()
    client_steering = _distinct_count(eng[with_client], meeting[with_client], p.n)
    sponsor_steering = _distinct_count(eng[sponsor_there], meeting[sponsor_there], p.n)
    with_others = inv["sponsor"].to_numpy() & _rest_of_client_came(inv)
    return {
        "sponsor_named": named.astype("float64"),
        "sponsor_steering_attendance_rate": np.where(
            named, _ratio(sponsor_steering, client_steering), np.nan
        ),
        "sponsor_decline_rate": _share(eng, p.n, with_others, inv["declined"].to_numpy()),
    }


def _client_activity(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Client activity events ``(eng, day)``: attendances at held meetings and messages."""
    inv, msg = p.invitations, p.messages
    attended = (inv["client"] & inv["attended"]).to_numpy()
    sent = msg["from_client"].to_numpy(dtype=bool)
    eng = np.concatenate([inv["eng"].to_numpy()[attended], msg["eng"].to_numpy()[sent]])
    day = np.concatenate([inv["day"].to_numpy()[attended], msg["day"].to_numpy()[sent]])
    return eng.astype("int64"), day


def going_dark(p: Prepared) -> dict[str, np.ndarray]:
    eng, day = _client_activity(p)
    return {
        "client_longest_silence_days": _longest_gap_days(eng, day, p),
        "client_days_since_last_activity": _days_since_last(eng, day, p),
    }


def client_ownership(p: Prepared) -> dict[str, np.ndarray]:
    m, inv = p.meetings, p.invitations
    # Ad hoc meetings are left out: the client calling the vendor in at short
    # notice is the reactivity pattern, not the client organising its change.
    planned = (m["held"] & m["organizer_given"] & (m["kind"] != KIND["ad_hoc"])).to_numpy()
    return {
        "client_organized_meeting_share": _share(
            m["eng"].to_numpy(), p.n, planned, m["organizer_client"].to_numpy()
        ),
        "change_agent_attendance_rate": _share(
            inv["eng"].to_numpy(), p.n, inv["change_agent"].to_numpy() & _rest_of_client_came(inv),
            inv["attended"].to_numpy(),
        ),
    }


def commitment_reciprocity(p: Prepared) -> dict[str, np.ndarray]:
    c = p.commitments
    eng = c["eng"].to_numpy()
    client = c["client"].to_numpy(dtype=bool)
    due, done = c["due_day"].to_numpy(dtype="float64"), c["done_day"].to_numpy(dtype="float64")
    fell_due = client & (due <= p.end[eng])
    # done_day is already NaN when done after the window end
    return {
        "client_commitment_share": _share(eng, p.n, ~c["sales"].to_numpy(dtype=bool), client),
        "client_on_time_rate": _share(eng, p.n, fell_due, done <= due),
        "client_overdue_share": _share(eng, p.n, fell_due, np.isnan(done)),
    }


def reactivity(p: Prepared) -> dict[str, np.ndarray]:
    r, m = p.replies, p.meetings
    eng = r["eng"].to_numpy()
    local_seconds = r["local_seconds"].to_numpy(dtype="float64")
    weekday = (np.floor(local_seconds / SECONDS_PER_DAY) + 3) % 7  # 1970-01-01 was a Thursday
    hour = (local_seconds % SECONDS_PER_DAY) / 3600
    in_hours = (weekday < 5) & (hour >= BUSINESS_HOURS[0]) & (hour < BUSINESS_HOURS[1])
    instant = r["delay"].to_numpy(dtype="float64") <= INSTANT_REPLY_SECONDS
    median_hours = (r["delay"] / 3600).groupby(r["eng"]).median()
    # Every ad hoc meeting, whoever sent the invitation: a vendor invite is often how a
    # client's call gets into the calendar, and the organiser is client_ownership's.
    adhoc = (m["held"] & (m["kind"] == KIND["ad_hoc"])).to_numpy()
    return {
        "vendor_median_reply_hours": _per_engagement(median_hours, p.n),
        "vendor_instant_or_after_hours_reply_share": _share(
            eng, p.n, np.ones(len(eng), dtype=bool), instant | ~in_hours
        ),
        "adhoc_meetings_per_week": _count(m["eng"].to_numpy(), p.n, adhoc) / (p.elapsed / 7),
    }


def champion_engagement(p: Prepared) -> dict[str, np.ndarray]:
    people, m, inv = p.people, p.meetings, p.invitations
    people_eng = people["eng"].to_numpy()
    champion = people["champion"].to_numpy()
    # Sessions the client organised: whether the client organises at all is client_ownership's.
    client_session = (m["held"] & m["kind"].isin(SESSION_KINDS) & m["organizer_client"]).to_numpy()
    invited_to_session = (inv["champion"] & inv["kind"].isin(SESSION_KINDS)).to_numpy()
    return {
        "champions_per_client_stakeholder": _ratio(
            _count(people_eng, p.n, champion), _count(people_eng, p.n, people["client"].to_numpy())
        ),
        "champion_session_attendance_rate": _share(
            inv["eng"].to_numpy(), p.n, invited_to_session & _rest_of_client_came(inv),
            inv["attended"].to_numpy(),
        ),
        "champion_led_session_share": _share(
            m["eng"].to_numpy(), p.n, client_session, m["organizer_champion"].to_numpy(),
        ),
        "champion_turnover_share": _share(
            people_eng, p.n, champion, people["champion_left"].to_numpy()
        ),
    }


def discovery(p: Prepared) -> dict[str, np.ndarray]:
    w, m = p.windows, p.meetings
    eng, day = m["eng"].to_numpy(), m["day"].to_numpy()
    held = m["held"].to_numpy()
    purpose = w["purpose_statement"].astype("string").str.strip().fillna("")
    early_discovery = held & (m["kind"] == KIND["discovery"]).to_numpy() & (
        day < p.start[eng] + DISCOVERY_DAYS
    )
    discovery_count = _count(eng, p.n, early_discovery)
    steering = held & (m["kind"] == KIND["steering"]).to_numpy()
    first_steering = _per_engagement(pd.Series(day[steering]).groupby(eng[steering]).min(), p.n)
    to_first = (first_steering - p.start) / p.elapsed
    return {
        "purpose_statement_agreed": (purpose != "").to_numpy(dtype="float64"),
        "discovery_meetings_first_3_weeks": np.where(
            p.elapsed >= DISCOVERY_DAYS, discovery_count, np.nan
        ),
        "days_to_first_steering_share": np.where(np.isnan(to_first), 1.0, to_first),
    }


def stakeholder_breadth(p: Prepared) -> dict[str, np.ndarray]:
    inv = p.invitations
    eng, pkey, meeting = inv["eng"].to_numpy(), inv["pkey"].to_numpy(), inv["meeting"].to_numpy()
    # The executive sponsor and the change agent are left out: their presence is what
    # sponsor_absence and client_ownership measure. Champions count: leaving them out
    # would tie breadth to how many client people are champions (champion_engagement).
    # Both signals compare the client's attendances with one another, never their
    # volume, which is what going_dark measures.
    attended = (inv["client"] & ~inv["sponsor"] & ~inv["change_agent"] & inv["attended"]).to_numpy()

    # client people per meeting that at least one of them attended
    attendees = np.bincount(meeting[attended], minlength=len(p.meetings))
    with_client = attendees > 0
    meeting_eng = p.meetings["eng"].to_numpy()

    per_person = pd.Series(1.0, index=pkey[attended]).groupby(level=0).sum()
    person_eng = (per_person.index.to_numpy() // p.person_space).astype("int64")
    top = per_person.groupby(person_eng).max()
    return {
        "client_people_per_meeting": _ratio(
            np.bincount(meeting_eng[with_client], weights=attendees[with_client], minlength=p.n),
            _count(meeting_eng, p.n, with_client),
        ),
        "top_client_attendee_share": _ratio(_per_engagement(top, p.n), _count(eng, p.n, attended)),
    }


def _client_known(family_function):
    """``family_function`` with its :data:`CLIENT_DEPENDENT` signals NaN where no client is named."""

    @functools.wraps(family_function)
    def measure(p: Prepared) -> dict[str, np.ndarray]:
        no_client = p.client_people == 0
        return {
            name: np.where(no_client, np.nan, values) if name in CLIENT_DEPENDENT else values
            for name, values in family_function(p).items()
        }

    return measure


FAMILY_FUNCTIONS = {
    family: _client_known(function)
    for family, function in {
        "overselling": overselling,
        "sponsor_absence": sponsor_absence,
        "going_dark": going_dark,
        "client_ownership": client_ownership,
        "commitment_reciprocity": commitment_reciprocity,
        "reactivity": reactivity,
        "champion_engagement": champion_engagement,
        "discovery": discovery,
        "stakeholder_breadth": stakeholder_breadth,
    }.items()
}
