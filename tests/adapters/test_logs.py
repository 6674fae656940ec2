"""Jira CSV exports and RAID log spreadsheets to commitments; their rules; re-imports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from engagement_analytics.adapters import (
    AdapterError,
    load_rules,
    parse_rules,
    read_jira,
    read_raid,
    write_bundle,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
ENGAGEMENTS = pd.DataFrame({"engagement_id": ["ENG-042", "ENG-7"],
                            "start_date": ["2025-03-03", "2025-01-01"]})


def test_jira_worked_example():
    rules = load_rules(EXAMPLES / "rules.yaml")
    result = read_jira(EXAMPLES / "jira.csv", rules=rules, roster=EXAMPLES / "roster.csv",
                       engagements=ENGAGEMENTS)
    report = result.report
    assert (report.read, report.mapped) == (5, 3)
    assert dict(report.skipped) == {"unknown_owner": 1, "no_engagement_matched": 1}
    rows = result["commitments"].set_index("commitment_id")  # the issue key is kept
    assert rows.loc["FAL-1"].to_dict() == {
        "engagement_id": "ENG-042", "made_on": "2025-02-20", "owner_side": "vendor",
        "owner_id": "lea.martin@northwind-consulting.example",
        "phase": "sales",  # created before the engagement's start (2025-03-03)
        "due_date": "2025-03-14", "done_on": "2025-03-14", "status": "done",
        "description": "Deliver the data migration plan"}
    assert rows.loc["FAL-2", ["status", "owner_side", "phase", "done_on"]].tolist() == [
        "open", "client", "delivery", ""]
    assert rows.loc["FAL-3", ["status", "done_on"]].tolist() == ["dropped", ""]  # Won't Do


JIRA = (
    "Issue key,Summary,Created,Resolution,Resolved,Due date,Assignee,Project key,Labels,Labels,"
    "Labels,Description\n"
    "X-1,Plan,01.02.2025 09:30,Fixed,03.02.2025 10:00,,Pat,X,a,,falcon,\"DESC-1\"\n"
    "X-2,Other,01.02.2025 09:30,Obsolete,03.02.2025 10:00,,pat@vendor.example,X,,,,\n"
    "X-3,Third,01.02.2025,Unresolved,,10.02.2025,,X,,,,\n"
)


def test_jira_repeated_columns_formats_and_policies(tmp_path):
    path = tmp_path / "jira.csv"
    path.write_text(JIRA)
    rules = parse_rules({
        "vendor_domains": ["vendor.example"],
        # The third 'Labels' column holds 'falcon': repeated columns are all read.
        "engagement_rules": [{"category": "Falcon", "engagement": "ENG-7"},
                             {"project": "x", "engagement": "ENG-042"}],
        "jira": {"date_format": "%d.%m.%Y %H:%M", "dropped_resolutions": ["Obsolete"],
                 "unknown_owner_side": "client"},
    })
    result = read_jira(path, rules=rules, engagements=ENGAGEMENTS)
    rows = result["commitments"].set_index("commitment_id")
    assert rows.at["X-1", "engagement_id"] == "ENG-7" and rows.at["X-2", "engagement_id"] == "ENG-042"
    assert rows.loc["X-1", ["status", "done_on", "owner_side", "owner_id"]].tolist() == [
        "done", "2025-02-03", "client", ""]  # 'Pat' is nobody known: kept as the rules say
    assert rows.loc["X-2", ["status", "owner_side"]].tolist() == ["dropped", "vendor"]
    assert rows.loc["X-3", ["status", "due_date", "made_on"]].tolist() == [
        "open", "2025-02-10", "2025-02-01"]  # the date part alone is read too
    assert result.report.notes["owner_not_placed_kept_as_client"] == 2  # Pat and unassigned


def test_jira_errors_name_file_row_column_value(tmp_path):
    path = tmp_path / "jira.csv"
    path.write_text(JIRA)
    with pytest.raises(AdapterError) as caught:
        read_jira(path, rules=parse_rules({}))
    assert str(caught.value) == (
        "jira.csv, row 2, column 'Created', value '01.02.2025 09:30': expected a date like "
        "'11/Mar/24 09:30 AM' (set jira.date_format in the rules)")
    path.write_text("Summary,Created\nx,1/Jan/25\n")
    with pytest.raises(AdapterError, match="jira.csv: column 'Issue key' missing"):
        read_jira(path, rules=parse_rules({}))
    path.write_bytes(b"\xff\xfe\x00\x01binary")
    with pytest.raises(AdapterError, match="jira.csv: not UTF-8 text"):
        read_jira(path, rules=parse_rules({}))


def test_reimport_replaces_a_reopened_issue(tmp_path):
    out = tmp_path / "bundle"
    path = tmp_path / "jira.csv"
    rules = parse_rules({"engagement_rules": [{"project": "X", "engagement": "ENG-7"}],
                         "jira": {"date_format": "%d.%m.%Y %H:%M", "unknown_owner_side": "vendor"}})
    path.write_text(JIRA)
    first = write_bundle(read_jira(path, rules=rules, engagements=ENGAGEMENTS), out)
    assert first.set_index("table").at["commitments", "added"] == 3
    again = write_bundle(read_jira(path, rules=rules, engagements=ENGAGEMENTS), out)
    assert again.set_index("table").loc["commitments", ["added", "updated"]].tolist() == [0, 0]
    path.write_text(JIRA.replace("Fixed,03.02.2025 10:00", ","))  # X-1 reopened
    reopened = write_bundle(read_jira(path, rules=rules, engagements=ENGAGEMENTS), out)
    assert reopened.set_index("table").at["commitments", "updated"] == 1
    table = pd.read_csv(out / "commitments.csv", dtype=str, keep_default_na=False)
    assert table.set_index("commitment_id").loc["X-1", ["status", "done_on"]].tolist() == ["open", ""]


RAID_RULES = {
    "vendor_domains": ["vendor.example"],
    "engagement_rules": [{"project": "Falcon", "engagement": "ENG-042"}],
    "raid": {
        "columns": {"id": "Ref", "description": "Description", "owner": "Owner",
                    "raised": "Date raised", "due": "Due", "closed": "Closed", "status": "Status",
                    "type": "Type", "engagement": "Project"},
        "status": {"done": ["Closed", "Complete"], "dropped": ["Cancelled"],
                   "open": ["Open", "In progress"]},
        "keep_types": ["Action", "Commitment"],
        "date_format": "%d/%m/%Y",
    },
}
RAID_ROWS = [
    ["A-1", "Action", "Send the data extract", "Omar Diaz", "03/03/2025", "10/03/2025",
     "09/03/2025", "Closed", "Falcon"],
    ["R-1", "Risk", "Key user may leave", "Omar Diaz", "03/03/2025", "", "", "Open", "Falcon"],
    ["A-2", "Action", "Book the training room", "ann@vendor.example", "20/02/2025", "", "",
     "In progress", "Falcon"],
    ["A-3", "Commitment", "Weekly status", "Lea", "04/03/2025", "", "", "On hold", "Falcon"],
    ["A-4", "Action", "Cancelled item", "ann@vendor.example", "05/03/2025", "", "",
     "Cancelled", "ENG-7"],
]
RAID_HEADER = ["Ref", "Type", "Description", "Owner", "Date raised", "Due", "Closed", "Status",
               "Project"]


def _check_raid(result) -> None:
    report = result.report
    assert (report.read, report.mapped) == (5, 3)
    assert dict(report.skipped) == {"type_not_kept": 1, "status_not_in_rules": 1}
    rows = result["commitments"].set_index("description")
    done = rows.loc["Send the data extract"]
    assert done[["engagement_id", "made_on", "due_date", "done_on", "status", "owner_side",
                 "owner_id", "phase"]].tolist() == [
        "ENG-042", "2025-03-03", "2025-03-10", "2025-03-09", "done", "client",
        "omar.diaz@globex.example", "delivery"]
    assert rows.loc["Book the training room", ["phase", "owner_side"]].tolist() == ["sales", "vendor"]
    assert rows.loc["Cancelled item", ["engagement_id", "status"]].tolist() == ["ENG-7", "dropped"]


def test_raid_csv_with_a_title_above_the_header(tmp_path):
    import csv

    path = tmp_path / "raid.csv"
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerows([["Falcon programme RAID log"], ["as of 2025-03-06"], [], RAID_HEADER,
                          *RAID_ROWS, []])
    result = read_raid(path, rules=parse_rules(RAID_RULES), roster=EXAMPLES / "roster.csv",
                       engagements=ENGAGEMENTS)
    _check_raid(result)


def test_raid_xlsx_with_real_date_cells(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Log"
    sheet.append(["RAID log"])
    sheet.append(RAID_HEADER)
    for row in RAID_ROWS:
        cells = [dt.datetime.strptime(c, "%d/%m/%Y") if c[:2].isdigit() and "/" in c else c
                 for c in row]
        sheet.append(cells)
    path = tmp_path / "raid.xlsx"
    book.save(path)
    rules = parse_rules(dict(RAID_RULES, raid=dict(RAID_RULES["raid"], sheet="Log")))
    _check_raid(read_raid(path, rules=rules, roster=EXAMPLES / "roster.csv",
                          engagements=ENGAGEMENTS))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(path.read_bytes()[:200])
    with pytest.raises(AdapterError, match="broken.xlsx: not a readable XLSX file"):
        read_raid(broken, rules=rules)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"raid": {"columns": {"status": "S"}, "status": {"done": ["x"]}}},
         "raid.columns: 'raised' missing"),
        ({"raid": {"columns": {"raised": "R", "status": "S", "owner2": "O"},
                   "status": {"done": ["x"]}}}, "raid.columns.owner2: unknown key"),
        ({"raid": {"columns": {"raised": "R", "status": "S"},
                   "status": {"done": ["Closed"], "open": ["closed"]}}},
         "raid.status.open: 'closed' is also listed as done"),
        ({"raid": {"columns": {"raised": "R", "status": "S"}}}, "raid.status: list the status"),
        ({"jira": {"unknown_owner_side": "guess"}}, "jira.unknown_owner_side: 'guess' is not one"),
        ({"jira": {"resolutions": []}}, "jira.resolutions: unknown key"),
        ({"engagement_rules": [{"channel": "falcon"}]}, "a channel rule needs an 'engagement' key"),
        ({"engagement_rules": [{"project": "FAL", "channel": "x", "engagement": "E"}]},
         "engagement_rules[1]: give exactly one of"),
    ],
)
def test_log_rules_errors_name_the_key(data, message):
    with pytest.raises(AdapterError) as caught:
        parse_rules(data, source="r.yaml")
    assert message in str(caught.value) and str(caught.value).startswith("r.yaml: ")


def test_raid_needs_its_rules_section_and_header(tmp_path):
    path = tmp_path / "raid.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(AdapterError, match="r.yaml: no 'raid:' section"):
        read_raid(path, rules=parse_rules({}, source="r.yaml"))
    with pytest.raises(AdapterError, match="raid.csv: no header row naming 'Date raised', 'Status'"):
        read_raid(path, rules=parse_rules(RAID_RULES))
