"""Paths, sheet names and cell values are printed as they are: no markup, no emoji, no traceback."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from engagement_analytics.cli import main

HOSTILE_KIND = ":x:"  # rich turns it into an emoji unless told not to


def run(capsys, *args):
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    captured = capsys.readouterr()
    return exited.value.code, captured.out, captured.err


def _write(folder, tables, write_csv):
    folder.mkdir(parents=True)
    for name, table_rows in tables.items():
        write_csv(folder / f"{name}.csv", table_rows)
    return folder


def test_a_folder_name_with_markup(tmp_path, rows, write_csv, capsys):
    names = ("engagements", "stakeholders", "meetings", "attendance")
    folder = _write(tmp_path / "a[" / "]b", {name: rows(name) for name in names}, write_csv)
    assert str(folder).endswith("a[/]b")
    code, out, _ = run(capsys, "validate", str(folder))
    assert code == 0 and "Valid" in out
    meetings = rows("meetings")
    meetings[2][4] = "party"
    write_csv(folder / "meetings.csv", meetings)
    code, out, _ = run(capsys, "validate", "--lenient", str(folder))
    assert code == 1 and f"{folder}/meetings.csv, row 3, column 'kind'" in out


def test_a_cell_with_an_emoji_code(make_bundle, rows, capsys):
    meetings = rows("meetings")
    meetings[2][4] = HOSTILE_KIND
    folder = make_bundle(meetings=meetings)
    where = f"{folder}/meetings.csv, row 3, column 'kind', value ':x:'"
    code, out, _ = run(capsys, "validate", "--lenient", str(folder))
    assert code == 1 and where in out and "\u274c" not in out
    code, _, err = run(capsys, "validate", str(folder))
    assert code == 1 and err.startswith(f"error: {where}") and "\u274c" not in err


def test_a_sheet_name_with_markup(tmp_path, rows, write_csv, capsys):
    names = ("engagements", "stakeholders", "attendance")
    folder = _write(tmp_path / "bundle", {name: rows(name) for name in names}, write_csv)
    meetings = rows("meetings")
    meetings[2][4] = HOSTILE_KIND
    plain = tmp_path / "plain.xlsx"
    pd.DataFrame(meetings[1:], columns=meetings[0]).to_excel(plain, sheet_name="x", index=False)
    # Excel and openpyxl refuse "[/]" in a sheet name when writing, not when reading.
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(folder / "meetings.xlsx", "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b'name="x"', b'name="x[/]y"')
            target.writestr(item, data)
    code, out, _ = run(capsys, "validate", "--lenient", str(folder))
    assert code == 1
    assert "meetings.xlsx (sheet 'x[/]y'), row 3, column 'kind', value ':x:'" in out
    assert "\u274c" not in out
