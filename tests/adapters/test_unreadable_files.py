"""Every reader refuses non-UTF-8, UTF-16 and binary files with one line naming the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engagement_analytics.adapters import (
    AdapterError,
    load_rules,
    parse_rules,
    read_ics,
    read_outlook_csv,
    read_salesforce,
    read_zoom,
    split_salesforce_exports,
)
from engagement_analytics.cli import main

RULES = parse_rules({"engagement_rules": [{"title_regex": r"\[(ENG-\d+)\]"}]})
ICS = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
       "DTSTART:20250106T090000Z\r\nDURATION:PT1H\r\nSUMMARY:[ENG-1] Réunion\r\nEND:VEVENT\r\n"
       "END:VCALENDAR\r\n")
OUTLOOK = ("Subject,Start Date,Start Time,End Date,End Time\n"
           "[ENG-1] Réunion,01/06/2025,9:00,01/06/2025,10:00\n")
ZOOM = ("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        "José Núñez,jose@client.example,01/06/2025 09:00:00 AM,01/06/2025 10:00:00 AM,60,Yes\n")
SALESFORCE = ("Id,Account.Name,StageName,CloseDate,Planned_End_Date__c,Amount,Sold_Effort_Days__c\n"
              "006A,Société Générale,Closed Won,2025-01-01,2025-06-30,100,10\n")
ROSTER = "engagement_id,person_id,side,role,name\n,jose@client.example,client,other,José\n"
RULES_YAML = "engagement_rules:\n  - title_regex: 'Réunion'\n    engagement: ENG-1\n"

# What each reader reads, and how to call it on a file.
READERS = {
    "ics": (ICS, lambda path: read_ics(path, rules=RULES)),
    "outlook": (OUTLOOK, lambda path: read_outlook_csv(path, rules=RULES)),
    "zoom": (ZOOM, lambda path: read_zoom(path, rules=RULES)),
    "salesforce": (SALESFORCE, lambda path: read_salesforce(path, rules=RULES)),
    "salesforce-split": (SALESFORCE, lambda path: split_salesforce_exports([path])),
    "roster": (ROSTER, lambda path: read_ics(_good_ics(path.parent), rules=RULES, roster=path)),
    "rules": (RULES_YAML, load_rules),
}
# How a good file is spoiled, and what the one line then says.
SPOILED = {
    "latin-1": (lambda text: text.encode("latin-1"), r"not UTF-8 text \(byte 0xe9 at line \d+, column \d+\)"),
    "utf-16": (lambda text: text.encode("utf-16"), r"is UTF-16 text; save it as UTF-8"),
    "nul-byte": (lambda text: text.replace("é", "\0").encode(), r"binary content \(NUL byte at line \d+"),
    "binary": (lambda text: bytes(range(1, 256)) * 8, r"not UTF-8 text \(byte 0x80 at line \d+"),
}


def _good_ics(folder: Path) -> Path:
    path = folder / "good.ics"
    path.write_text(ICS, encoding="utf-8")
    return path


@pytest.mark.parametrize("spoil", SPOILED)
@pytest.mark.parametrize("reader", READERS)
def test_reader_refuses_a_file_that_is_not_utf8_text(tmp_path, reader, spoil):
    text, read = READERS[reader]
    encode, message = SPOILED[spoil]
    path = tmp_path / "export.txt"
    path.write_bytes(encode(text))
    with pytest.raises(AdapterError) as caught:
        read(path)
    line = str(caught.value)
    assert "\n" not in line
    assert line.startswith("export.txt: ")
    assert re.search(message, line), line


@pytest.mark.parametrize("reader", READERS)
def test_reader_accepts_utf8_with_or_without_bom(tmp_path, reader):
    text, read = READERS[reader]
    for encoding in ("utf-8", "utf-8-sig"):
        path = tmp_path / f"export-{encoding}.txt"
        path.write_text(text, encoding=encoding)
        read(path)


def test_cli_import_zoom_latin1_is_one_line_exit_2(tmp_path, capsys):
    rules = tmp_path / "rules.yaml"
    rules.write_text("engagement_rules: []\n")
    report = tmp_path / "participants.csv"
    report.write_bytes(ZOOM.encode("latin-1"))
    out = tmp_path / "bundle"
    out.mkdir()
    (out / "engagements.csv").write_text(
        "engagement_id,client,start_date,planned_end_date,sold_effort_days\n"
        "ENG-1,Acme,2025-01-01,2025-12-31,100\n"
    )
    with pytest.raises(SystemExit) as caught:
        main(["import", "zoom", str(report), "--rules", str(rules), "--out", str(out)])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: participants.csv: not UTF-8 text (byte 0xe9 at line 2, column ")
    assert err.count("\n") == 1
