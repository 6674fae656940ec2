"""The loader's side of the spreadsheet escape, and the rejects files `validate` writes."""

from __future__ import annotations

import pandas as pd
import pytest

from engagement_analytics import load_bundle
from engagement_analytics.cli import main


def test_loader_removes_exactly_the_escape_a_writer_adds(make_bundle, rows):
    meetings = rows("meetings")
    meetings[0].append("'@note")  # an escaped extra column name
    titles = ["'=1+1", "'Tis the season", "''quoted twice"]
    notes = ["'-1+1", "'plain", ""]
    for row, title, note in zip(meetings[1:], titles, notes, strict=True):
        row[6] = title
        row.append(note)
    meetings[1][0] = "'=M1"  # an escaped key: attendance refers to it unescaped
    attendance = rows("attendance")
    attendance[1][0] = attendance[2][0] = "=M1"
    bundle = load_bundle(make_bundle(meetings=meetings, attendance=attendance))
    assert bundle.meetings["title"].tolist() == ["=1+1", "'Tis the season", "'quoted twice"]
    assert bundle.meetings["@note"].tolist()[:2] == ["-1+1", "'plain"]
    assert bundle.meetings["meeting_id"].tolist()[0] == "=M1"
    assert (bundle.attendance["meeting_id"] == "=M1").sum() == 2


def test_an_escaped_and_a_plain_column_name_that_meet_are_a_one_line_error(make_bundle, rows, capsys):
    meetings = rows("meetings")
    meetings[0] += ["=x", "'=x"]
    for row in meetings[1:]:
        row += ["a", "b"]
    with pytest.raises(SystemExit) as exited:
        main(["validate", str(make_bundle(meetings=meetings))])
    err = capsys.readouterr().err
    assert exited.value.code == 1  # as for any column given twice
    assert len(err.strip().splitlines()) == 1 and "column given twice" in err


def test_rejects_files_hold_no_formula(make_bundle, rows, tmp_path, formula_cells):
    meetings = rows("meetings")
    meetings[0].append("=cmd|' /C calc'!A0")  # an extra column: kept in the rejected rows
    for row in meetings[1:]:
        row.append("@SUM(A1)")
    meetings[2][4] = "party"  # a bad kind: M2 and its attendance are rejected
    meetings[2][6] = '=HYPERLINK("http://evil.example","x")'
    out_dir = tmp_path / "rejects"
    with pytest.raises(SystemExit) as exited:
        main(["validate", "--lenient", "--rejects", str(out_dir), str(make_bundle(meetings=meetings))])
    assert exited.value.code == 1
    written = sorted(out_dir.glob("*.csv"))
    assert [path.name for path in written] == ["attendance.rejected.csv", "meetings.rejected.csv"]
    for path in written:
        assert formula_cells(path) == [], path.name
    rejected = pd.read_csv(out_dir / "meetings.rejected.csv", dtype=str)
    assert rejected.loc[0, "row"] == "3"  # numbers stay numbers
