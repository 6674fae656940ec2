"""What the importer writes opens safely in a spreadsheet and loads back unchanged."""

from __future__ import annotations

import pandas as pd
import pytest

from engagement_analytics import load_bundle
from engagement_analytics.adapters import AdapterResult, ImportReport, write_bundle
from engagement_analytics.cli import main

#: Free text a calendar or CRM export may carry: formulas, and text that only looks escaped.
HOSTILE = [
    '=HYPERLINK("http://evil.example","click me")',
    "+1+1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "\tTab first",
    "\rCarriage return first",
    "'=already quoted",
    "''",
    "'Tis the season",
    "'; DROP TABLE meetings; --",
    "-3.5",
    "plain title",
]


def _hostile_result() -> AdapterResult:
    n = len(HOSTILE)
    ids = ["=M1", "@M2", "-M3"] + [f"M{i}" for i in range(4, n + 1)]
    tables = {
        "engagements": pd.DataFrame({
            "engagement_id": ["=E1"], "client": ["@Acme"], "start_date": ["2025-01-06"],
            "planned_end_date": ["2025-06-30"], "sold_effort_days": ["100"],
            "contract_value": ["+5000"], "purpose_statement": ["-cut costs-"],
        }),
        "stakeholders": pd.DataFrame({
            "engagement_id": ["=E1"], "person_id": ["+ann@client.example"], "side": ["client"],
            "role": ["champion"], "name": ["=Ann"],
        }),
        "meetings": pd.DataFrame({
            "meeting_id": ids, "engagement_id": ["=E1"] * n,
            "start": [f"2025-01-{day:02d}T09:00:00Z" for day in range(7, 7 + n)],
            "duration_minutes": ["60"] * n, "kind": ["status"] * n,
            "organizer_id": ["+ann@client.example"] * n, "title": HOSTILE,
        }),
        "attendance": pd.DataFrame({
            "meeting_id": ids, "person_id": ["+ann@client.example"] * n, "response": ["accepted"] * n,
        }),
    }
    return AdapterResult(tables, ImportReport("ics", "event occurrences"))


def test_written_tables_hold_no_formula_and_load_back_the_original_values(tmp_path, formula_cells):
    out = tmp_path / "bundle"
    write_bundle(_hostile_result(), out)
    for path in sorted(out.glob("*.csv")):
        assert formula_cells(path) == [], path.name
    bundle = load_bundle(out, pseudonymize=False, keep_names=True)
    assert bundle.meetings["title"].tolist() == HOSTILE
    assert bundle.meetings["meeting_id"].tolist()[:3] == ["=M1", "@M2", "-M3"]
    assert bundle.attendance["meeting_id"].tolist()[:3] == ["=M1", "@M2", "-M3"]
    assert bundle.engagements.loc[0, ["engagement_id", "client", "purpose_statement"]].tolist() == [
        "=E1", "@Acme", "-cut costs-"]
    assert bundle.engagements.loc[0, "contract_value"] == 5000.0  # a plain number stays a number
    assert bundle.stakeholders.loc[0, ["person_id", "name"]].tolist() == ["+ann@client.example", "=Ann"]


def test_appending_the_same_export_again_changes_no_byte(tmp_path):
    out = tmp_path / "bundle"
    write_bundle(_hostile_result(), out)
    first = {path.name: path.read_bytes() for path in out.glob("*.csv")}
    counts = write_bundle(_hostile_result(), out).set_index("table")
    assert counts["added"].sum() == 0 and counts["updated"].sum() == 0
    assert {path.name: path.read_bytes() for path in out.glob("*.csv")} == first


def test_import_command_escapes_meetings_and_the_unmatched_list(
    tmp_path, bundle_dir, make_ics, formula_cells, capsys
):
    out = bundle_dir
    rules = tmp_path / "rules.yaml"
    rules.write_text("engagement_rules:\n  - title_regex: '\\[(ENG-\\d+)\\]'\n")
    title = '=HYPERLINK("http://evil.example") [ENG-1]'
    unmatched_title = "@SUM(1+1) :x: [/] lunch"
    calendar = make_ics(
        "cal.ics",
        f"UID:u1\nDTSTART:20250106T090000Z\nDURATION:PT1H\nSUMMARY:{title}\n"
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@client.example",
        f"UID:u2\nDTSTART:20250107T120000Z\nDURATION:PT1H\nSUMMARY:{unmatched_title}",
    )
    unmatched = tmp_path / "unmatched.csv"
    with pytest.raises(SystemExit) as exited:
        main(["import", "ics", str(calendar), "--rules", str(rules), "--out", str(out),
              "--unmatched", str(unmatched)])
    assert exited.value.code in (0, None)
    printed = capsys.readouterr().out
    assert repr(unmatched_title) in printed  # neither markup nor an emoji
    assert formula_cells(out / "meetings.csv") == []
    assert formula_cells(unmatched) == []
    assert load_bundle(out).meetings["title"].tolist() == [title]
