"""Row-to-engagement aggregation: the one place raw rows become signal values.

Everything here is a relational operation: filter rows to each engagement's
window (a join on ``engagement_id`` plus a range predicate), look people up
(a join on ``engagement_id, person_id``), then group by engagement and count,
take shares, maxima or medians. Each step is written with whole-column
operations (no loop over engagements or meetings) so it maps one-to-one onto
SQL ``JOIN``/``GROUP BY``/window functions if it has to move to a database.

Engagements are addressed by their position ``eng`` (0..n-1) in the windows
frame and people by ``pkey = eng * n_people + person position``, integer keys
that keep the joins cheap on millions of attendance rows.

Conventions every signal follows (they are tested):

- a row counts when dated on or before the window end (UTC calendar day);
  meetings and messages also from the window start on; commitments from any
  time (sales promises predate kickoff);
- a person is "client" or "vendor" when named as a stakeholder on that side
  of that engagement by the window end (``joined_on`` empty or not later);
  anyone else is unknown: counted, never an error;
- attended = held meeting and (``attended`` true, or empty with an accepted
  invitation); cancelled meetings are never attended;
- a share with an empty denominator is NaN, never 0;
- with no client stakeholder named by the window end the client cannot be
  recognised in the rows, so every signal in :data:`CLIENT_DEPENDENT` is NaN
  for that engagement (applied once, by :func:`_client_known`).
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._contract import MEETING_KIND_CODES as KIND
from .._contract import MEETING_KINDS, utc_offset_column
from .._contract import SESSION_KIND_CODES as SESSION_KINDS
from ._windows import SECONDS_PER_DAY, day_numbers, epoch_seconds

__all__ = ["CLIENT_DEPENDENT", "FAMILY_FUNCTIONS", "Prepared", "prepare"]

RECENT_DAYS = 28  # "the last four weeks" of going_dark
DISCOVERY_DAYS = 21  # "the first three weeks" of discovery
INSTANT_REPLY_SECONDS = 15 * 60
BUSINESS_HOURS = (8, 18)  # [from, to) on the sender's clock, Monday to Friday
PERSON_FLAGS = ("client", "vendor", "sponsor", "change_agent", "champion")
BLOCK_DAYS = 30  # the "month" of stakeholder_breadth

# Every signal that reads who the client people are (the client, sponsor, change-agent or
# champion flag of a stakeholder). Without a client stakeholder named these would report
# a silent, absent client (silence 1.0, 0 people, 0 meetings) that the data cannot tell
# apart from a stakeholder list that simply omits the client side.
CLIENT_DEPENDENT = frozenset({
    "sponsor_named",
    "sponsor_steering_attendance_rate",
    "sponsor_longest_absence_share",
    "sponsor_decline_rate",
    "client_longest_silence_share",
    "client_recent_activity_ratio",
    "client_organized_meeting_share",
    "change_agent_attendance_rate",
    "vendor_median_reply_hours",
    "vendor_instant_or_after_hours_reply_share",
    "client_adhoc_meetings_per_week",
    "champions_per_client_stakeholder",
    "champion_session_attendance_rate",
    "champion_led_session_share",
    "champion_turnover_share",
    "client_people_per_month",
    "top_client_attendee_share",
    "invited_client_attended_share",
})


@dataclass
class Prepared:
    """The bundle's rows cut to the windows, with people looked up.

    Attributes
    ----------
    n : int
        Number of engagements (windows).
    windows : DataFrame
        Positional windows (``start_day``, ``end_day``, ``elapsed_days`` and
        the engagement attributes), in the order of the result.
    people : DataFrame
        One row per (engagement, person) named by the window end: ``eng``,
        ``pkey`` and a boolean per role flag, ``champion_left``.
    client_people : ndarray
        Client people named by the window end, per engagement (0: the client
        cannot be recognised; see :data:`CLIENT_DEPENDENT`).
    meetings : DataFrame
        Meetings in window: ``eng, day, kind`` (a code of :data:`KIND`), ``held``
        and ``organizer_*`` flags.
    invitations : DataFrame
        Attendance rows of meetings in window: ``eng, meeting`` (row of
        ``meetings``), ``day, kind, held, pkey, attended, declined`` and the
        invitee's flags.
    messages : DataFrame
        Messages in window: ``eng, day, seconds, from_client``.
    replies : DataFrame
        Vendor replies in window to client messages: ``eng, seconds, local_seconds, delay``
        (``local_seconds``: on the sender's wall clock).
    commitments : DataFrame
        Commitments made by the window end: ``eng, client, vendor, sales,
        due_day, done_day``.
    unknown_rows : dict
        Rows in window whose person is not a stakeholder of the engagement.
    person_space : int
        The multiplier of ``eng`` in ``pkey``: ``eng = pkey // person_space``.
    """

    n: int
    windows: pd.DataFrame
    people: pd.DataFrame
    client_people: np.ndarray
    meetings: pd.DataFrame
    invitations: pd.DataFrame
    messages: pd.DataFrame
    replies: pd.DataFrame
    commitments: pd.DataFrame
    unknown_rows: dict[str, int]
    person_space: int

    @property
    def start(self) -> np.ndarray:
        return self.windows["start_day"].to_numpy()

    @property
    def end(self) -> np.ndarray:
        return self.windows["end_day"].to_numpy()

    @property
    def elapsed(self) -> np.ndarray:
        return self.windows["elapsed_days"].to_numpy()


# --- preparation: joins and window filters ------------------------------------------------


def positions(values: pd.Series, keys: object) -> np.ndarray:
    """Position of each value among ``keys``, -1 where absent or missing (a hash join).

    Arrow's hashing is several times faster than a pandas Index lookup on
    millions of string ids.
    """
    found = pc.index_in(_arrow_strings(values), value_set=_arrow_strings(keys))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype("int64")


def _arrow_strings(values: object) -> pa.Array:
    """``values`` as one Arrow string type (an all-missing column arrives as null type)."""
    array = pa.array(values, from_pandas=True)
    return array if array.type == pa.large_string() else array.cast(pa.large_string())


def _equals(values: pd.Series, value: str) -> np.ndarray:
    """values == value as a plain bool array (missing is False)."""
    return (values == value).to_numpy(dtype=bool, na_value=False)


def _filtered(columns: dict[str, np.ndarray], keep: np.ndarray) -> pd.DataFrame:
    """The rows where ``keep`` holds, as a frame.

    Each column is filtered on its own and the frame wraps the results without
    copying: building the full frame first and then filtering it copies every
    column twice, which on the attendance table cost more than the joins.
    """
    return pd.DataFrame({name: np.asarray(values)[keep] for name, values in columns.items()}, copy=False)


class _PersonKeys:
    """Maps (engagement position, person_id) to an integer key; unknown ids get -1."""

    def __init__(self, person_ids: pd.Series) -> None:
        self.ids = pd.unique(person_ids.dropna())
        self.size = max(len(self.ids), 1)

    def keys(self, eng: np.ndarray, person_ids: pd.Series) -> np.ndarray:
        code = positions(person_ids, self.ids)
        return np.where((code >= 0) & (eng >= 0), eng.astype("int64") * self.size + code, -1)


def _window_of(eng: np.ndarray, day: np.ndarray, start: np.ndarray,
               end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(from the start on, up to the end) masks for rows of engagement ``eng`` on ``day``."""
    safe = np.where(eng >= 0, eng, 0)
    return (eng >= 0) & (day >= start[safe]), (eng >= 0) & (day <= end[safe])


def _prepare_people(stakeholders: pd.DataFrame, eng_ids: pd.Index, end: np.ndarray,
                    persons: _PersonKeys) -> pd.DataFrame:
    eng = positions(stakeholders["engagement_id"], eng_ids)
    safe = np.where(eng >= 0, eng, 0)
    joined = day_numbers(stakeholders["joined_on"])
    left = day_numbers(stakeholders["left_on"])
    named = (eng >= 0) & ~(joined > end[safe])  # NaN joined_on: named from the start
    role = stakeholders["role"]
    is_client = _equals(stakeholders["side"], "client")
    is_champion = is_client & _equals(role, "champion")
    rows = _filtered(
        {
            "eng": eng,
            "pkey": persons.keys(eng, stakeholders["person_id"]),
            "client": is_client,
            "vendor": _equals(stakeholders["side"], "vendor"),
            "sponsor": is_client & _equals(role, "executive_sponsor"),
            "change_agent": is_client & _equals(role, "change_agent"),
            "champion": is_champion,
            # a champion has left when every champion row of theirs ended by the window end
            "champion_stays": is_champion & ~(left <= end[safe]),
        },
        named,
    )
    people = rows.groupby("pkey", sort=True).max()
    # a person named on both sides counts as client: the client side is what signals read
    people["vendor"] &= ~people["client"]
    people["champion_left"] = people["champion"] & ~people["champion_stays"]
    return people.drop(columns="champion_stays").reset_index()


def _flags_of(people: pd.DataFrame, pkey: np.ndarray, prefix: str = "") -> dict[str, np.ndarray]:
    """Look the flags of ``pkey`` up in ``people`` (a left join; unknown keys are all False)."""
    pos = np.searchsorted(people["pkey"].to_numpy(), pkey)  # people is sorted by pkey
    pos = np.minimum(pos, max(len(people) - 1, 0))
    known = (pkey >= 0) & (people["pkey"].to_numpy()[pos] == pkey) if len(people) else pkey < -1
    flags = {f"{prefix}known": known}
    for flag in PERSON_FLAGS:
        values = people[flag].to_numpy(dtype=bool)
        flags[prefix + flag] = known & values[pos] if len(people) else known
    return flags


def _prepare_meetings(meetings: pd.DataFrame, eng_ids: pd.Index, start: np.ndarray,
                      end: np.ndarray, people: pd.DataFrame,
                      persons: _PersonKeys) -> tuple[pd.DataFrame, np.ndarray]:
    eng = positions(meetings["engagement_id"], eng_ids)
    day = day_numbers(meetings["start"])
    from_start, upto_end = _window_of(eng, day, start, end)
    keep = from_start & upto_end
    organizer = meetings["organizer_id"]
    frame = _filtered(
        {
            "eng": eng,
            "day": day,
            "kind": positions(meetings["kind"], MEETING_KINDS),
            "held": ~_equals(meetings["status"], "cancelled"),
            "organizer_given": organizer.notna().to_numpy(dtype=bool),
            **_flags_of(people, persons.keys(eng, organizer), prefix="organizer_"),
        },
        keep,
    )
    # meeting row number -> position among the kept meetings (-1 when out of window)
    kept_position = np.where(keep, np.cumsum(keep) - 1, -1)
    return frame, kept_position


def _prepare_invitations(attendance: pd.DataFrame, all_meeting_ids: pd.Series,
                         meetings: pd.DataFrame, kept_position: np.ndarray,
                         people: pd.DataFrame, persons: _PersonKeys) -> pd.DataFrame:
    row = positions(attendance["meeting_id"], all_meeting_ids)
    meeting = np.where(row >= 0, kept_position[np.where(row >= 0, row, 0)], -1)
    keep = meeting >= 0
    safe = np.where(keep, meeting, 0)
    eng = np.where(keep, meetings["eng"].to_numpy()[safe], -1)
    held = meetings["held"].to_numpy()[safe]
    attended_flag = attendance["attended"]
    said_yes = attended_flag.fillna(False).to_numpy(dtype=bool)
    unknown_and_accepted = attended_flag.isna().to_numpy() & _equals(attendance["response"], "accepted")
    pkey = persons.keys(eng, attendance["person_id"])
    return _filtered(
        {
            "eng": eng,
            "meeting": meeting,
            "day": meetings["day"].to_numpy()[safe],
            "kind": meetings["kind"].to_numpy()[safe],
            "held": held,
            "pkey": pkey,
            "attended": held & (said_yes | unknown_and_accepted),
            "declined": _equals(attendance["response"], "declined"),
            **_flags_of(people, pkey),
        },
        keep,
    )


def _prepare_messages(communications: pd.DataFrame | None, eng_ids: pd.Index,
                      start: np.ndarray, end: np.ndarray, people: pd.DataFrame,
                      persons: _PersonKeys) -> tuple[pd.DataFrame, pd.DataFrame]:
    if communications is None:
        empty = np.array([], dtype="int64")
        messages = pd.DataFrame(
            {"eng": empty, "day": empty.astype(float), "from_client": empty.astype(bool),
             "known": empty.astype(bool)}
        )
        return messages, pd.DataFrame({"eng": empty, "seconds": [], "local_seconds": [], "delay": []})
    eng = positions(communications["engagement_id"], eng_ids)
    seconds = epoch_seconds(communications["sent_at"])
    day = np.floor(seconds / SECONDS_PER_DAY)
    from_start, upto_end = _window_of(eng, day, start, end)
    flags = _flags_of(people, persons.keys(eng, communications["from_id"]))
    in_window = from_start & upto_end
    messages = _filtered(
        {"eng": eng, "day": day, "from_client": flags["client"], "known": flags["known"]}, in_window
    )

    # a reply counts when sent in window; its parent was sent earlier, by the window end
    parent = positions(communications["in_reply_to"], communications["message_id"])
    parent_safe = np.where(parent >= 0, parent, 0)
    is_reply = (parent >= 0) & in_window & flags["vendor"]
    is_reply &= upto_end[parent_safe] & flags["client"][parent_safe] & (eng[parent_safe] == eng)
    delay = np.clip(seconds - seconds[parent_safe], 0, None)  # clock skew: never negative
    # Business hours are the sender's: the wall clock of the offset sent_at was
    # written with (UTC when none was given).
    offset_column = utc_offset_column("sent_at")
    offset_minutes = (communications[offset_column].to_numpy(dtype="float64", na_value=np.nan)
                      if offset_column in communications.columns else np.zeros(len(seconds)))
    local_seconds = seconds + np.nan_to_num(offset_minutes) * 60
    replies = _filtered({"eng": eng, "seconds": seconds, "local_seconds": local_seconds, "delay": delay},
                        is_reply)
    return messages, replies


def _prepare_commitments(commitments: pd.DataFrame | None, eng_ids: pd.Index,
                         end: np.ndarray) -> pd.DataFrame:
    columns = ["eng", "client", "vendor", "sales", "due_day", "done_day"]
    if commitments is None:
        return pd.DataFrame({c: np.array([], dtype="int64") for c in columns})
    eng = positions(commitments["engagement_id"], eng_ids)
    safe = np.where(eng >= 0, eng, 0)
    keep = (eng >= 0) & (day_numbers(commitments["made_on"]) <= end[safe])
    done = day_numbers(commitments["done_on"])
    # done after the window end means not done as of then (the as-of rule)
    done = np.where(done <= end[safe], done, np.nan)
    return _filtered(
        {
            "eng": eng,
            "client": _equals(commitments["owner_side"], "client"),
            "vendor": _equals(commitments["owner_side"], "vendor"),
            "sales": _equals(commitments["phase"], "sales"),
            "due_day": day_numbers(commitments["due_date"]),
            "done_day": done,
        },
        keep,
    )


def prepare(bundle: object, windows: pd.DataFrame) -> Prepared:
    """Cut every table of ``bundle`` to ``windows`` and look people up.

    Parameters
    ----------
    bundle : Bundle
    windows : DataFrame
        From :func:`engagement_analytics._windows.resolve_windows`.
    """
    eng_ids = windows.index.to_series()
    start, end = windows["start_day"].to_numpy(), windows["end_day"].to_numpy()
    persons = _PersonKeys(bundle.stakeholders["person_id"])
    people = _prepare_people(bundle.stakeholders, eng_ids, end, persons)
    meetings, kept_position = _prepare_meetings(
        bundle.meetings, eng_ids, start, end, people, persons
    )
    # Invitations and messages are independent, and most of their time is in
    # Arrow's hash joins, which release the GIL: two threads overlap them.
    with ThreadPoolExecutor(max_workers=2) as pool:
        invited = pool.submit(_prepare_invitations, bundle.attendance, bundle.meetings["meeting_id"],
                              meetings, kept_position, people, persons)
        messages, replies = _prepare_messages(bundle.communications, eng_ids, start, end, people, persons)
        invitations = invited.result()
    unknown_rows = {
        "attendance": int((~invitations["known"]).sum()),
        "meetings (organizer)": int((meetings["organizer_given"] & ~meetings["organizer_known"]).sum()),
    }
    if bundle.communications is not None:
        unknown_rows["communications"] = int((~messages["known"]).sum())
    return Prepared(
        n=len(windows),
        windows=windows,
        people=people,
        client_people=_count(people["eng"].to_numpy(), len(windows), people["client"].to_numpy()),
        meetings=meetings,
        invitations=invitations,
        messages=messages,
        replies=replies,
        commitments=_prepare_commitments(bundle.commitments, eng_ids, end),
        unknown_rows=unknown_rows,
        person_space=persons.size,
    )


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


def _longest_gap_share(eng: np.ndarray, day: np.ndarray, p: Prepared) -> np.ndarray:
    """Longest run of days with no event, over each window, / elapsed days.

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
    longest = gaps.groupby(all_eng[1:][same]).max()
    return _per_engagement(longest, p.n) / p.elapsed


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
    people, m, inv = p.people, p.meetings, p.invitations
    named = _count(people["eng"].to_numpy(), p.n, people["sponsor"].to_numpy()) > 0
    eng = inv["eng"].to_numpy()
    sponsor_there = (inv["sponsor"] & inv["attended"]).to_numpy()

    # steering meetings held, and how many of them any sponsor attended
    held_steering = (m["held"] & (m["kind"] == KIND["steering"])).to_numpy()
    steering_meetings = _count(m["eng"].to_numpy(), p.n, held_steering)
    sponsor_steering = (inv["kind"] == KIND["steering"]).to_numpy() & sponsor_there
    attended_steering = _distinct_count(
        eng[sponsor_steering], inv["meeting"].to_numpy()[sponsor_steering], p.n
    )

    steering_rate = _ratio(attended_steering, steering_meetings)
    longest_absence = _longest_gap_share(eng[sponsor_there], inv["day"].to_numpy()[sponsor_there], p)
    decline_rate = _share(eng, p.n, inv["sponsor"].to_numpy(), inv["declined"].to_numpy())
    return {
        "sponsor_named": named.astype("float64"),
        "sponsor_steering_attendance_rate": np.where(named, steering_rate, np.nan),
        "sponsor_longest_absence_share": np.where(named, longest_absence, np.nan),
        "sponsor_decline_rate": decline_rate,
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
    recent = day > p.end[eng] - RECENT_DAYS
    recent_weekly = _count(eng, p.n, recent) / (RECENT_DAYS / 7)
    earlier_weeks = np.maximum(p.elapsed - RECENT_DAYS, 1) / 7  # only read when >= 4 weeks
    earlier_weekly = _count(eng, p.n, ~recent) / earlier_weeks
    ratio = _ratio(recent_weekly, earlier_weekly)
    long_enough = p.elapsed >= 2 * RECENT_DAYS
    return {
        "client_longest_silence_share": _longest_gap_share(eng, day, p),
        "client_recent_activity_ratio": np.where(long_enough, ratio, np.nan),
    }


def client_ownership(p: Prepared) -> dict[str, np.ndarray]:
    m, inv = p.meetings, p.invitations
    with_organizer = (m["held"] & m["organizer_given"]).to_numpy()
    return {
        "client_organized_meeting_share": _share(
            m["eng"].to_numpy(), p.n, with_organizer, m["organizer_client"].to_numpy()
        ),
        "change_agent_attendance_rate": _share(
            inv["eng"].to_numpy(), p.n, (inv["change_agent"] & inv["held"]).to_numpy(),
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
    adhoc = (m["held"] & (m["kind"] == KIND["ad_hoc"]) & m["organizer_client"]).to_numpy()
    return {
        "vendor_median_reply_hours": _per_engagement(median_hours, p.n),
        "vendor_instant_or_after_hours_reply_share": _share(
            eng, p.n, np.ones(len(eng), dtype=bool), instant | ~in_hours
        ),
        "client_adhoc_meetings_per_week": _count(m["eng"].to_numpy(), p.n, adhoc)
        / (p.elapsed / 7),
    }


def champion_engagement(p: Prepared) -> dict[str, np.ndarray]:
    people, m, inv = p.people, p.meetings, p.invitations
    people_eng = people["eng"].to_numpy()
    champion = people["champion"].to_numpy()
    session = m["held"].to_numpy() & m["kind"].isin(SESSION_KINDS).to_numpy()
    invited_to_session = (inv["champion"] & inv["held"] & inv["kind"].isin(SESSION_KINDS))
    return {
        "champions_per_client_stakeholder": _ratio(
            _count(people_eng, p.n, champion), _count(people_eng, p.n, people["client"].to_numpy())
        ),
        "champion_session_attendance_rate": _share(
            inv["eng"].to_numpy(), p.n, invited_to_session.to_numpy(), inv["attended"].to_numpy()
        ),
        "champion_led_session_share": _share(
            m["eng"].to_numpy(), p.n, session & m["organizer_given"].to_numpy(),
            m["organizer_champion"].to_numpy(),
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
    eng, pkey = inv["eng"].to_numpy(), inv["pkey"].to_numpy()
    # The executive sponsor and the champions are left out: each is a family of
    # its own, and counting them here would make breadth a second measure of them.
    invited = (inv["client"] & ~inv["sponsor"] & ~inv["champion"] & inv["held"]).to_numpy()
    attended = invited & inv["attended"].to_numpy()

    # distinct client attendees per complete 30-day block, averaged over those blocks: a
    # partial last block would make the value jump with the window length
    block = ((inv["day"].to_numpy() - p.start[eng]) // BLOCK_DAYS).astype("int64")
    complete_blocks = p.elapsed // BLOCK_DAYS
    in_complete_block = attended & (block < complete_blocks[eng])
    block_key = pkey * 10_000 + block  # a block number never reaches 10,000 (800+ years)
    people_blocks = _distinct_count(eng[in_complete_block], block_key[in_complete_block], p.n)

    per_person = pd.Series(1.0, index=pkey[attended]).groupby(level=0).sum()
    person_eng = (per_person.index.to_numpy() // p.person_space).astype("int64")
    top = per_person.groupby(person_eng).max()

    ever = pd.Series(attended[invited]).groupby(pkey[invited]).max()
    ever_eng = (ever.index.to_numpy() // p.person_space).astype("int64")
    return {
        "client_people_per_month": _ratio(people_blocks, complete_blocks),
        "top_client_attendee_share": _ratio(_per_engagement(top, p.n), _count(eng, p.n, attended)),
        "invited_client_attended_share": _share(
            ever_eng, p.n, np.ones(len(ever), dtype=bool), ever.to_numpy(dtype=bool)
        ),
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
