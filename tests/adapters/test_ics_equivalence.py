"""The ICS adapter's fast paths give exactly what the straightforward expansion gives.

``read_ics`` hands the recurrence expander small timing copies of each VEVENT
and skips it for plain single events. The oracle below is the straightforward
path, written here from the libraries alone: every VEVENT, with all its
properties, through ``recurring_ical_events``, each occurrence read as the docs
say (docs/adapters.md, "ICS"). Both must give the same meetings and attendance
on every calendar of the icalendar and recurring-ical-events test corpora that
imports, and on a calendar mixing the cases the fast paths treat differently.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import warnings
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events

from engagement_analytics.adapters import AdapterError, parse_rules, read_ics

CORPUS = sorted(
    list(Path(icalendar.__file__).parent.joinpath("tests").rglob("*.ics"))
    + list(Path(recurring_ical_events.__file__).parent.joinpath("test").rglob("*.ics"))
)
UNTIL = dt.date(2020, 12, 31)
UTC = dt.UTC
RESPONSES = {"ACCEPTED": "accepted", "DECLINED": "declined", "TENTATIVE": "tentative"}

MIXED = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//equivalence//EN
BEGIN:VEVENT
UID:series-1
DTSTART;TZID=Europe/Paris:20200106T090000
DURATION:PT1H
RRULE:FREQ=WEEKLY;COUNT=8
EXDATE;TZID=Europe/Paris:20200113T090000
SUMMARY:Weekly
ORGANIZER:mailto:Lead@Vendor.example
ATTENDEE;CN=Ann;PARTSTAT=ACCEPTED:mailto:ann@client.example
ATTENDEE;CUTYPE=ROOM:mailto:room@vendor.example
ATTENDEE;PARTSTAT=DELEGATED:mailto:bob@client.example
END:VEVENT
BEGIN:VEVENT
UID:single-1
DTSTART:20200107T100000Z
DTEND:20200107T110000Z
SUMMARY:Plain single
ATTENDEE;PARTSTAT=DECLINED:mailto:cy@client.example
END:VEVENT
BEGIN:VEVENT
UID:series-1
RECURRENCE-ID;TZID=Europe/Paris:20200120T090000
DTSTART;TZID=Europe/Paris:20200121T150000
DTEND;TZID=Europe/Paris:20200121T153000
SUMMARY:Weekly (moved)
ATTENDEE;PARTSTAT=TENTATIVE:mailto:ann@client.example
END:VEVENT
BEGIN:VEVENT
UID:series-1
RECURRENCE-ID;TZID=Europe/Paris:20200127T090000
DTSTART;TZID=Europe/Paris:20200127T090000
DTEND;TZID=Europe/Paris:20200127T100000
STATUS:CANCELLED
SUMMARY:Weekly
END:VEVENT
BEGIN:VEVENT
UID:floating-1
DTSTART:20200108T090000
DTEND:20200108T100000
SUMMARY:Floating
END:VEVENT
BEGIN:VEVENT
UID:allday-1
DTSTART;VALUE=DATE:20200109
SUMMARY:All day
END:VEVENT
BEGIN:VEVENT
UID:exdate-only
DTSTART:20200110T090000Z
DURATION:PT30M
EXDATE:20200110T090000Z
SUMMARY:Excluded by its own EXDATE
END:VEVENT
BEGIN:VEVENT
UID:two-zones
DTSTART;TZID=Europe/Paris:20200329T013000
DTEND;TZID=America/New_York:20200328T230000
SUMMARY:Ends in another zone
END:VEVENT
BEGIN:VEVENT
UID:dst-duration
DTSTART;TZID=Europe/Paris:20200329T013000
DURATION:PT2H
SUMMARY:Across the spring change
END:VEVENT
BEGIN:VEVENT
UID:twice
DTSTART:20200111T090000Z
DURATION:PT1H
SUMMARY:Same UID (first)
ATTENDEE:mailto:dee@client.example
END:VEVENT
BEGIN:VEVENT
UID:twice
DTSTART:20200112T090000Z
DURATION:PT1H
SUMMARY:Same UID (second)
ATTENDEE;PARTSTAT=ACCEPTED:mailto:dee@client.example
END:VEVENT
BEGIN:VEVENT
UID:no-end
DTSTART:20200113T090000Z
SUMMARY:No end
END:VEVENT
BEGIN:VEVENT
UID:late
DTSTART:20250113T090000Z
DURATION:PT1H
SUMMARY:After until
END:VEVENT
END:VCALENDAR
"""


def _oracle(path: Path, until: dt.date):
    """Meeting rows and attendance rows by full expansion, as docs/adapters.md says."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        calendars = icalendar.Calendar.from_ical(path.read_bytes(), multiple=True)
    events = [e for c in calendars for e in c.walk("VEVENT")]
    if not events or any(c.name != "VCALENDAR" for c in calendars) or any(
        "UID" not in e for e in events
    ):
        return None  # bare VEVENTs or missing UIDs: the adapter adds what the oracle lacks

    def utc(value):
        if not isinstance(value, dt.datetime):
            return dt.datetime.combine(value, dt.time(), tzinfo=UTC)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    first = min(utc(e["DTSTART"].dt) for e in events) - dt.timedelta(days=1)
    horizon = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=UTC)
    meetings, attendance = {}, {}
    for calendar in calendars:
        recurring = {
            str(e["UID"]) for e in calendar.walk("VEVENT")
            if "RRULE" in e or "RDATE" in e or "RECURRENCE-ID" in e
        }
        for occurrence in recurring_ical_events.of(calendar).between(first, horizon):
            start = occurrence["DTSTART"].dt
            if not isinstance(start, dt.datetime):
                continue
            start = start.replace(tzinfo=UTC) if start.tzinfo is None else start
            end = occurrence["DTEND"].dt if "DTEND" in occurrence else start
            minutes = (utc(end) - utc(start)).total_seconds() / 60
            if minutes <= 0:
                continue
            uid = str(occurrence["UID"])
            key = utc(occurrence["RECURRENCE-ID"].dt).isoformat() if uid in recurring else ""
            meeting_id = "ics-" + hashlib.sha256(f"{uid}\x1f{key}".encode()).hexdigest()[:16]
            organizer = str(occurrence.get("ORGANIZER", "")).strip()
            organizer = organizer[7:] if organizer[:7].lower() == "mailto:" else organizer
            meetings.setdefault(meeting_id, (
                start.replace(microsecond=0).isoformat(),
                minutes,
                str(occurrence.get("SUMMARY", "")),
                organizer.casefold() if "@" in organizer else "",
                "cancelled" if str(occurrence.get("STATUS", "")).upper() == "CANCELLED" else "held",
            ))
            attendees = occurrence.get("ATTENDEE", [])
            for attendee in attendees if isinstance(attendees, list) else [attendees]:
                params = attendee.params
                if str(params.get("CUTYPE", "")).upper() in ("ROOM", "RESOURCE"):
                    continue
                email = str(attendee).strip()
                email = email[7:] if email[:7].lower() == "mailto:" else email
                if "@" not in email:
                    continue
                response = RESPONSES.get(str(params.get("PARTSTAT", "")).upper(), "none")
                row = (meeting_id, email.casefold())
                attendance[row] = attendance.get(row) or response
    return meetings, attendance


def _adapter(path: Path, until: dt.date):
    rules = parse_rules({"engagement_rules": [{"title_regex": ".*", "engagement": "ENG-1"}]})
    try:
        result = read_ics(path, rules=rules, until=until)
    except AdapterError:
        return None
    meetings = {
        row.meeting_id: (row.start, float(row.duration_minutes), row.title,
                         row.organizer_id, row.status)
        for row in result["meetings"].itertuples(index=False)
    }
    attendance = {
        (row.meeting_id, row.person_id): row.response
        for row in result["attendance"].itertuples(index=False)
    }
    return meetings, attendance


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_calendars_give_what_full_expansion_gives(path):
    got = _adapter(path, UNTIL)
    if got is None:
        pytest.skip("does not import (covered by test_ics_corpus)")
    expected = _oracle(path, UNTIL)
    if expected is None:
        pytest.skip("bare VEVENTs or VEVENTs without UID")
    assert got == expected


def test_mixed_calendar_gives_what_full_expansion_gives(tmp_path):
    path = tmp_path / "mixed.ics"
    path.write_bytes(MIXED.replace("\n", "\r\n").encode())
    got = _adapter(path, UNTIL)
    assert got == _oracle(path, UNTIL)
    meetings, attendance = got
    # Weekly x8 minus the EXDATE = 7 (one moved, one cancelled), plain single,
    # floating, ends-in-another-zone, DST duration, 'twice' (one id) = 12;
    # not there: all-day, EXDATE-only, no-end, after-until.
    assert len(meetings) == 12
    assert sorted(m[4] for m in meetings.values()).count("cancelled") == 1
    assert ("bob@client.example" in {p for _, p in attendance})
    assert "room@vendor.example" not in {p for _, p in attendance}


def test_x_wr_timezone_moves_single_events_too(tmp_path):
    # Google writes UTC times and names the calendar's zone in X-WR-TIMEZONE.
    path = tmp_path / "google.ics"
    path.write_bytes(MIXED.replace("VERSION:2.0", "VERSION:2.0\nX-WR-TIMEZONE:Europe/Paris")
                     .replace("\n", "\r\n").encode())
    meetings, _ = _adapter(path, UNTIL)
    assert meetings == _oracle(path, UNTIL)[0]
    starts = {m[2]: m[0] for m in meetings.values()}
    assert starts["Plain single"] == "2020-01-07T11:00:00+01:00"  # 10:00Z in Paris


@pytest.mark.parametrize("was_enabled", [True, False])
def test_garbage_collector_is_left_as_found(tmp_path, was_enabled):
    # read_ics pauses the collector while it parses; it must restore it, even on error.
    good, bad = tmp_path / "good.ics", tmp_path / "bad.ics"
    good.write_bytes(MIXED.replace("\n", "\r\n").encode())
    bad.write_bytes(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    rules = parse_rules({"engagement_rules": [{"title_regex": ".*", "engagement": "ENG-1"}]})
    enabled_before = gc.isenabled()
    try:
        gc.enable() if was_enabled else gc.disable()
        read_ics(good, rules=rules, until=UNTIL)
        after_success = gc.isenabled()
        with pytest.raises(AdapterError, match="DTSTART missing"):
            read_ics(bad, rules=rules)
        after_error = gc.isenabled()
    finally:
        gc.enable() if enabled_before else gc.disable()
    assert after_success is was_enabled
    assert after_error is was_enabled
