"""Rules file parsing, appending to a bundle without duplicates, and the import command."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from engagement_analytics.adapters import (
    AdapterError,
    load_rules,
    parse_rules,
    read_ics,
    write_bundle,
)
from engagement_analytics.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"engagement_rule": []}, "r.yaml: engagement_rule: unknown key"),
        ({"engagement_rules": [{"title_regex": "ENG-\\d+"}]},
         "engagement_rules[1].title_regex: needs a capture group"),
        ({"engagement_rules": [{"title_regex": "([a-"}]}, "engagement_rules[1].title_regex: invalid regex"),
        ({"engagement_rules": [{"category": "Falcon"}]}, "a category rule needs an 'engagement' key"),
        ({"engagement_rules": [{"category": "x", "attendee_domain": "y", "engagement": "E"}]},
         "engagement_rules[1]: give exactly one of"),
        ({"meeting_kinds": {"party": ["fun"]}}, "meeting_kinds.party: not a meeting kind"),
        ({"default_kind": "party"}, "default_kind: 'party' is not a meeting kind"),
        ({"timezone": "Mars/Olympus"}, "timezone: 'Mars/Olympus' is not an IANA time zone"),
        ({"salesforce": {"roles": {"Influencer": "boss"}}}, "salesforce.roles.Influencer: 'boss'"),
        ({"engagements": [{"client": "x"}]}, "engagements[1]: engagement_id missing"),
        (["a"], "top level: expected a mapping"),
    ],
)
def test_rules_errors_name_the_key(data, message):
    with pytest.raises(AdapterError) as caught:
        parse_rules(data, source="r.yaml")
    assert message in str(caught.value)


def test_rules_file_not_yaml(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("engagement_rules: [\n  - oops: {\n")
    with pytest.raises(AdapterError, match=r"^rules\.yaml, line \d+: not valid YAML"):
        load_rules(path)


def test_example_rules_file_matching():
    rules = load_rules(EXAMPLES / "rules.yaml")
    assert rules.engagement_for("[ENG-007] Weekly") == "ENG-007"
    assert rules.engagement_for("Lunch", categories=["falcon PROGRAMME"]) == "ENG-042"
    assert rules.engagement_for("Call", emails=["x@Globex.example"]) == "ENG-042"
    assert rules.engagement_for("Dentist", emails=["me@northwind-consulting.example"]) is None
    assert rules.kind_for("Q2 SteerCo") == "steering"
    assert rules.kind_for("Lunch") == "other"
    assert rules.side_for("lea@northwind-consulting.example") == "vendor"
    assert list(rules.engagements["engagement_id"]) == ["ENG-042"]
    assert rules.engagements.at[0, "start_date"] == "2025-03-03"


def test_append_never_duplicates_and_keeps_roster_roles(make_ics, rules, bundle_dir):
    out = bundle_dir
    event = ("UID:u1\nDTSTART:20250106T090000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;COUNT=3\n"
             "SUMMARY:[ENG-1] status\nATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@client.example")
    first = write_bundle(read_ics(make_ics("a.ics", event), rules=rules), out)
    assert first.set_index("table").at["meetings", "added"] == 3
    declined = event.replace("PARTSTAT=ACCEPTED", "PARTSTAT=DECLINED")
    again = write_bundle(read_ics(make_ics("b.ics", declined), rules=rules), out)
    counts = again.set_index("table")
    assert counts.at["meetings", "added"] == 0 and counts.at["meetings", "after"] == 3
    assert counts.at["attendance", "updated"] == 3 and counts.at["attendance", "after"] == 3
    attendance = pd.read_csv(out / "attendance.csv", dtype=str, keep_default_na=False)
    assert set(attendance["response"]) == {"declined"}
    stakeholders = pd.read_csv(out / "stakeholders.csv", dtype=str, keep_default_na=False)
    assert list(stakeholders["role"]) == ["champion"]  # the bundle's role beats the guess


def test_append_keeps_old_cells_the_new_export_leaves_empty(tmp_path):
    from engagement_analytics.adapters import AdapterResult, ImportReport

    out = tmp_path / "b"
    out.mkdir()
    (out / "attendance.csv").write_text("meeting_id,person_id,response,attended\nM1,a,accepted,\n")
    zoom_rows = pd.DataFrame({"meeting_id": ["M1", "M1"], "person_id": ["a", "b"],
                              "response": ["", ""], "attended": ["true", "true"]})
    write_bundle(AdapterResult({"attendance": zoom_rows}, ImportReport("zoom", "rows")), out)
    merged = pd.read_csv(out / "attendance.csv", dtype=str, keep_default_na=False)
    assert merged.values.tolist() == [["M1", "a", "accepted", "true"], ["M1", "b", "", "true"]]


def _run(*args: str) -> int:
    with pytest.raises(SystemExit) as caught:
        main(list(args))
    return caught.value.code


def test_cli_worked_example_validates_and_reimport_adds_nothing(tmp_path, capsys):
    out = tmp_path / "bundle"
    args = ("import", "ics", str(EXAMPLES / "team.ics"), "--rules", str(EXAMPLES / "rules.yaml"),
            "--roster", str(EXAMPLES / "roster.csv"), "--out", str(out), "--until", "2025-04-30")
    assert _run(*args) in (0, None)
    printed = capsys.readouterr().out
    assert "skipped (all_day): 1" in printed
    assert "skipped (no_engagement_matched): 1" in printed
    meetings = pd.read_csv(out / "meetings.csv", dtype=str)
    # Weekly COUNT=6 minus one EXDATE, plus the steering committee and the cancelled demo.
    assert len(meetings) == 7
    assert _run(*args) in (0, None)
    assert len(pd.read_csv(out / "meetings.csv", dtype=str)) == 7


def test_cli_exit_codes(tmp_path, make_ics, capsys):
    rules = shutil.copy(EXAMPLES / "rules.yaml", tmp_path / "rules.yaml")
    broken = make_ics("broken.ics", "UID:x\nSUMMARY:no start")
    assert _run("import", "ics", str(broken), "--rules", rules, "--out", str(tmp_path / "o")) == 2
    assert "broken.ics: VEVENT #1 (UID x): DTSTART missing" in capsys.readouterr().err
    missing = str(tmp_path / "nope.ics")
    assert _run("import", "ics", missing, "--rules", rules, "--out", str(tmp_path / "o")) == 2
    assert _run("import", "ics", str(broken), "--rules", rules, "--out", "o",
                "--until", "soon") == 2
    no_rules_engagements = tmp_path / "bare.yaml"
    no_rules_engagements.write_text("engagement_rules:\n  - title_regex: '\\[(ENG-\\d+)\\]'\n")
    good = make_ics("good.ics", "UID:g\nDTSTART:20250106T090000Z\nDURATION:PT1H\nSUMMARY:[ENG-1] x")
    assert _run("import", "ics", str(good), "--rules", str(no_rules_engagements),
                "--out", str(tmp_path / "empty")) == 2
    assert "engagements.csv not found" in capsys.readouterr().err
