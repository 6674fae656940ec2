"""The iCalendar adapter: recurrence, time zones, responses, counting, errors."""

from __future__ import annotations

import datetime as dt

import pytest

from engagement_analytics.adapters import AdapterError, read_ics

WEEKLY = """
UID:weekly-1
DTSTART;TZID=Europe/Paris:20250106T093000
DTEND;TZID=Europe/Paris:20250106T100000
RRULE:FREQ=WEEKLY;COUNT=5
EXDATE;TZID=Europe/Paris:20250113T093000
SUMMARY:[ENG-1] Weekly status
ORGANIZER;CN=Vic:mailto:Vic@Vendor.example
ATTENDEE;CN=Ann;PARTSTAT=ACCEPTED:mailto:ann@client.example
ATTENDEE;PARTSTAT=DECLINED:mailto:bob@client.example
ATTENDEE;CN=Cy;PARTSTAT=TENTATIVE:mailto:cy@client.example
ATTENDEE:mailto:dee@client.example
"""
MOVED = """
UID:weekly-1
RECURRENCE-ID;TZID=Europe/Paris:20250120T093000
DTSTART;TZID=Europe/Paris:20250121T140000
DTEND;TZID=Europe/Paris:20250121T150000
SUMMARY:[ENG-1] Weekly status (moved)
ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@client.example
"""
CANCELLED_ONE = """
UID:weekly-1
RECURRENCE-ID;TZID=Europe/Paris:20250127T093000
DTSTART;TZID=Europe/Paris:20250127T093000
DTEND;TZID=Europe/Paris:20250127T100000
STATUS:CANCELLED
SUMMARY:[ENG-1] Weekly status
"""


def test_recurrence_exdate_moved_and_cancelled_occurrences(make_ics, rules):
    path = make_ics("team.ics", WEEKLY, MOVED, CANCELLED_ONE)
    result = read_ics(path, rules=rules, until=dt.date(2025, 12, 31))
    meetings = result["meetings"].sort_values("start", ignore_index=True)
    # COUNT=5 from 6 Jan: 6, 13 (EXDATE), 20 (moved to 21 Jan), 27 (cancelled), 3 Feb.
    assert list(meetings["start"]) == [
        "2025-01-06T09:30:00+01:00",
        "2025-01-21T14:00:00+01:00",
        "2025-01-27T09:30:00+01:00",
        "2025-02-03T09:30:00+01:00",
    ]
    assert list(meetings["duration_minutes"]) == ["30", "60", "30", "30"]
    assert list(meetings["status"]) == ["held", "held", "cancelled", "held"]
    assert set(meetings["kind"]) == {"status"}
    assert set(meetings["engagement_id"]) == {"ENG-1"}
    assert meetings["meeting_id"].is_unique
    assert result.report.read == 4 and result.report.mapped == 4
    assert result.report.notes["cancelled"] == 1


def test_partstat_mapping_and_organizer(make_ics, rules):
    path = make_ics("one.ics", WEEKLY.replace("COUNT=5", "COUNT=1"))
    result = read_ics(path, rules=rules)
    attendance = result["attendance"].set_index("person_id")["response"].to_dict()
    assert attendance == {
        "ann@client.example": "accepted",
        "bob@client.example": "declined",
        "cy@client.example": "tentative",
        "dee@client.example": "none",  # no PARTSTAT means NEEDS-ACTION
    }
    assert set(result["attendance"]["attended"]) == {""}
    assert result["meetings"].at[0, "organizer_id"] == "vic@vendor.example"
    sides = result["stakeholders"].set_index("person_id")["side"].to_dict()
    assert sides["vic@vendor.example"] == "vendor" and sides["ann@client.example"] == "client"
    names = result["stakeholders"].set_index("person_id")["name"].to_dict()
    assert names["cy@client.example"] == "Cy"


def test_roster_gives_roles_and_spelling(make_ics, rules, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "engagement_id,person_id,side,role,name\n"
        "ENG-1,Ann@Client.example,client,executive_sponsor,Ann A\n"
        ",vic@vendor.example,vendor,partner,Vic V\n"
    )
    path = make_ics("one.ics", WEEKLY.replace("COUNT=5", "COUNT=1"))
    result = read_ics(path, rules=rules, roster=roster)
    roles = result["stakeholders"].set_index("person_id")["role"].to_dict()
    assert roles["Ann@Client.example"] == "executive_sponsor"
    assert roles["vic@vendor.example"] == "partner"
    assert roles["bob@client.example"] == "other"
    assert "Ann@Client.example" in set(result["attendance"]["person_id"])


def test_all_day_floating_unmatched_and_counts(make_ics, rules):
    path = make_ics(
        "mixed.ics",
        "UID:a\nDTSTART;VALUE=DATE:20250301\nSUMMARY:[ENG-1] offsite",
        "UID:b\nDTSTART:20250302T100000\nDURATION:PT45M\nSUMMARY:[ENG-1] floating",
        "UID:c\nDTSTART:20250303T100000Z\nDURATION:PT1H\nSUMMARY:Dentist",
        "UID:d\nDTSTART:20250304T100000Z\nSUMMARY:[ENG-1] no end",
        "UID:e\nDTSTART:20250305T100000Z\nDURATION:PT1H\nCATEGORIES:Other,Falcon\nSUMMARY:x",
        "UID:f\nDTSTART:20250306T100000Z\nDURATION:PT1H\nSUMMARY:y\n"
        "ATTENDEE:mailto:z@globex.example",
    )
    result = read_ics(path, rules=rules)
    report = result.report
    assert report.read == 6
    assert report.mapped == 3
    assert dict(report.skipped) == {"all_day": 1, "no_engagement_matched": 1, "no_duration": 1}
    assert report.notes["floating_time_read_in_UTC"] == 1
    assert report.balanced
    by_title = result["meetings"].set_index("title")
    assert by_title.at["[ENG-1] floating", "start"] == "2025-03-02T10:00:00+00:00"
    assert by_title.at["[ENG-1] floating", "duration_minutes"] == "45"
    assert by_title.at["x", "engagement_id"] == "ENG-2"
    assert by_title.at["y", "engagement_id"] == "ENG-3"
    listed = report.unmatched_frame()
    assert list(listed["uid"]) == ["c"] and list(listed["title"]) == ["Dentist"]


def test_until_cuts_open_series_and_counts_later_single_events(make_ics, rules):
    path = make_ics(
        "open.ics",
        "UID:s\nDTSTART:20250106T090000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY\nSUMMARY:[ENG-1] s",
        "UID:late\nDTSTART:20250301T090000Z\nDURATION:PT1H\nSUMMARY:[ENG-1] late",
    )
    result = read_ics(path, rules=rules, until=dt.date(2025, 1, 31))
    # Mondays 6, 13, 20, 27 January; the 1 March event is after --until.
    assert len(result["meetings"]) == 4
    assert result.report.skipped["after_until"] == 1
    assert result.report.read == 5


def test_meeting_ids_are_stable_across_exports(make_ics, rules):
    first = read_ics(make_ics("a.ics", WEEKLY), rules=rules)
    moved = WEEKLY.replace("20250106T093000", "20250106T110000").replace(
        "EXDATE;TZID=Europe/Paris:20250113T110000", "EXDATE;TZID=Europe/Paris:20250113T093000"
    )
    again = read_ics(make_ics("b.ics", WEEKLY), rules=rules)
    assert list(first["meetings"]["meeting_id"]) == list(again["meetings"]["meeting_id"])
    single = "UID:one\nDTSTART:20250106T090000Z\nDURATION:PT1H\nSUMMARY:[ENG-1] x"
    rescheduled = single.replace("20250106T090000Z", "20250108T150000Z")
    one = read_ics(make_ics("c.ics", single), rules=rules)["meetings"]["meeting_id"]
    two = read_ics(make_ics("d.ics", rescheduled), rules=rules)["meetings"]["meeting_id"]
    assert list(one) == list(two)  # a single event keeps its id when rescheduled
    assert moved != WEEKLY


def test_same_meeting_in_two_calendars_is_counted_once(make_ics, rules):
    event = "UID:shared\nDTSTART:20250106T090000Z\nDURATION:PT1H\nSUMMARY:[ENG-1] x\n"
    a = make_ics("a.ics", event + "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@client.example")
    b = make_ics("b.ics", event + "ATTENDEE;PARTSTAT=DECLINED:mailto:b@client.example")
    result = read_ics([a, b], rules=rules)
    assert len(result["meetings"]) == 1
    assert result.report.skipped["duplicate_meeting"] == 1
    assert sorted(result["attendance"]["person_id"]) == ["a@client.example", "b@client.example"]


def test_unknown_engagement_is_skipped_and_listed(make_ics, rules):
    path = make_ics("u.ics", "UID:u\nDTSTART:20250106T090000Z\nDURATION:PT1H\nSUMMARY:[ENG-9] x")
    result = read_ics(path, rules=rules, engagement_ids=["ENG-1"])
    assert result["meetings"].empty
    assert result.report.skipped["unknown_engagement"] == 1
    assert result.report.unmatched[0]["engagement"] == "ENG-9"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("UID:abc\nSUMMARY:no start", "bad.ics: VEVENT #2 (UID abc): DTSTART missing"),
        ("UID:abc\nDTSTART:2025-bad", "bad.ics: VEVENT #2 (UID abc): DTSTART unreadable"),
        (
            "UID:abc\nDTSTART:20250106T100000Z\nDTEND:20250106T090000Z",
            "bad.ics: VEVENT #2 (UID abc): DTEND 2025-01-06 09:00:00+00:00 is before DTSTART",
        ),
        (
            "UID:abc\nDTSTART:20250106T100000Z\nDTSTART:20250107T100000Z",
            "bad.ics: VEVENT #2 (UID abc): DTSTART appears 2 times",
        ),
        ("UID:abc\nDTSTART:20250106T100000Z\nRRULE:FREQ=SOMETIMES", "RRULE unreadable"),
    ],
)
def test_malformed_event_names_file_and_component(make_ics, rules, body, message):
    good = "UID:ok\nDTSTART:20250106T090000Z\nDURATION:PT1H\nSUMMARY:[ENG-1] x"
    path = make_ics("bad.ics", good, body)
    with pytest.raises(AdapterError) as caught:
        read_ics(path, rules=rules)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_not_a_calendar(tmp_path, rules):
    path = tmp_path / "notes.ics"
    path.write_text("hello\n")
    with pytest.raises(AdapterError, match=r"^notes\.ics: "):
        read_ics(path, rules=rules)
