"""The rules every signal keeps: as-of, outcome-blind, windows, attendance, missing tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from engagement_analytics import signals


def _truncate(tables: dict[str, pd.DataFrame], day: str) -> dict[str, pd.DataFrame]:
    """The bundle as it stood at the end of ``day``: every later row deleted."""
    last = pd.Timestamp(day)
    cutoff = (last + pd.Timedelta(days=1)).tz_localize("UTC")  # "on or before D", in UTC

    def dates(frame, column):
        return pd.to_datetime(frame[column])

    eng = tables["engagements"]
    eng = eng.loc[dates(eng, "start_date") <= last].copy()
    closes_later = dates(eng, "closed_date") > last
    eng.loc[closes_later, ["closed_date", "outcome"]] = None
    ids = set(eng["engagement_id"])

    st = tables["stakeholders"]
    st = st.loc[st["engagement_id"].isin(ids) & ~(dates(st, "joined_on") > last)].copy()
    st.loc[dates(st, "left_on") > last, "left_on"] = None

    mt = tables["meetings"]
    starts = pd.to_datetime(mt["start"], utc=True, format="ISO8601")
    mt = mt.loc[mt["engagement_id"].isin(ids) & (starts < cutoff)]
    at = tables["attendance"]
    at = at.loc[at["meeting_id"].isin(mt["meeting_id"])]

    cm = tables["commitments"]
    cm = cm.loc[cm["engagement_id"].isin(ids) & (dates(cm, "made_on") <= last)].copy()
    done_later = dates(cm, "done_on") > last
    cm.loc[done_later, "done_on"] = None
    cm.loc[done_later, "status"] = "open"

    ms = tables["communications"]
    sent = pd.to_datetime(ms["sent_at"], utc=True, format="ISO8601")
    ms = ms.loc[ms["engagement_id"].isin(ids) & (sent < cutoff)]
    return {"engagements": eng, "stakeholders": st, "meetings": mt, "attendance": at,
            "commitments": cm, "communications": ms}


@pytest.mark.parametrize("day", ["2025-01-20", "2025-02-15", "2025-03-31", "2025-05-10"])
def test_as_of_equals_bundle_with_later_rows_deleted(random_tables, loader, day):
    full = signals.compute(loader(random_tables), as_of=day)
    truncated = signals.compute(loader(_truncate(random_tables, day)), as_of=day)
    assert len(full) > 0
    assert full.notna().to_numpy().sum() > 3 * len(full)  # the comparison is not all NaN
    pd.testing.assert_frame_equal(full, truncated)


def test_as_of_on_the_tiny_bundle(tiny_tables, loader, as_of):
    full = signals.compute(loader(tiny_tables), as_of=as_of)
    truncated = signals.compute(loader(_truncate(tiny_tables, as_of)), as_of=as_of)
    pd.testing.assert_frame_equal(full, truncated)


def test_outcomes_change_nothing(random_tables, loader):
    base = signals.compute(loader(random_tables), at_fraction=0.6)
    eng = random_tables["engagements"]
    closed = eng["closed_date"].notna()
    assert closed.sum() >= 3
    for outcomes in (np.roll(eng.loc[closed, "outcome"].to_numpy(), 1), "failed", "success"):
        changed = dict(random_tables, engagements=eng.copy())
        changed["engagements"].loc[closed, "outcome"] = outcomes
        pd.testing.assert_frame_equal(base, signals.compute(loader(changed), at_fraction=0.6))


def test_closed_date_only_bounds_the_window(random_tables, loader):
    # every closed date is 20+ days after the start: the first 2 weeks never reach it
    base = signals.compute(loader(random_tables), first_weeks=2, as_of="2026-01-01")
    reopened = dict(random_tables, engagements=random_tables["engagements"].copy())
    reopened["engagements"][["closed_date", "outcome"]] = None
    pd.testing.assert_frame_equal(
        base, signals.compute(loader(reopened), first_weeks=2, as_of="2026-01-01")
    )


def test_closed_engagement_is_measured_to_its_closed_date(tiny_tables, loader, as_of):
    closed = dict(tiny_tables, engagements=tiny_tables["engagements"].copy())
    closed["engagements"].loc[0, ["closed_date", "outcome"]] = ["2025-02-01", "failed"]
    after_close = signals.compute(loader(closed), as_of=as_of).loc["E1"]
    active_then = signals.compute(loader(tiny_tables), as_of="2025-02-01").loc["E1"]
    pd.testing.assert_series_equal(after_close, active_then)
    # E1 from 2025-01-06 to 2025-02-01 is 27 days
    assert signals.windows(loader(closed), as_of=as_of).loc["E1", "elapsed_days"] == 27


def test_windows_by_hand(tiny_tables, loader):
    bundle = loader(tiny_tables)
    ts = pd.Timestamp
    plain = signals.windows(bundle, as_of="2025-03-02")
    assert list(plain.index) == ["E1", "E2"]
    assert plain.loc["E1"].tolist() == [ts("2025-01-06"), ts("2025-03-02"), 56.0]
    assert plain.loc["E2"].tolist() == [ts("2025-02-17"), ts("2025-03-02"), 14.0]
    weeks = signals.windows(bundle, as_of="2025-03-02", first_weeks=2)
    assert weeks.loc["E1"].tolist() == [ts("2025-01-06"), ts("2025-01-19"), 14.0]
    assert weeks.loc["E2"].tolist() == [ts("2025-02-17"), ts("2025-03-02"), 14.0]
    # planned spans: E1 111 days -> floor(27.75) = 27; E2 133 -> 33; E3 112 -> 28
    quarter = signals.windows(bundle, as_of="2025-06-30", at_fraction=0.25)
    assert quarter["window_end"].tolist() == [ts("2025-02-02"), ts("2025-03-22"), ts("2025-04-07")]
    assert quarter["elapsed_days"].tolist() == [28.0, 34.0, 29.0]
    assert str(quarter["window_end"].dtype) == "datetime64[ns]"


def test_first_weeks_makes_lengths_comparable(tiny_tables, loader):
    two_weeks = signals.compute(loader(tiny_tables), first_weeks=2, as_of="2025-06-30")
    assert two_weeks.loc["E1", "days_to_first_steering_share"] == pytest.approx(2 / 14)
    assert math.isnan(two_weeks.loc["E1", "discovery_meetings_first_3_weeks"])  # 14 < 21 days
    assert "first 2 weeks" in two_weeks.attrs["window"]
    pd.testing.assert_series_equal(
        two_weeks.loc["E1"], signals.compute(loader(tiny_tables), as_of="2025-01-19").loc["E1"]
    )


def test_cancelled_meetings_are_never_attended(tiny_tables, loader, as_of):
    # the change agent also marked present at the cancelled steering meeting M5 (d28)
    extra = pd.DataFrame([("M5", "ca", "accepted", "true")], columns=tiny_tables["attendance"].columns)
    cancelled = dict(tiny_tables, attendance=pd.concat([tiny_tables["attendance"], extra]))
    result = signals.compute(loader(cancelled), as_of=as_of).loc["E1"]
    # cancelled: nobody attended M5, so it is not a steering meeting the client side came to
    assert result["sponsor_steering_attendance_rate"] == pytest.approx(1 / 2)  # M1 yes, M8 no
    held = dict(cancelled, meetings=tiny_tables["meetings"].copy())
    held["meetings"].loc[held["meetings"]["meeting_id"] == "M5", "status"] = "held"
    result = signals.compute(loader(held), as_of=as_of).loc["E1"]
    # held: steering M1, M5, M8 with the change agent there -> sponsor at M1 and M5
    assert result["sponsor_steering_attendance_rate"] == pytest.approx(2 / 3)


def test_empty_attended_counts_only_accepted(tiny_tables, loader, as_of):
    tentative = dict(tiny_tables, attendance=tiny_tables["attendance"].copy())
    att = tentative["attendance"]
    att.loc[(att["meeting_id"] == "M1") & (att["person_id"] == "sp"), "response"] = "tentative"
    result = signals.compute(loader(tentative), as_of=as_of).loc["E1"]
    assert result["sponsor_steering_attendance_rate"] == 0.0  # M1 no longer attended, M8 declined


def test_unknown_people_never_crash(tiny_tables, loader, as_of):
    strangers = dict(tiny_tables)
    strangers["meetings"] = tiny_tables["meetings"].assign(organizer_id="nobody")
    strangers["attendance"] = tiny_tables["attendance"].assign(
        person_id=[f"ghost{i}" for i in range(len(tiny_tables["attendance"]))]
    )
    result = signals.compute(loader(strangers), as_of=as_of)
    assert result.loc["E1", "client_organized_meeting_share"] == 0.0  # 8 held, none by client
    assert math.isnan(result.loc["E1", "top_client_attendee_share"])
    # attendance rows of E1's in-window meetings: M1 3, M2 3, M3 3, M4 4, M5 1, M6 1, M7 2,
    # M8 3, M9 3, M11 1 = 24, all unknown people
    assert result.attrs["unknown_person_rows"]["attendance"] == 24
    assert result.attrs["unknown_person_rows"]["meetings (organizer)"] == 10


def test_missing_commitments(tiny_tables, loader, as_of):
    without = {k: v for k, v in tiny_tables.items() if k != "commitments"}
    result = signals.compute(loader(without), as_of=as_of)
    family = ["client_commitment_share", "client_on_time_rate", "client_overdue_share"]
    assert result[family + ["sales_promises_per_100_sold_days"]].isna().all().all()
    assert result.attrs["unavailable"] == {
        "sales_promises_per_100_sold_days": "no commitments table in the bundle",
        "commitment_reciprocity": "no commitments table in the bundle",
    }
    assert result.loc["E1", "effort_estimate_to_sold_ratio"] == 1.25  # the rest still measured


def test_missing_communications(tiny_tables, loader, as_of):
    without = {k: v for k, v in tiny_tables.items() if k != "communications"}
    result = signals.compute(loader(without), as_of=as_of)
    replies = ["vendor_median_reply_hours", "vendor_instant_or_after_hours_reply_share"]
    assert result[replies].isna().all().all()
    assert set(result.attrs["unavailable"]) == set(replies)
    assert "going_dark" in result.attrs["partial"]
    # meetings only: client seen d2,3,10,14,25,35,42,49,55 -> longest d15..24 = 10 days
    assert result.loc["E1", "client_longest_silence_days"] == 10.0
    assert result.loc["E1", "adhoc_meetings_per_week"] == pytest.approx(1 / 8)


def test_missing_both_optional_tables(tiny_tables, loader, as_of):
    required = {k: tiny_tables[k] for k in ("engagements", "stakeholders", "meetings", "attendance")}
    result = signals.compute(loader(required), as_of=as_of)
    assert set(result.attrs["unavailable"]) == {
        "sales_promises_per_100_sold_days", "commitment_reciprocity",
        "vendor_median_reply_hours", "vendor_instant_or_after_hours_reply_share",
    }
    assert result.loc["E1", "sponsor_decline_rate"] == pytest.approx(1 / 3)


def test_default_as_of_is_the_data_horizon(tiny_tables, loader):
    result = signals.compute(loader(tiny_tables))
    # latest dated row: M12 on 2025-03-11 (E3 starts 2025-03-10, done_on 2025-03-10)
    assert result.attrs["window"].startswith(
        "each engagement from its start, as of 2025-03-11 (the latest date in the bundle)"
    )
    assert list(result.index) == ["E1", "E2", "E3"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"first_weeks": 2, "at_fraction": 0.5}, "mutually exclusive"),
        ({"first_weeks": 0}, "first_weeks"),
        ({"first_weeks": 1.5}, "first_weeks"),
        ({"at_fraction": -0.1}, "at_fraction"),
        ({"as_of": "the day after"}, "as_of"),
    ],
)
def test_bad_options(tiny_tables, loader, options, message):
    with pytest.raises(ValueError, match=message):
        signals.compute(loader(tiny_tables), **options)


def test_over_time(tiny_tables, loader, as_of):
    history = signals.over_time(
        loader(tiny_tables), engagement_ids=["E1"], as_of=as_of,
        signals=["days_to_first_steering_share", "discovery_meetings_first_3_weeks"],
    )
    assert list(history.columns) == ["engagement_id", "as_of", "week", "signal", "value"]
    assert len(history) == 8 * 2  # 56 days = 8 weekly steps, 2 signals
    wide = history.pivot(index="week", columns="signal", values="value")
    # week 1 (days 0-6): first steering on d2 -> 2/7; week 8: 2/56
    assert wide.loc[1.0, "days_to_first_steering_share"] == pytest.approx(2 / 7)
    assert wide.loc[8.0, "days_to_first_steering_share"] == pytest.approx(2 / 56)
    # 3 weeks are needed before discovery is measured; M2 and M3 by then
    assert wide["discovery_meetings_first_3_weeks"].isna().tolist()[:2] == [True, True]
    assert wide.loc[3.0, "discovery_meetings_first_3_weeks"] == 2.0
    ends = history.drop_duplicates("week")["as_of"]
    assert ends.iloc[0] == pd.Timestamp("2025-01-12") and ends.iloc[-1] == pd.Timestamp(as_of)


def test_over_time_rejects_unknown_input(tiny_tables, loader):
    bundle = loader(tiny_tables)
    with pytest.raises(ValueError, match="not in the bundle"):
        signals.over_time(bundle, engagement_ids=["nope"])
    with pytest.raises(ValueError, match="unknown signals"):
        signals.over_time(bundle, engagement_ids=["E1"], signals=["made_up"])


def test_no_meetings_and_no_organizers(tiny_tables, loader, as_of):
    bare = dict(tiny_tables)
    bare["meetings"] = tiny_tables["meetings"].iloc[:0]
    bare["attendance"] = tiny_tables["attendance"].iloc[:0]
    bare["communications"] = tiny_tables["communications"].iloc[:0]
    result = signals.compute(loader(bare), as_of=as_of)
    assert result.loc["E1", "client_longest_silence_days"] == 56.0  # 56 of 56 days silent
    assert result.loc["E1", "client_days_since_last_activity"] == 56.0  # never active
    assert math.isnan(result.loc["E1", "client_people_per_meeting"])  # no meeting to count at
    assert math.isnan(result.loc["E1", "sponsor_steering_attendance_rate"])
    assert math.isnan(result.loc["E1", "vendor_median_reply_hours"])
    assert result.loc["E1", "client_overdue_share"] == pytest.approx(2 / 4)  # commitments remain

    unorganised = dict(tiny_tables, meetings=tiny_tables["meetings"].assign(organizer_id=None))
    result = signals.compute(loader(unorganised), as_of=as_of)
    assert math.isnan(result.loc["E1", "client_organized_meeting_share"])
    assert result.loc["E1", "adhoc_meetings_per_week"] == pytest.approx(1 / 8)  # M7 all the same


def test_an_as_of_date_before_every_start_gives_an_empty_table_not_an_error():
    from engagement_analytics import load_bundle, signals

    bundle = load_bundle("data/sample")
    table = signals.compute(bundle, as_of="2020-01-01")
    assert table.empty and list(table.columns) == list(signals.catalog()["signal"])
    assert "2020-01-01" in table.attrs["window"]
