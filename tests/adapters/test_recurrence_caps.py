"""Recurring events are expanded lazily and cut at documented caps, never to a MemoryError."""

from __future__ import annotations

import datetime as dt
import time

import icalendar
import pandas as pd
import pytest
import recurring_ical_events
from dateutil import rrule as dateutil_rrule

from engagement_analytics.adapters import AdapterError, parse_rules, read_ics

ENG_RULES = {"engagement_rules": [{"title_regex": r"\[(ENG-\d+)\]"}]}

#: More rule starts than any test here needs (the unbounded expansion makes ten million).
STARTS_GUARD = 50_000

SECONDLY_BOMB = (
    "UID:bomb@hostile.example\nDTSTAMP:20250101T000000Z\nDTSTART:20250101T000000Z\n"
    "DTEND:20250101T000001Z\nSUMMARY:[ENG-1] bomb\nRRULE:FREQ=SECONDLY;COUNT=10000000"
)


@pytest.fixture
def starts_guard(monkeypatch):
    """Fail the test once dateutil has generated STARTS_GUARD rule starts in all.

    Expanding a rule eagerly (what made the 333-byte file take 104 s and
    2.5 GB) trips this after a fraction of a second instead.
    """
    original = dateutil_rrule.rrule._iter
    generated = [0]

    def counted(self):
        for start in original(self):
            generated[0] += 1
            if generated[0] > STARTS_GUARD:
                raise AssertionError(f"more than {STARTS_GUARD} rule starts generated")
            yield start

    monkeypatch.setattr(dateutil_rrule.rrule, "_iter", counted)
    return generated


def _rules(**ics):
    return parse_rules(dict(ENG_RULES, ics=ics) if ics else ENG_RULES, source="r.yaml")


def _daily(uid: str, count: int, extra: str = "") -> str:
    return (f"UID:{uid}\nDTSTART:20250106T090000Z\nDURATION:PT1H\n"
            f"SUMMARY:[ENG-1] {uid}\nRRULE:FREQ=DAILY;COUNT={count}{extra}")


def test_secondly_count_bomb_is_cut_at_the_default_cap_in_bounded_time(
    make_ics, rules, starts_guard
):
    path = make_ics("bomb.ics", SECONDLY_BOMB)
    assert path.stat().st_size < 400
    began = time.perf_counter()
    report = read_ics(path, rules=rules).report
    elapsed = time.perf_counter() - began
    cap = rules.max_occurrences_per_series
    assert cap == 10_000  # the documented default
    assert report.read == report.mapped == cap
    assert report.notes[f"recurring_series_cut_at_{cap}_occurrences"] == 1
    assert report.balanced
    assert starts_guard[0] <= 2 * (cap + 1)
    assert elapsed < 20, f"{elapsed:.1f} s"


def test_open_ended_secondly_series_next_to_a_later_event_is_cut(make_ics, starts_guard):
    later = "UID:later\nDTSTART:20260101T000000Z\nDURATION:PT1H\nSUMMARY:[ENG-1] later"
    open_ended = SECONDLY_BOMB.replace(";COUNT=10000000", "")
    path = make_ics("open.ics", open_ended, later)
    report = read_ics(path, rules=_rules(max_occurrences_per_series=25)).report
    assert report.read == report.mapped == 25 + 1
    assert report.notes["recurring_series_cut_at_25_occurrences"] == 1
    assert report.notes["open_ended_series_cut_at_2026-01-01"] == 1
    assert report.balanced


def test_series_and_import_caps_are_counted_per_series(make_ics, starts_guard):
    single = "UID:single\nDTSTART:20250106T120000Z\nDURATION:PT1H\nSUMMARY:[ENG-1] single"
    series = [_daily(f"s{i}", 100) for i in range(1, 5)]
    path = make_ics("caps.ics", *series, single)
    report = read_ics(
        path, rules=_rules(max_occurrences_per_series=50, max_occurrences_per_import=120)
    ).report
    # s1 and s2 give 50 each, s3 the 20 left, s4 none; the single event is never capped.
    assert report.read == report.mapped == 50 + 50 + 20 + 0 + 1
    assert report.notes["recurring_series_cut_at_50_occurrences"] == 2
    assert report.notes["recurring_series_cut_by_import_cap_of_120_occurrences"] == 2
    assert report.balanced


def test_import_cap_is_shared_by_all_files_of_one_import(make_ics, starts_guard):
    files = [make_ics(f"{i}.ics", _daily(f"f{i}", 30)) for i in range(3)]
    report = read_ics(files, rules=_rules(max_occurrences_per_import=70)).report
    assert report.read == 30 + 30 + 10
    assert report.notes["recurring_series_cut_by_import_cap_of_70_occurrences"] == 1


@pytest.mark.parametrize(("count", "cut"), [(55, False), (56, True)])
def test_a_capped_series_keeps_its_first_occurrences_and_exdates_do_not_count(
    make_ics, count, cut, starts_guard
):
    excluded = [dt.date(2025, 1, 6) + dt.timedelta(days=d) for d in (0, 3, 10, 20, 40)]
    exdate = "\nEXDATE:" + ",".join(f"{d:%Y%m%d}T090000Z" for d in excluded)
    path = make_ics("ex.ics", _daily("ex", count) + exdate)
    result = read_ics(path, rules=_rules(max_occurrences_per_series=50))
    days = [dt.date(2025, 1, 6) + dt.timedelta(days=d) for d in range(count)]
    expected = [d for d in days if d not in excluded][:50]
    starts = sorted(pd.to_datetime(result["meetings"]["start"]).dt.date)
    assert starts == expected
    assert result.report.notes["recurring_series_cut_at_50_occurrences"] == int(cut)


def test_moved_occurrences_count_once_within_the_cap(make_ics, starts_guard):
    moved = ("UID:mv\nRECURRENCE-ID:20250107T090000Z\nDTSTART:20250107T150000Z\n"
             "DURATION:PT1H\nSUMMARY:[ENG-1] moved")
    path = make_ics("mv.ics", _daily("mv", 10), moved)
    report = read_ics(path, rules=_rules(max_occurrences_per_series=5)).report
    assert report.read == 5
    assert report.notes["recurring_series_cut_at_5_occurrences"] == 1


@pytest.mark.parametrize("value", [0, -1, True, 2.5, "many"])
def test_cap_options_must_be_whole_numbers_of_at_least_one(value):
    with pytest.raises(AdapterError, match=r"^r\.yaml: ics\.max_occurrences_per_series: "):
        _rules(max_occurrences_per_series=value)


def test_unknown_ics_option_is_refused():
    with pytest.raises(AdapterError, match=r"ics\.max_occurrences: unknown key"):
        _rules(max_occurrences=5)


def test_cli_imports_the_bomb_and_prints_the_cut(make_ics, import_ics, starts_guard):
    path = make_ics("bomb.ics", SECONDLY_BOMB)
    code, out, err, bundle = import_ics(path, "ics:\n  max_occurrences_per_series: 20\n")
    assert code == 0, err
    assert "event occurrences read: 20" in out
    assert "note (recurring_series_cut_at_20_occurrences): 1" in out
    assert len(pd.read_csv(bundle / "meetings.csv")) == 20


@pytest.mark.parametrize(
    "rule",
    ["FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31",
     "FREQ=MINUTELY;BYYEARDAY=367", "FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=30,31"],
)
def test_a_rule_matching_no_day_is_given_up_at_once(make_ics, rule):
    # dateutil scans day by day to the year 9999 before it gives up: seconds per rule.
    event = SECONDLY_BOMB.replace("RRULE:FREQ=SECONDLY;COUNT=10000000", f"RRULE:{rule}")
    path = make_ics("never.ics", event, event.replace("UID:bomb", "UID:bomb2"))
    began = time.perf_counter()
    report = read_ics(path, rules=_rules(), until=dt.date(2026, 1, 1)).report
    assert time.perf_counter() - began < 1.5
    assert report.read == report.mapped == 2  # each series' DTSTART, its only occurrence


def test_day_filtered_rules_still_give_every_occurrence(make_ics):
    leap_days = ("UID:leap\nDTSTART:20250101T090000Z\nDURATION:PT1H\nSUMMARY:[ENG-1] leap\n"
                 "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;COUNT=3")
    weekdays = ("UID:wd\nDTSTART:20250106T090000Z\nDURATION:PT1H\nSUMMARY:[ENG-1] wd\n"
                "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;BYMONTH=3;COUNT=9")
    path = make_ics("filtered.ics", leap_days, weekdays)
    starts = pd.to_datetime(read_ics(path, rules=_rules())["meetings"]["start"], utc=True)
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    expected = [o["DTSTART"].dt for o in recurring_ical_events.of(calendar).between(
        dt.datetime(2024, 1, 1, tzinfo=dt.UTC), dt.datetime(2040, 1, 1, tzinfo=dt.UTC))]
    assert sorted(starts) == sorted(pd.to_datetime(expected, utc=True))
    assert len(expected) == 2 + 3 + 9  # both DTSTARTs (outside the filters) and the rules' starts
