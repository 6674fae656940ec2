"""`engagement-analytics validate`: exit codes, JSON shape, rejects folder."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from engagement_analytics.cli import main


def run(capsys, *args):
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    captured = capsys.readouterr()
    return exited.value.code, captured.out, captured.err


def test_valid_bundle_exits_0_and_prints_counts(make_bundle, capsys):
    code, out, _ = run(capsys, "validate", str(make_bundle()))
    assert code == 0
    assert "Valid" in out and "attendance" in out
    assert "Unknown persons (used but not in stakeholders): 0" in out


def test_invalid_bundle_exits_1_with_problems_grouped_by_rule(make_bundle, rows, capsys):
    meetings = rows("meetings")
    meetings[1][4] = "party"
    meetings[2][4] = "party"
    code, _, err = run(capsys, "validate", str(make_bundle(meetings=meetings)))
    assert code == 1
    assert "2 problems in the bundle" in err
    code, out, _ = run(capsys, "validate", "--lenient", str(make_bundle(meetings=meetings)))
    assert code == 1
    assert "2 x meetings.kind: must be one of" in out


def test_json_output(make_bundle, rows, capsys):
    attendance = rows("attendance")
    attendance[2][3] = "perhaps"
    code, out, _ = run(capsys, "validate", "--lenient", "--json", str(make_bundle(attendance=attendance)))
    assert code == 1
    report = json.loads(out)
    assert report["valid"] is False
    assert report["tables"]["attendance"] == {
        "file": report["tables"]["attendance"]["file"], "read": 4, "kept": 3, "rejected": 1,
    }
    (error,) = report["errors"]
    assert {k: error[k] for k in ("table", "row", "column", "value")} == {
        "table": "attendance", "row": 3, "column": "attended", "value": "perhaps",
    }
    assert error["file"].endswith("attendance.csv")
    assert report["unknown_persons"] == 0


def test_json_in_strict_mode_still_lists_errors(make_bundle, rows, capsys):
    engagements = rows("engagements")
    engagements[1][8] = "-3"
    code, out, _ = run(capsys, "validate", "--json", str(make_bundle(engagements=engagements)))
    assert code == 1
    assert [e["column"] for e in json.loads(out)["errors"]] == ["sold_effort_days"]


def test_rejects_folder_gets_raw_rows_with_reasons(make_bundle, rows, tmp_path, capsys):
    meetings = rows("meetings")
    meetings[1][3] = "0"
    out_dir = tmp_path / "rejects"
    code, _, _ = run(capsys, "validate", "--lenient", "--rejects", str(out_dir), str(make_bundle(meetings=meetings)))
    assert code == 1
    rejected = pd.read_csv(out_dir / "meetings.rejected.csv", dtype=str)
    assert list(rejected["meeting_id"]) == ["M1"]
    assert "duration_minutes: must be a number > 0" in rejected.loc[0, "rejected_because"]
    attendance = pd.read_csv(out_dir / "attendance.rejected.csv", dtype=str)
    assert list(attendance["row"]) == ["2", "3"]


@pytest.mark.parametrize("args", [["validate"], ["validate", "--nope", "x"]])
def test_usage_errors_exit_2(capsys, args):
    code, _, _ = run(capsys, *args)
    assert code == 2


def test_unreadable_bundle_exits_2(tmp_path, capsys):
    code, _, err = run(capsys, "validate", str(tmp_path / "missing"))
    assert code == 2
    assert err.strip() == f"error: {tmp_path / 'missing'}: no such file or folder"
