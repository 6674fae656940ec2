"""Formats and file gotchas: every bundle shape the contract allows, every broken file."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys

import pandas as pd
import pytest

from engagement_analytics import BundleError, load_bundle


def test_valid_bundle_loads_with_typed_columns(make_bundle):
    bundle = load_bundle(make_bundle(), pseudonymize=False, keep_names=True)
    assert bundle.report.valid
    assert str(bundle.engagements["start_date"].dtype) == "datetime64[ns]"
    assert str(bundle.meetings["start"].dtype) == "datetime64[ns, UTC]"
    assert str(bundle.attendance["attended"].dtype) == "boolean"
    assert str(bundle.engagements["sold_deliverables"].dtype) == "Int64"
    # 09:00 at +01:00 is 08:00 UTC; 15:00 at -05:00 is 20:00 UTC.
    assert list(bundle.meetings["start"].dt.hour) == [8, 9, 20]
    # Defaults: M2's empty status and X2's empty channel.
    assert list(bundle.meetings["status"]) == ["held", "held", "cancelled"]
    assert bundle.report.defaults_applied == {
        "meetings.status": 1, "commitments.phase": 1, "communications.channel": 1,
    }
    assert list(bundle.communications["channel"]) == ["email", "email"]


def test_csv_gotchas_bom_crlf_case_spaces_quotes_blank_lines(tmp_path, rows, write_csv):
    folder = tmp_path / "b"
    folder.mkdir()
    for name in ("engagements", "stakeholders", "attendance", "commitments", "communications"):
        write_csv(folder / f"{name}.csv", rows(name))
    meetings = rows("meetings")
    meetings[0] = [f"  {c.upper()} " for c in meetings[0]]
    meetings[1][6] = 'Steering, "review"\nsecond line, still the title'
    write_csv(folder / "meetings.csv", meetings, newline="\r\n", bom=True)
    (folder / "meetings.csv").write_bytes((folder / "meetings.csv").read_bytes() + b"\r\n\r\n\r\n")
    bundle = load_bundle(folder)
    assert bundle.report.tables["meetings"].read == 3
    assert bundle.meetings.loc[0, "title"] == 'Steering, "review"\nsecond line, still the title'
    assert list(bundle.meetings.columns[:2]) == ["meeting_id", "engagement_id"]


def test_row_number_counts_physical_lines_after_a_multiline_record(make_bundle, rows):
    meetings = rows("meetings")
    meetings[1][6] = "line one\nline two\nline three"
    meetings[3][4] = "party"  # third record starts on line 6 (header 1, M1 2-4, M2 5)
    with pytest.raises(BundleError) as caught:
        load_bundle(make_bundle(meetings=meetings))
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (6, "kind", "party")


def test_row_with_wrong_field_count_is_rejected_not_dropped(make_bundle, tmp_path):
    folder = make_bundle()
    path = folder / "attendance.csv"
    path.write_text(path.read_text() + "M2,ann.sponsor@acme.example,accepted,true,EXTRA\n")
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    (problem,) = caught.value.problems
    assert problem.row == 6 and "row has 5 fields, the header has 4" in problem.rule
    bundle = load_bundle(folder, lenient=True)
    counts = bundle.report.tables["attendance"]
    assert (counts.read, counts.kept, counts.rejected) == (5, 4, 1)


def test_extra_columns_are_kept(make_bundle, rows):
    engagements = rows("engagements")
    for i, r in enumerate(engagements):
        r.append("Region" if i == 0 else "EMEA")
    bundle = load_bundle(make_bundle(engagements=engagements))
    assert list(bundle.engagements["region"]) == ["EMEA", "EMEA"]


def test_naive_datetimes_are_read_as_utc_and_counted(make_bundle, rows):
    meetings = rows("meetings")
    meetings[1][2] = "2025-01-07T09:00:00"
    bundle = load_bundle(make_bundle(meetings=meetings))
    assert bundle.report.naive_datetimes == {"meetings.start": 1}
    assert bundle.meetings.loc[0, "start"] == pd.Timestamp("2025-01-07T09:00:00Z")


def test_bool_spellings(make_bundle, rows):
    attendance = rows("attendance")
    for r, value in zip(attendance[1:], ["YES", "0", "True", "no"], strict=True):
        r[3] = value
    bundle = load_bundle(make_bundle(attendance=attendance))
    assert list(bundle.attendance["attended"]) == [True, False, True, False]


def test_unknown_persons_are_counted_not_rejected(make_bundle, rows):
    attendance = rows("attendance") + [["M1", "guest@elsewhere.example", "none", ""]]
    comms = rows("communications") + [["X3", "E1", "2025-01-09T10:00:00Z", "other@elsewhere.example", "chat", ""]]
    bundle = load_bundle(make_bundle(attendance=attendance, communications=comms))
    assert bundle.report.valid
    assert bundle.report.unknown_persons == 2


def test_optional_tables_may_be_absent(make_bundle):
    bundle = load_bundle(make_bundle(commitments=None, communications=None))
    assert bundle.commitments is None and bundle.communications is None
    assert bundle.report.missing_tables == ["commitments", "communications"]


def test_pseudonyms_are_keyed_hashes_stable_across_tables(make_bundle):
    bundle = load_bundle(make_bundle(), pseudonym_key="k")
    # Computed independently: HMAC-SHA256 of the trimmed, lower-cased id.
    expected = "P" + hmac.new(b"k", b"ann.sponsor@acme.example", hashlib.sha256).hexdigest()[:12]
    assert bundle.stakeholders.loc[0, "person_id"] == expected  # given as Ann.Sponsor@...
    assert bundle.attendance.loc[0, "person_id"] == expected
    assert bundle.communications.loc[0, "from_id"] == expected
    assert bundle.commitments.loc[1, "owner_id"] == expected
    assert "name" not in bundle.stakeholders.columns
    text = "".join(frame.to_csv() for frame in (bundle.stakeholders, bundle.meetings, bundle.attendance,
                                                bundle.commitments, bundle.communications))
    assert "@" not in text and "Ann Sponsor" not in text


def test_without_a_key_pseudonyms_differ_between_loads(make_bundle, monkeypatch):
    monkeypatch.delenv("ENGAGEMENT_ANALYTICS_PSEUDONYM_KEY", raising=False)
    first = load_bundle(make_bundle()).stakeholders["person_id"]
    second = load_bundle(make_bundle()).stakeholders["person_id"]
    assert not first.equals(second)
    monkeypatch.setenv("ENGAGEMENT_ANALYTICS_PSEUDONYM_KEY", "shared")
    assert load_bundle(make_bundle()).stakeholders["person_id"].equals(
        load_bundle(make_bundle()).stakeholders["person_id"])


def test_names_kept_only_when_asked(make_bundle):
    bundle = load_bundle(make_bundle(), keep_names=True)
    assert list(bundle.stakeholders["name"])[:2] == ["Ann Sponsor", "Carl Champ"]


def test_parquet_and_xlsx_tables_in_a_folder(tmp_path, valid_frames):
    folder = tmp_path / "mixed"
    folder.mkdir()
    frames = valid_frames
    frames["engagements"].to_parquet(folder / "engagements.parquet")
    typed_meetings = frames["meetings"].assign(duration_minutes=lambda f: f["duration_minutes"].astype(float))
    typed_meetings.to_excel(folder / "Meetings.xlsx", index=False)
    for name in ("stakeholders", "attendance", "commitments", "communications"):
        frames[name].to_csv(folder / f"{name}.csv", index=False)
    bundle = load_bundle(folder, pseudonymize=False)
    assert bundle.report.valid
    assert list(bundle.meetings["duration_minutes"]) == [60.0, 30.0, 90.0]
    assert bundle.engagements.loc[0, "start_date"] == pd.Timestamp("2025-01-06")


def test_single_workbook_bundle_with_native_cell_types(tmp_path, valid_frames):
    frames = valid_frames
    eng = frames["engagements"]
    eng["start_date"] = pd.to_datetime(eng["start_date"])  # real date cells
    eng["sold_effort_days"] = eng["sold_effort_days"].astype(float)
    path = tmp_path / "bundle.xlsx"
    with pd.ExcelWriter(path) as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name.upper(), index=False)
    bundle = load_bundle(path)
    assert bundle.report.valid
    assert bundle.report.tables["engagements"].file.endswith("(sheet 'ENGAGEMENTS')")
    assert list(bundle.engagements["start_date"].dt.strftime("%Y-%m-%d")) == ["2025-01-06", "2025-02-03"]


def test_workbook_problem_names_sheet_and_row(tmp_path, valid_frames):
    frames = valid_frames
    frames["meetings"].loc[2, "kind"] = "party"
    path = tmp_path / "bundle.xlsx"
    with pd.ExcelWriter(path) as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    with pytest.raises(BundleError) as caught:
        load_bundle(path)
    (problem,) = caught.value.problems
    assert problem.file == f"{path} (sheet 'meetings')"
    assert (problem.row, problem.column, problem.value) == (4, "kind", "party")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty file"),
        (b"\n\n  \n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b",,,\n1,2,3,4\n", "no header row"),
        (b"meeting_id,person_id\n\xff\xfe,\xfa\n", "not UTF-8"),
    ],
)
def test_broken_files_get_a_one_line_error(make_bundle, content, words):
    folder = make_bundle()
    (folder / "attendance.csv").write_bytes(content)
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    assert caught.value.unreadable
    message = str(caught.value)
    assert "\n" not in message and "attendance.csv" in message and words in message


def test_missing_path_and_wrong_file(tmp_path):
    with pytest.raises(BundleError, match="no such file or folder") as caught:
        load_bundle(tmp_path / "nowhere")
    assert caught.value.unreadable
    (tmp_path / "x.csv").write_text("a\n1\n")
    with pytest.raises(BundleError, match="a bundle is a folder"):
        load_bundle(tmp_path / "x.csv")


def test_a_table_given_twice_is_ambiguous(make_bundle, valid_frames):
    folder = make_bundle()
    valid_frames["meetings"].to_parquet(folder / "meetings.parquet")
    with pytest.raises(BundleError, match="table 'meetings' is given more than once"):
        load_bundle(folder)


def test_other_files_are_ignored_and_listed(make_bundle):
    folder = make_bundle()
    (folder / "truth.csv").write_text("engagement_id\nE1\n")
    (folder / "README.md").write_text("# notes\n")
    assert load_bundle(folder).report.ignored_files == ["README.md", "truth.csv"]


def test_bundle_error_never_reaches_the_user_as_a_traceback(tmp_path):
    (tmp_path / "engagements.csv").write_bytes(b"\x00\x01binary")
    result = subprocess.run(
        [sys.executable, "-m", "engagement_analytics", "validate", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [f"error: {tmp_path / 'engagements.csv'}: binary file, not a CSV text file"]
