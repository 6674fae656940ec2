"""A TZID nobody knows is counted and named in the report, never read as floating silently."""

from __future__ import annotations

import pandas as pd
import pytest

from engagement_analytics.adapters import parse_rules, read_ics

PARIS_RULES = {"engagement_rules": [{"title_regex": r"\[(ENG-\d+)\]"}], "timezone": "Europe/Paris"}


def _event(uid: str, tzid: str, extra: str = "") -> str:
    return (f"UID:{uid}\nDTSTART;TZID={tzid}:20250106T090000\n"
            f"DTEND;TZID={tzid}:20250106T100000\nSUMMARY:[ENG-1] {uid}{extra}")


def test_unknown_tzid_is_counted_by_name_and_read_in_the_rules_zone(make_ics):
    path = make_ics("mars.ics", _event("a", "Mars/Olympus_Mons"),
                    _event("b", "Mars/Olympus_Mons", "\nRRULE:FREQ=DAILY;COUNT=3"))
    result = read_ics(path, rules=parse_rules(PARIS_RULES))
    notes = result.report.notes
    assert notes == {"unknown_tzid_read_in_Europe/Paris:Mars/Olympus_Mons": 1 + 3}
    assert set(result["meetings"]["start"].str[-6:]) == {"+01:00"}
    assert "  note (unknown_tzid_read_in_Europe/Paris:Mars/Olympus_Mons): 4" in result.report.lines()


@pytest.mark.parametrize("tzid", ["Europe/Berlin", "W. Europe Standard Time", "Custom/Zone"])
def test_known_tzids_give_no_note(make_ics, tzid):
    vtimezone = ("BEGIN:VTIMEZONE\nTZID:Custom/Zone\nBEGIN:STANDARD\nDTSTART:19700101T000000\n"
                 "TZOFFSETFROM:+0300\nTZOFFSETTO:+0300\nEND:STANDARD\nEND:VTIMEZONE")
    path = make_ics("known.ics", _event("k", tzid))
    text = path.read_text().replace("BEGIN:VEVENT", vtimezone.replace("\n", "\r\n") + "\r\nBEGIN:VEVENT", 1)
    path.write_text(text)
    report = read_ics(path, rules=parse_rules(PARIS_RULES)).report
    assert report.read == report.mapped == 1
    assert not [note for note in report.notes if "tzid" in note or "floating" in note]


def test_outsiders_tzid_text_is_bounded_in_the_report(make_ics):
    long_tzid = "Outer/" + "Z" * 80
    many = [_event(f"e{i}", f"Mars/Crater_{i}") for i in range(25)]
    path = make_ics("many.ics", _event("long", long_tzid), *many)
    notes = read_ics(path, rules=parse_rules(PARIS_RULES)).report.notes
    named = [n.removeprefix("unknown_tzid_read_in_Europe/Paris:") for n in notes]
    assert all(len(name) <= 40 for name in named)
    assert ("Outer/" + "Z" * 31 + "...") in named
    assert len(named) == 20 + 1
    assert notes["unknown_tzid_read_in_Europe/Paris:(other TZIDs)"] == 26 - 20
    assert sum(notes.values()) == 26


def test_cli_prints_the_unknown_tzid(make_ics, import_ics):
    code, out, err, bundle = import_ics(make_ics("mars.ics", _event("a", "Mars/Olympus_Mons")))
    assert code == 0, err
    assert "note (unknown_tzid_read_in_UTC:Mars/Olympus_Mons): 1" in out
    assert len(pd.read_csv(bundle / "meetings.csv")) == 1


def _folded(lines: list[str]) -> str:
    """RFC 5545 text: CRLF line ends, lines longer than 75 octets folded."""
    out = []
    for line in lines:
        out.append(line[:75])
        out += [" " + line[i:i + 74] for i in range(75, len(line), 74)]
    return "\r\n".join(out) + "\r\n"


def test_tzid_that_breaks_the_zone_lookup_is_an_unknown_tzid_not_an_unreadable_file(tmp_path):
    # zoneinfo raises OSError for a folder of its database ('America') or a name longer
    # than a file name (folded over lines, as calendar tools write long lines).
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN",
             "BEGIN:VEVENT", "UID:a", "DTSTART;TZID=America:20250106T090000",
             "DURATION:PT1H", "SUMMARY:[ENG-1] folder", "END:VEVENT",
             "BEGIN:VEVENT", "UID:b", f"DTSTART;TZID={'Z' * 300}:20250106T090000",
             "DURATION:PT1H", "SUMMARY:[ENG-1] long", "END:VEVENT", "END:VCALENDAR"]
    path = tmp_path / "broken-zones.ics"
    path.write_text(_folded(lines), newline="")
    report = read_ics(path, rules=parse_rules(PARIS_RULES)).report
    assert report.read == report.mapped == 2
    assert report.notes["unknown_tzid_read_in_Europe/Paris:America"] == 1
    assert report.notes["unknown_tzid_read_in_Europe/Paris:" + "Z" * 37 + "..."] == 1
