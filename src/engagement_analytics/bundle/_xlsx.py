"""Read .xlsx workbooks within bounds.

An .xlsx file is a zip of XML parts, and a small one can unpack to gigabytes
(a zip bomb), hold millions of cells in one row, or place one cell at row
5,000,000 so that a sheet reader fills in every empty row before it (a
1.6 KB file that cost 30 s and 1.1 GB). So, before openpyxl parses anything,
the zip directory's sizes and ratios are checked and the XML is scanned for
the number of cells per row; while the sheets are read, the rows and the
cells the reader fills in are counted. Every limit is in ``_limits``.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from .._zipcheck import ZipTooLarge, check_zip
from . import _limits
from ._raw import first_line, unreadable
from ._types import BundleError

__all__ = ["read_workbook"]

# A start tag of a row or a cell, with or without a namespace prefix. XML has
# no other place for "<" than markup, so in UTF-8 this finds every one (and
# the odd one in a comment, which only makes the count stricter).
_ROW_OR_CELL = re.compile(rb"<(?:[A-Za-z_][\w.\-]{0,64}:)?(row|c)[\s/>]")
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._\-]{1,40})["']""")
_UTF8 = {b"utf-8", b"utf8", b"us-ascii", b"ascii"}


def read_workbook(file: Path, *, first_sheet_only: bool = False) -> dict[str, tuple[pd.DataFrame, np.ndarray]]:
    """The sheets of a workbook: per sheet name, its frame and the sheet row of each record.

    The first non-empty row holds the column names; empty rows are layout,
    not records; only an empty cell is missing (text such as ``NA`` is kept).
    """
    label = str(file)
    _check_archive(file, label)
    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl and zipfile raise many types for a bad file
        raise unreadable(label, f"cannot read as an .xlsx workbook: {first_line(exc)}") from None
    try:
        sheets = book.worksheets[:1] if first_sheet_only else book.worksheets
        if not sheets:
            raise unreadable(label, "workbook has no sheets")
        cells_left = [_limits.MAX_SHEET_CELLS]
        return {sheet.title: _read_sheet(sheet, f"{file} (sheet '{sheet.title}')", cells_left) for sheet in sheets}
    except BundleError:
        raise
    except Exception as exc:  # a part that fails to parse half-way
        raise unreadable(label, f"cannot read as an .xlsx workbook: {first_line(exc)}") from None
    finally:
        book.close()


def _check_archive(file: Path, label: str) -> None:
    """Refuse a zip bomb, or XML that would make one row of millions of cells, before parsing."""
    try:
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
            try:
                check_zip(archive, "workbook", max_member_bytes=_limits.MAX_XLSX_UNCOMPRESSED_BYTES,
                          max_total_bytes=_limits.MAX_XLSX_UNCOMPRESSED_BYTES,
                          max_ratio=_limits.MAX_XLSX_COMPRESSION_RATIO,
                          ratio_floor_bytes=_limits.XLSX_RATIO_FLOOR_BYTES)
            except ZipTooLarge as exc:
                why = str(exc).removeprefix("workbook: ")
                raise unreadable(label, f"{why} (save large tables as CSV or Parquet)") from None
            cells_left = _limits.MAX_SHEET_CELLS
            for part in parts:
                # Python's zipfile never inflates a part beyond its declared size.
                cells_left = _count_cells(archive.read(part), part.filename, label, cells_left)
    except BundleError:
        raise
    except Exception as exc:  # not a zip, a truncated one, a bad CRC, ...
        raise unreadable(label, f"cannot read as an .xlsx workbook: {first_line(exc)}") from None


def _count_cells(data: bytes, part: str, label: str, cells_left: int) -> int:
    """The cell budget left after an XML part, refusing a row or a part with too many cells.

    openpyxl builds a whole row in memory (some 300 bytes a cell) before it
    hands it out: a row of 30 million ``<c/>`` is 120 MB of XML and 9 GB.
    """
    head = data[:256]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00", b"<\x00")):
        raise unreadable(label, f"part '{part}' is XML in UTF-16 or UTF-32; only UTF-8 (what Excel writes) is read")
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not head.startswith(b"<"):
        return cells_left  # not XML (an image, say)
    declared = _DECLARED_ENCODING.match(head)
    if declared and declared.group(1).lower() not in _UTF8:
        raise unreadable(label, f"part '{part}' is XML in {declared.group(1).decode()}; only UTF-8 "
                                "(what Excel writes) is read")
    in_row = 0
    for match in _ROW_OR_CELL.finditer(data):
        if match.group(1) == b"row":
            in_row = 0
            continue
        in_row += 1
        cells_left -= 1
        if in_row > _limits.MAX_ROW_CELLS:
            raise unreadable(label, f"part '{part}' has a row of more than {_limits.MAX_ROW_CELLS:,} cells "
                                    "(Excel's own limit)")
        if cells_left < 0:
            raise unreadable(label, f"holds more than {_limits.MAX_SHEET_CELLS:,} cells, the limit for a "
                                    "workbook (save large tables as CSV or Parquet)")
    return cells_left


def _read_sheet(sheet, label: str, cells_left: list[int]) -> tuple[pd.DataFrame, np.ndarray]:
    """One sheet's frame and the sheet row of each of its records, within the limits."""
    # Declared dimensions can be wrong: go by the cells the sheet holds.
    sheet.reset_dimensions()
    names: list[object] | None = None
    records: list[list[object]] = []
    numbers: list[int] = []
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        # The reader fills in the rows and cells between the ones the file holds.
        cells_left[0] -= max(len(cells), 1)
        if number > _limits.MAX_SHEET_ROWS or cells_left[0] < 0:
            why = (f"has more than {_limits.MAX_SHEET_ROWS:,} rows (Excel's own limit)"
                   if number > _limits.MAX_SHEET_ROWS else
                   f"spreads out to more than {_limits.MAX_SHEET_CELLS:,} cells, the limit for a workbook "
                   "(a cell far out in an empty sheet? save large tables as CSV or Parquet)")
            raise unreadable(label, why, row=number)
        values = [None if value == "" else value for value in cells]
        while values and values[-1] is None:
            values.pop()
        if not values:
            continue  # an empty row is layout, not a record
        if len(values) > _limits.MAX_COLUMNS:
            raise unreadable(label, f"a value in column {len(values):,}, beyond the limit of "
                                    f"{_limits.MAX_COLUMNS:,} columns", row=number)
        if names is None:
            names = values
            continue
        records.append(values)
        numbers.append(number)
    names = names or []
    width = max([len(names)] + [len(values) for values in records])
    names += [None] * (width - len(names))
    frame = pd.DataFrame([values + [None] * (width - len(values)) for values in records],
                         columns=range(width), dtype=object)
    frame.columns = [f"unnamed: {k}" if name is None else str(name) for k, name in enumerate(names)]
    return frame, np.asarray(numbers, dtype=np.int64)
