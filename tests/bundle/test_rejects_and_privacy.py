"""Rejects and problems: row numbers in large files, no personal data, masking, one-line errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from engagement_analytics import BundleError, load_bundle
from engagement_analytics.cli import main


def test_bad_width_rows_in_a_large_file_keep_their_own_line_and_text(make_bundle, rows):
    # ~9 MB: pyarrow reads it in parallel blocks and reports bad rows out of order.
    meetings = rows("meetings")[:1]
    width = len(meetings[0])
    bad_lines = {1002, 90002, 150002, 199992}
    for line in range(2, 200_002):
        if line in bad_lines:
            meetings.append([f"BAD{line}", "E1", "2025-02-01T10:00:00Z", "30"])  # 4 of 8 fields
        else:
            meetings.append([f"M{line}", "E1", "2025-02-01T10:00:00Z", "30", "status", "", "", ""])
    folder = make_bundle(meetings=meetings, attendance=[rows("attendance")[0]])
    with pytest.raises(BundleError) as caught:
        load_bundle(folder, pseudonymize=False)  # the row's text is shown only without pseudonyms
    located = {(p.row, p.value.split(",")[0]) for p in caught.value.problems}
    assert located == {(line, f"BAD{line}") for line in bad_lines}
    assert all(p.rule == f"row has 4 fields, the header has {width}" for p in caught.value.problems)


def test_rejected_rows_and_problem_values_carry_no_personal_data(make_bundle, rows):
    stakeholders = rows("stakeholders")
    stakeholders[3][3] = "champion"  # a vendor with a client role: rejected
    stakeholders.append(list(stakeholders[1]))  # duplicate key with an e-mail in it
    bundle = load_bundle(make_bundle(stakeholders=stakeholders), lenient=True, pseudonym_key="k")
    rejected = bundle.rejected_rows["stakeholders"]
    text = rejected.to_csv() + bundle.rejects.to_csv() + str(bundle.report.as_dict())
    for secret in ("vic@vendor.example", "Vic Vendor", "ann.sponsor@acme.example", "Ann.Sponsor"):
        assert secret.lower() not in text.lower()
    assert rejected["person_id"].str.fullmatch(r"P[0-9a-f]{12}").all()
    assert "name" not in rejected.columns
    duplicate = bundle.rejects[bundle.rejects["rule"].str.startswith("duplicate")].iloc[0]
    assert duplicate["value"] == "(personal data: see the file)" and duplicate["row"] == 6
    # The same person gets the same pseudonym in the rejects as in the kept rows.
    kept_vic = bundle.attendance["person_id"].iloc[1]
    assert rejected.loc[rejected["row"] == 4, "person_id"].item() == kept_vic


def test_extra_columns_named_like_personal_data_are_dropped_and_listed(make_bundle, rows):
    attendance = rows("attendance")
    attendance[0] += ["Display Name", "Email", "Room"]
    for r in attendance[1:]:
        r += ["Ann Sponsor", "ann@acme.example", "4.01"]
    bundle = load_bundle(make_bundle(attendance=attendance))
    assert list(bundle.attendance.columns) == ["meeting_id", "person_id", "response", "attended", "room"]
    assert bundle.report.dropped_columns == ["attendance.display name", "attendance.email"]
    kept = load_bundle(make_bundle(attendance=attendance), pseudonymize=False)
    assert "email" in kept.attendance.columns


def test_outcome_rule_is_listed_even_when_another_cell_of_the_row_is_bad(make_bundle, rows):
    engagements = rows("engagements")
    engagements[1][5] = ""  # E1 closed_date emptied, outcome still "failed"
    engagements[1][7] = "-1"  # and a bad contract value in the same row
    with pytest.raises(BundleError) as caught:
        load_bundle(make_bundle(engagements=engagements))
    assert {(p.row, p.column) for p in caught.value.problems} == {(2, "outcome"), (2, "contract_value")}


def test_rejects_folder_lists_rows_the_reader_could_not_split(make_bundle, tmp_path, capsys):
    folder = make_bundle()
    path = folder / "attendance.csv"
    path.write_text(path.read_text() + "M2,x@y.example\n")
    out_dir = tmp_path / "rejects"
    with pytest.raises(SystemExit) as exited:
        main(["validate", "--lenient", "--rejects", str(out_dir), str(folder)])
    assert exited.value.code == 1
    rejected = pd.read_csv(out_dir / "attendance.rejected.csv", dtype=str)
    assert list(rejected["row"]) == ["6"]
    assert "row has 2 fields, the header has 4" in rejected.loc[0, "rejected_because"]
    assert "x@y.example" not in (out_dir / "attendance.rejected.csv").read_text()


@pytest.mark.parametrize("target", ["/dev/null", "a_file"])
def test_odd_paths_and_unwritable_outputs_are_one_line_errors(make_bundle, tmp_path, capsys, target):
    folder = make_bundle()
    if target == "/dev/null":
        args = ["validate", "/dev/null"]
    else:
        blocker = tmp_path / "a_file"
        blocker.write_text("not a folder")
        rows_ = (folder / "meetings.csv").read_text().replace("steering", "party", 1)
        (folder / "meetings.csv").write_text(rows_)
        args = ["validate", "--lenient", "--rejects", str(blocker / "sub"), str(folder)]
    with pytest.raises(SystemExit) as exited:
        main(args)
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ")


def test_names_are_dropped_without_pseudonyms_too(make_bundle):
    assert "name" not in load_bundle(make_bundle(), pseudonymize=False).stakeholders.columns
    kept = load_bundle(make_bundle(), pseudonymize=False, keep_names=True)
    assert kept.stakeholders.loc[0, "name"] == "Ann Sponsor"


def test_a_given_column_named_like_a_derived_offset_column_is_an_error_not_lost(make_bundle, rows):
    meetings = rows("meetings")
    meetings[0].append("Start_UTC_Offset_Minutes")  # matched case-insensitively, like every header
    for r in meetings[1:]:
        r.append("540")
    with pytest.raises(BundleError) as caught:
        load_bundle(make_bundle(meetings=meetings), lenient=True)
    (problem,) = caught.value.problems
    assert (problem.file.endswith("meetings.csv"), problem.row, problem.column) == (
        True, 1, "start_utc_offset_minutes")
    assert "reserved" in problem.rule and "'start'" in problem.rule


def test_native_timestamps_beyond_the_nanosecond_range_are_located_bad_cells(tmp_path, valid_frames):
    # A Parquet file can hold 9999-12-31 (an "open end" placeholder); it used to crash the load.
    folder = tmp_path / "bundle"
    folder.mkdir()
    for name, frame in valid_frames.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    stakeholders = valid_frames["stakeholders"].copy()
    stakeholders["left_on"] = pd.Series(["2025-02-14", "9999-12-31", None, None],
                                        dtype="datetime64[us]")
    (folder / "stakeholders.csv").unlink()
    stakeholders.to_parquet(folder / "stakeholders.parquet")
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value[:10]) == (3, "left_on", "9999-12-31")
    assert problem.rule.startswith("not a date")
    lenient = load_bundle(folder, lenient=True)
    assert lenient.report.tables["stakeholders"].rejected == 1
    assert lenient.report.tables["stakeholders"].kept == len(stakeholders) - 1


def test_validate_json_masks_personal_values_in_strict_mode_as_in_lenient(make_bundle, rows, capsys):
    attendance = rows("attendance")
    attendance.append(list(attendance[1]))  # duplicate key: meeting id / e-mail
    folder = make_bundle(attendance=attendance)
    path = folder / "attendance.csv"
    path.write_text(path.read_text() + "M2,x@y.example\n")  # a row the reader cannot split
    printed = {}
    for mode in ("strict", "lenient"):
        with pytest.raises(SystemExit) as exited:
            main(["validate", "--json", *(["--lenient"] if mode == "lenient" else []), str(folder)])
        assert exited.value.code == 1
        printed[mode] = capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["validate", str(folder)])  # the strict text message
    printed["text"] = capsys.readouterr().err
    for output in printed.values():
        assert "@" not in output, output  # no e-mail address anywhere
    strict, lenient = (json.loads(printed[mode])["errors"] for mode in ("strict", "lenient"))
    assert strict == lenient and len(strict) == 2
    # The duplicate key's person id is personal data; the unsplittable row is a raw line.
    assert {error["value"] for error in strict} == {"(personal data: see the file)", "(raw line: see the file)"}
    assert printed["text"].count("(personal data: see the file)") == 1
    assert printed["text"].count("(raw line: see the file)") == 1
