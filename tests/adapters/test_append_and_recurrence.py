"""Appending to a bundle case-insensitively, repeated Zoom reports, cut series, floating times."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from engagement_analytics.adapters import (
    AdapterResult,
    ImportReport,
    parse_rules,
    read_ics,
    read_zoom,
    write_bundle,
)
from engagement_analytics.cli import main

ZOOM_BLOCK = (
    "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\n"
    "123 4567 8901,[ENG-1] Weekly status,03/04/2025 09:29:00 AM,03/04/2025 10:31:00 AM,"
    "vic@vendor.example,62,3\n"
    "\n"
)
ZOOM_TABLE = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
ANN = "Ann Client,ann@client.example,03/04/2025 09:30:00 AM,03/04/2025 10:30:00 AM,60,Yes\n"
VIC = "Vic Vendor,vic@vendor.example,03/04/2025 09:29:00 AM,03/04/2025 10:31:00 AM,62,No\n"
ENG_RULES = {"engagement_rules": [{"title_regex": r"\[(ENG-\d+)\]"}]}


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _run(*args: str) -> int:
    with pytest.raises(SystemExit) as caught:
        main(list(args))
    return caught.value.code


def _bundle(tmp_path: Path, stakeholders: str) -> Path:
    out = tmp_path / "bundle"
    out.mkdir()
    (out / "engagements.csv").write_text(
        "engagement_id,client,start_date,planned_end_date,sold_effort_days\n"
        "ENG-1,Acme,2025-01-01,2025-12-31,100\n"
    )
    (out / "stakeholders.csv").write_text("engagement_id,person_id,side,role,name\n" + stakeholders)
    return out


def test_append_matches_person_ids_case_insensitively(tmp_path):
    out = _bundle(tmp_path, "ENG-1,Anna.Fischer@Client.example,client,executive_sponsor,Anna\n")
    (out / "attendance.csv").write_text(
        "meeting_id,person_id,response,attended\nM1,Anna.Fischer@Client.example,accepted,\n"
    )
    stakeholders = pd.DataFrame({"engagement_id": ["ENG-1"],
                                 "person_id": ["anna.fischer@client.example"],
                                 "side": ["client"], "role": ["other"], "name": [""]})
    attendance = pd.DataFrame({"meeting_id": ["M1"], "person_id": [" anna.fischer@client.example"],
                               "response": [""], "attended": ["true"]})
    tables = {"stakeholders": stakeholders, "attendance": attendance}
    counts = write_bundle(AdapterResult(tables, ImportReport("zoom", "rows")), out)
    counts = counts.set_index("table")
    assert counts.at["stakeholders", "added"] == 0
    assert counts.at["attendance", "added"] == 0 and counts.at["attendance", "updated"] == 1
    assert _csv(out / "stakeholders.csv").values.tolist() == [
        ["ENG-1", "Anna.Fischer@Client.example", "client", "executive_sponsor", "Anna"]
    ]
    assert _csv(out / "attendance.csv").values.tolist() == [
        ["M1", "Anna.Fischer@Client.example", "accepted", "true"]
    ]


def test_cli_uses_the_bundle_stakeholders_as_roster(tmp_path, capsys):
    out = _bundle(tmp_path, "ENG-1,Anna.Fischer@Client.example,client,executive_sponsor,"
                            "Anna Fischer\n")
    rules = tmp_path / "rules.yaml"
    rules.write_text("engagement_rules:\n  - title_regex: '\\[(ENG-\\d+)\\]'\n")
    report = tmp_path / "participants_123.csv"
    # Anna joined by phone: no e-mail, only the name the bundle lists.
    report.write_text(ZOOM_BLOCK + ZOOM_TABLE + VIC
                      + "Anna Fischer,,03/04/2025 09:31:00 AM,03/04/2025 10:00:00 AM,29,Yes\n")
    assert _run("import", "zoom", str(report), "--rules", str(rules), "--out", str(out)) in (0, None)
    stakeholders = _csv(out / "stakeholders.csv").set_index("person_id")["role"].to_dict()
    assert stakeholders == {"Anna.Fischer@Client.example": "executive_sponsor",
                            "vic@vendor.example": "other"}
    attended = set(_csv(out / "attendance.csv")["person_id"])
    assert attended == {"Anna.Fischer@Client.example", "vic@vendor.example"}


def test_zoom_two_reports_of_one_meeting_make_one_meeting(tmp_path):
    first = tmp_path / "participants_123.csv"
    again = tmp_path / "participants_123 (1).csv"
    first.write_text(ZOOM_BLOCK + ZOOM_TABLE + ANN + VIC)
    again.write_text(ZOOM_BLOCK + ZOOM_TABLE + ANN + VIC)
    result = read_zoom([first, again], rules=parse_rules(ENG_RULES))
    assert len(result["meetings"]) == 1
    attendance = result["attendance"]
    assert sorted(attendance["person_id"]) == ["ann@client.example", "vic@vendor.example"]
    assert set(attendance["meeting_id"]) == set(result["meetings"]["meeting_id"])
    report = result.report
    assert (report.read, report.mapped) == (4, 4)
    assert report.notes["duplicate_report"] == 1


def test_zoom_reports_with_other_zoom_ids_stay_two_meetings(tmp_path):
    first = tmp_path / "a.csv"
    other = tmp_path / "b.csv"
    first.write_text(ZOOM_BLOCK + ZOOM_TABLE + ANN)
    other.write_text(ZOOM_BLOCK.replace("123 4567 8901", "999 0000 1111") + ZOOM_TABLE + ANN)
    result = read_zoom([first, other], rules=parse_rules(ENG_RULES))
    assert len(result["meetings"]) == 2 and len(result["attendance"]) == 2
    assert result.report.notes["duplicate_report"] == 0


def test_zoom_two_reports_of_a_calendar_meeting_mark_absence_once(tmp_path):
    with_ann = tmp_path / "a.csv"
    without_ann = tmp_path / "b.csv"
    with_ann.write_text(ZOOM_BLOCK + ZOOM_TABLE + ANN + VIC)
    without_ann.write_text(ZOOM_BLOCK + ZOOM_TABLE + VIC)
    meetings = pd.DataFrame({"meeting_id": ["M1"], "engagement_id": ["ENG-1"],
                             "start": ["2025-03-04T09:30:00Z"]})
    invited = pd.DataFrame({"meeting_id": ["M1", "M1"],
                            "person_id": ["Ann@Client.example", "dee@client.example"]})
    result = read_zoom([with_ann, without_ann], rules=parse_rules(ENG_RULES),
                       meetings=meetings, attendance=invited)
    rows = result["attendance"][["person_id", "attended"]].values.tolist()
    assert sorted(rows) == [["ann@client.example", "true"], ["dee@client.example", "false"],
                            ["vic@vendor.example", "true"]]
    assert result.report.notes["invitee_never_joined"] == 1


@pytest.mark.parametrize("existing", [False, True])
def test_write_bundle_never_writes_a_key_twice(tmp_path, existing):
    out = tmp_path / "b"
    out.mkdir()
    if existing:
        (out / "attendance.csv").write_text("meeting_id,person_id,response,attended\nM0,x,,\n")
    attendance = pd.DataFrame({"meeting_id": ["M1", "M1", "M1"],
                               "person_id": ["a@x.example", "A@x.example", "b@x.example"],
                               "response": ["", "accepted", ""],
                               "attended": ["true", "", "true"]})
    stakeholders = pd.DataFrame({"engagement_id": ["E", "E"], "person_id": ["a@x.example"] * 2,
                                 "side": ["client"] * 2, "role": ["champion", "other"]})
    tables = {"attendance": attendance, "stakeholders": stakeholders}
    counts = write_bundle(AdapterResult(tables, ImportReport("zoom", "rows")), out)
    assert counts.set_index("table").at["attendance", "added"] == 2
    rows = _csv(out / "attendance.csv").values.tolist()
    assert rows[-2:] == [["M1", "a@x.example", "accepted", "true"], ["M1", "b@x.example", "", "true"]]
    assert len(rows) == 2 + existing
    assert _csv(out / "stakeholders.csv")["role"].tolist() == ["champion"]


OPEN_SERIES = "UID:open\nDTSTART:20250106T090000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY\nSUMMARY:[ENG-1] s"
LAST_SINGLE = "UID:one\nDTSTART:20250120T100000Z\nDURATION:PT1H\nSUMMARY:[ENG-1] one"
BOUNDED = "UID:two\nDTSTART:20250107T090000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=2\nSUMMARY:x"


def test_open_ended_series_cut_by_default_are_counted(make_ics, rules):
    mine = make_ics("mine.ics", OPEN_SERIES, LAST_SINGLE, BOUNDED)
    theirs = make_ics("theirs.ics", OPEN_SERIES)  # the same series in a colleague's export
    result = read_ics([mine, theirs], rules=rules)
    # Mondays 6, 13 and 20 January (09:00, before the last DTSTART 20 January 10:00).
    assert len(result["meetings"]) == 3 + 1
    cut = {k: n for k, n in result.report.notes.items() if k.startswith("open_ended")}
    assert cut == {"open_ended_series_cut_at_2025-01-20": 1}
    with_until = read_ics(mine, rules=rules, until=dt.date(2025, 1, 31))
    assert not any(k.startswith("open_ended") for k in with_until.report.notes)


def test_cli_prints_the_cut_series(make_ics, tmp_path, capsys):
    out = _bundle(tmp_path, "")
    rules = tmp_path / "rules.yaml"
    rules.write_text("engagement_rules:\n  - title_regex: '\\[(ENG-\\d+)\\]'\n")
    path = make_ics("mine.ics", OPEN_SERIES, LAST_SINGLE)
    assert _run("import", "ics", str(path), "--rules", str(rules), "--out", str(out)) in (0, None)
    printed = capsys.readouterr().out
    assert "note (open_ended_series_cut_at_2025-01-20): 1" in printed
    assert "1 open-ended recurring series expanded only up to 2025-01-20" in printed


def test_floating_times_are_read_in_the_rules_timezone(make_ics):
    rules = parse_rules(dict(ENG_RULES, timezone="Europe/Paris"))
    path = make_ics(
        "floating.ics",
        "UID:a\nDTSTART:20250302T100000\nDURATION:PT45M\nSUMMARY:[ENG-1] winter",
        # Paris clocks jump from 02:00 to 03:00 on 30 March: 01:30 to 03:30 lasts one hour.
        "UID:b\nDTSTART:20250330T013000\nDTEND:20250330T033000\nSUMMARY:[ENG-1] dst",
    )
    result = read_ics(path, rules=rules)
    meetings = result["meetings"].set_index("title")
    assert meetings.at["[ENG-1] winter", "start"] == "2025-03-02T10:00:00+01:00"
    assert meetings.at["[ENG-1] dst", "start"] == "2025-03-30T01:30:00+01:00"
    assert meetings.at["[ENG-1] dst", "duration_minutes"] == "60"
    assert result.report.notes["floating_time_read_in_Europe/Paris"] == 2
