"""Hostile and broken files: stray quotes, zip bombs, absurd shapes, links out of the bundle."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from engagement_analytics import BundleError, load_bundle
from engagement_analytics.bundle import _csv, _limits
from engagement_analytics.cli import main

SAMPLE_MEETINGS = Path(__file__).parents[2] / "data" / "sample" / "meetings.csv"

# --- a stray quote must not swallow the records after it --------------------------

_MEETINGS_HEADER = "meeting_id,engagement_id,start,duration_minutes,kind,organizer_id,title,status\n"


def _meeting_line(number: int, title: str) -> str:
    # Written by hand, not by a CSV writer: the title goes into the file as given.
    return f"M{number},E1,2025-01-07T09:00:00Z,30,status,vic@vendor.example,{title},held\n"


# Each way a runaway quote ends: at a later writer-quoted cell (the file then
# splits into the right number of fields and nothing looked wrong), at a second
# stray quote that closes "properly" lines later, or on the next line in the
# same column (the record keeps its width) or in another, or never (it runs
# to the end of the file).
RUNAWAY_ENDINGS = {
    "at a later quoted cell": (30, _meeting_line(30, '"Review ""final"" plan"')),
    "at a second stray quote": (30, _meeting_line(30, 'Review"')),
    "on the next line, same column": (6, _meeting_line(6, 'Review"')),
    "on the next line, another column": (6, _meeting_line(6, "Review").replace("example", 'example"')),
    "never": (30, _meeting_line(30, "Review")),
}


@pytest.fixture(params=RUNAWAY_ENDINGS.values(), ids=RUNAWAY_ENDINGS.keys())
def stray_quote_bundle(request, make_bundle, rows):
    lines = [_meeting_line(k, f"Weekly {k}") for k in range(1, 41)]
    lines[4] = _meeting_line(5, '"Kick-off')  # line 6 of the file
    ending, text = request.param
    lines[ending - 1] = text
    attendance = rows("attendance") + [["M5", "vic@vendor.example", "accepted", ""]]  # line 6 too
    folder = make_bundle(attendance=attendance)
    (folder / "meetings.csv").write_text(_MEETINGS_HEADER + "".join(lines))
    return folder


def test_a_stray_quote_rejects_its_line_and_the_following_records_are_read(stray_quote_bundle):
    bundle = load_bundle(stray_quote_bundle, lenient=True)
    counts = bundle.report.tables["meetings"]
    assert (counts.read, counts.kept, counts.rejected) == (40, 39, 1)
    assert list(bundle.meetings["meeting_id"]) == [f"M{k}" for k in range(1, 41) if k != 5]
    problem, attendance = bundle.report.problems
    assert (problem.table, problem.row, problem.column) == ("meetings", 6, "title")
    assert problem.rule.startswith("stray quote")
    # The attendance of the rejected meeting is rejected with it, naming its line.
    assert (attendance.table, attendance.row) == ("attendance", 6)
    assert attendance.rule == f"refers to a rejected meetings row ({stray_quote_bundle / 'meetings.csv'} row 6)"
    assert bundle.report.tables["attendance"].rejected == 1


def test_strict_mode_names_the_line_of_the_stray_quote(stray_quote_bundle):
    with pytest.raises(BundleError) as caught:
        load_bundle(stray_quote_bundle)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column) == (str(stray_quote_bundle / "meetings.csv"), 6, "title")
    # The raw line may hold anything (person ids too): masked like every personal value,
    # shown as it is only without pseudonymisation.
    assert problem.value == "(raw line: see the file)" and "stray quote" in str(caught.value)
    with pytest.raises(BundleError) as raw:
        load_bundle(stray_quote_bundle, pseudonymize=False)
    assert raw.value.problems[0].value.startswith("M5,")


def test_quoted_line_breaks_are_still_cells_not_stray_quotes(make_bundle, rows):
    meetings = rows("meetings")
    meetings[1][6] = 'Agenda, "draft"\n1, 2, 3 and 4\nend'  # commas on its lines, but no record's worth
    meetings[2][6] = "Windows\r\nline break"
    meetings[3][4] = "party"
    folder = make_bundle(meetings=meetings)
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    (problem,) = caught.value.problems
    text = (folder / "meetings.csv").read_bytes().decode()
    expected_line = text[: text.index("M3,")].count("\n") + 1  # "\r\n" is one line break
    assert (problem.row, problem.column, problem.value) == (expected_line, "kind", "party")
    kept = load_bundle(folder, lenient=True).meetings
    assert list(kept["title"][:2]) == [meetings[1][6], meetings[2][6]]


def test_the_line_reader_and_pyarrow_read_the_same_cells_and_lines():
    # The sample has quoted titles, with line breaks: the fast path takes it
    # (no runaway), and the line reader, used on broken files, agrees with it.
    header = _csv._header(SAMPLE_MEETINGS, "m", "meetings")
    arrow, _ = _csv._read_arrow(SAMPLE_MEETINGS, "m", "meetings", header)
    assert not _csv._table_may_have_runaway(arrow, SAMPLE_MEETINGS)
    fast = _csv.read_csv(SAMPLE_MEETINGS, "meetings")
    by_lines = _csv._read_lines(SAMPLE_MEETINGS, "m", "meetings", header)
    pd.testing.assert_frame_equal(fast.frame, by_lines.frame)
    positions = list(range(len(fast.frame)))
    assert list(fast.row_number(positions)) == list(by_lines.row_number(positions))
    assert fast.frame["title"].str.contains("\n").any()


# --- absurd shapes and huge records in CSV ----------------------------------------


def _with_extra_columns(rows, names: list[str]) -> list[list[str]]:
    meetings = rows("meetings")
    meetings[0] = meetings[0] + names
    for row in meetings[1:]:
        row += [""] * len(names)
    return meetings


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ([f"x{k}" for k in range(1_001 - 8)], "header has 1,001 columns, more than the limit of 1,000"),
        ([f"{k:04d}" + "x" * 96 for k in range(700)],
         "header row is longer than 65,536 bytes, the limit for a header"),
    ],
    ids=["1,001 columns", "70 KB header"],
)
def test_an_absurd_header_is_refused_with_one_line(make_bundle, rows, extra, why):
    folder = make_bundle(meetings=_with_extra_columns(rows, extra))
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    assert caught.value.unreadable
    assert str(caught.value) == f"{folder / 'meetings.csv'}: {why}"


def test_a_parquet_table_of_too_many_columns_is_refused(make_bundle, valid_frames):
    folder = make_bundle(meetings=None)
    meetings = valid_frames["meetings"]
    extra = pd.DataFrame({f"x{k}": [""] * len(meetings) for k in range(1_001 - meetings.shape[1])})
    pd.concat([meetings, extra], axis=1).to_parquet(folder / "meetings.parquet")
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    assert str(caught.value) == f"{folder / 'meetings.parquet'}: has 1,001 columns, more than the limit of 1,000"


def test_a_cell_larger_than_two_reader_blocks_is_read(make_bundle, rows):
    meetings = rows("meetings")
    meetings[2][6] = "x" * (33 * 2**20)  # pyarrow reads in blocks of 16 MiB; a record may span two
    bundle = load_bundle(make_bundle(meetings=meetings))
    assert len(bundle.meetings.loc[1, "title"]) == 33 * 2**20
    assert bundle.report.tables["meetings"].kept == 3


def test_a_record_beyond_the_limit_is_refused_with_its_line(make_bundle, rows, monkeypatch):
    monkeypatch.setattr(_limits, "MAX_RECORD_BYTES", 2**20)
    meetings = rows("meetings")
    meetings[2][6] = "x" * (2 * 2**20)
    folder = make_bundle(meetings=meetings)
    with pytest.raises(BundleError) as caught:
        load_bundle(folder, lenient=True)
    assert caught.value.unreadable
    assert str(caught.value) == (f"{folder / 'meetings.csv'}, row 3: the record starting on this line is "
                                 "larger than 1 MiB, the limit for one record")


# --- workbooks: bombs and shapes ---------------------------------------------------

_SHEET = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{}'
          '</sheetData></worksheet>')
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="attendance" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _row(number: int, texts: list[str]) -> str:
    cells = "".join(_cell(f"{chr(ord('A') + k)}{number}", text) for k, text in enumerate(texts))
    return f'<row r="{number}">{cells}</row>'


_ATTENDANCE_ROWS = _row(1, ["meeting_id", "person_id", "response", "attended"]) + _row(
    2, ["M1", "vic@vendor.example", "accepted", "true"])


def _attendance_workbook(folder: Path, more_rows: str = "") -> Path:
    """The bundle's attendance as a hand-made workbook, with some XML added to its sheet."""
    (folder / "attendance.csv").unlink()
    path = folder / "attendance.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", _SHEET.format(_ATTENDANCE_ROWS + more_rows))
    return path


def test_a_hand_made_workbook_loads(make_bundle):
    folder = make_bundle()
    _attendance_workbook(folder)  # the helper makes a workbook the loader reads
    assert load_bundle(folder).report.tables["attendance"].kept == 1


def _refused(folder: Path) -> str:
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    assert caught.value.unreadable
    message = str(caught.value)
    assert "\n" not in message and "attendance.xlsx" in message
    return message


def test_a_zip_bomb_is_refused_by_its_compression_ratio(make_bundle):
    folder = make_bundle()
    _attendance_workbook(folder, _row(3, ["M2", "x" * (2 * 2**20), "accepted", ""]))  # 2 MiB that packs to 2 KB
    message = _refused(folder)
    assert "'xl/worksheets/sheet1.xml' is compressed" in message
    assert "to 1, more than the limit of 200 to 1 (a zip bomb?)" in message


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_parsing(make_bundle, monkeypatch):
    monkeypatch.setattr(_limits, "MAX_XLSX_UNCOMPRESSED_BYTES", 64 * 1024)
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("parsed a refused workbook"))
    folder = make_bundle()
    rows = "".join(_row(k, [f"M{k}", f"p{k}@x.example", "accepted", ""]) for k in range(3, 1_000))
    _attendance_workbook(folder, rows)
    assert "more than the limit of 65,536; refused (save large tables as CSV or Parquet)" in _refused(folder)


def test_a_cell_far_down_an_empty_sheet_is_refused_not_filled_in(make_bundle):
    # 1.6 KB that the sheet reader turned into 5 million empty rows (30 s, 1.1 GB).
    folder = make_bundle()
    _attendance_workbook(folder, '<row r="2000000"><c r="A2000000"><v>1</v></c></row>')
    assert "more than 1,048,576 rows" in _refused(folder)


def test_a_row_of_too_many_cells_is_refused_before_parsing(make_bundle):
    folder = make_bundle()
    _attendance_workbook(folder, '<row r="3">' + "<c/>" * 16_385 + "</row>")
    assert "a row of more than 16,384 cells" in _refused(folder)


def test_cells_the_reader_fills_in_count_against_the_limit(make_bundle, monkeypatch):
    monkeypatch.setattr(_limits, "MAX_SHEET_CELLS", 5_000)
    folder = make_bundle()
    # Each row holds two cells, but the reader spreads it out to column ZZZ (18,278 cells).
    _attendance_workbook(folder, '<row r="3"><c r="A3"><v>1</v></c><c r="ZZZ3"/></row>')
    assert "spreads out to more than 5,000 cells" in _refused(folder)


def test_a_sheet_value_beyond_the_column_limit_is_refused(make_bundle):
    folder = make_bundle()
    _attendance_workbook(folder, '<row r="3"><c r="A3"><v>1</v></c><c r="ALM3"><v>1</v></c></row>')
    assert "a value in column 1,001, beyond the limit of 1,000 columns" in _refused(folder)


def test_a_reader_error_without_a_message_is_still_one_line(make_bundle, monkeypatch):
    def out_of_memory(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(openpyxl, "load_workbook", out_of_memory)
    folder = make_bundle()
    _attendance_workbook(folder)
    assert _refused(folder).endswith("cannot read as an .xlsx workbook: MemoryError")


def test_workbook_text_that_looks_missing_is_kept_and_rows_keep_their_sheet_number(make_bundle):
    folder = make_bundle()
    # A blank row 3, then a row whose response is the text "NA" (a value, as in CSV).
    _attendance_workbook(folder, _row(4, ["M2", "carl@acme.example", "NA", ""]))
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (4, "response", "NA")


# --- files that are not what their name says ---------------------------------------


def test_a_table_linked_to_a_file_outside_the_bundle_is_refused(make_bundle, tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    folder = make_bundle()
    (folder / "meetings.csv").unlink()
    (folder / "meetings.csv").symlink_to(secret)
    with pytest.raises(SystemExit) as exited:
        main(["validate", str(folder)])
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert err.strip().splitlines() == [f"error: {folder / 'meetings.csv'}: a symbolic link to a file outside "
                                        "the bundle folder: refused (copy the file into the folder instead)"]


def test_a_link_to_another_file_of_the_bundle_folder_is_read(make_bundle):
    folder = make_bundle()
    (folder / "exports").mkdir()
    (folder / "meetings.csv").rename(folder / "exports" / "meetings-2025.csv")
    (folder / "meetings.csv").symlink_to(Path("exports") / "meetings-2025.csv")
    bundle = load_bundle(folder)
    assert bundle.report.tables["meetings"].kept == 3
    assert bundle.report.ignored_files == ["exports/"]


@pytest.mark.parametrize("name", ["meetings.csv", "commitments.parquet", "bundle.xlsx"])
def test_a_folder_named_like_a_table_is_an_error_not_silence(make_bundle, name):
    folder = make_bundle()
    (folder / name).unlink(missing_ok=True)
    (folder / name).mkdir()
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    assert caught.value.unreadable
    assert str(caught.value) == f"{folder / name}: named like a table but is a folder, not a file"


def test_a_dangling_link_named_like_a_table_is_an_error_not_silence(make_bundle):
    folder = make_bundle(commitments=None)
    (folder / "commitments.csv").symlink_to(folder / "gone.csv")
    with pytest.raises(BundleError, match="a symbolic link to nothing"):
        load_bundle(folder)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_named_like_a_table_is_refused_not_waited_on(make_bundle):
    folder = make_bundle(communications=None)
    os.mkfifo(folder / "communications.csv")
    with pytest.raises(BundleError, match="not a regular file"):
        load_bundle(folder)


# --- what a rejected line may show ------------------------------------------------


def test_a_rejected_raw_line_shows_no_personal_data_when_pseudonymised(make_bundle, rows):
    folder = make_bundle()
    path = folder / "attendance.csv"
    path.write_text(path.read_text() + "M2,secret.person@acme.example,accepted,true,EXTRA\n")
    bundle = load_bundle(folder, lenient=True)
    assert bundle.report.tables["attendance"].rejected == 1
    shown = bundle.rejects.to_csv() + str(bundle.report.as_dict())
    assert "secret.person" not in shown
    assert bundle.rejects.loc[0, "value"] == "(raw line: see the file)"
    kept_raw = load_bundle(folder, lenient=True, pseudonymize=False).rejects
    assert kept_raw.loc[0, "value"].startswith("M2,secret.person@acme.example")
