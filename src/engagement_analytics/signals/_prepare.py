"""Preparing rows for aggregation: each table cut to the engagements' windows, people looked up.

Everything here is a relational operation: filter rows to each engagement's
window (a join on ``engagement_id`` plus a range predicate) and look people up
(a join on ``engagement_id, person_id``). Each step is written with
whole-column operations (no loop over engagements or meetings) so it maps
one-to-one onto SQL ``JOIN`` if it has to move to a database.

Engagements are addressed by their position ``eng`` (0..n-1) in the windows
frame and people by ``pkey = eng * n_people + person position``, integer keys
that keep the joins cheap on millions of attendance rows.

Conventions (tested):

- a row counts when dated on or before the window end (UTC calendar day);
  meetings and messages also from the window start on; commitments from any
  time (sales promises predate kickoff);
- a person is "client" or "vendor" when named as a stakeholder on that side
  of that engagement by the window end (``joined_on`` empty or not later);
  anyone else is unknown: counted, never an error.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._config import get_n_jobs
from .._contract import MEETING_KINDS, utc_offset_column
from ..bundle import Bundle
from ._windows import SECONDS_PER_DAY, day_numbers, epoch_seconds

__all__ = ["Prepared", "prepare"]

PERSON_FLAGS = ("client", "vendor", "sponsor", "change_agent", "champion")


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
        cannot be recognised; see ``_families.CLIENT_DEPENDENT``).
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


def prepare(bundle: Bundle, windows: pd.DataFrame) -> Prepared:
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
    # Arrow's hash joins, which release the GIL: with n_jobs > 1 two threads overlap them.
    with ThreadPoolExecutor(max_workers=1) if get_n_jobs() > 1 else nullcontext() as pool:
        invite_args = (bundle.attendance, bundle.meetings["meeting_id"], meetings, kept_position,
                       people, persons)
        invited = pool.submit(_prepare_invitations, *invite_args) if pool else None
        messages, replies = _prepare_messages(bundle.communications, eng_ids, start, end, people, persons)
        invitations = invited.result() if invited else _prepare_invitations(*invite_args)
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
        client_people=np.bincount(
            people["eng"].to_numpy("int64")[people["client"].to_numpy()], minlength=len(windows)
        ),
        meetings=meetings,
        invitations=invitations,
        messages=messages,
        replies=replies,
        commitments=_prepare_commitments(bundle.commitments, eng_ids, end),
        unknown_rows=unknown_rows,
        person_space=persons.size,
    )
