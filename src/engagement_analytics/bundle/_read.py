"""Find and read the files of a bundle into raw frames, without judging values.

A raw frame has the file's columns (names trimmed and lower-cased), cells as
strings or as the native values a typed format (Parquet, XLSX) carries, and
knows how to turn a record position back into the row a person sees in the
file (:class:`RawTable.row_number`). Values are checked later, in
``_validate.py``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from .._contract import TABLES
from ._types import BundleError, Problem

__all__ = ["RawTable", "read_source"]

_FORMATS = (".csv", ".parquet", ".xlsx")
_WORKBOOK = "bundle.xlsx"


@dataclass
class RawTable:
    """One table as read from its file, before validation."""

    table: str
    file: str
    frame: pd.DataFrame
    # Maps a record position (0-based, in `frame`) to the row shown in the file.
    _row_numbers: Callable[[np.ndarray], np.ndarray]
    # Rows the reader itself could not split into the header's columns.
    unparsable: list[Problem] = field(default_factory=list)

    @property
    def read(self) -> int:
        return len(self.frame) + len(self.unparsable)

    def row_number(self, positions: np.ndarray) -> np.ndarray:
        return self._row_numbers(np.asarray(positions, dtype=np.int64))


def read_source(source: str | Path | Mapping[str, pd.DataFrame]) -> tuple[dict[str, RawTable], list[str]]:
    """Read every contract table a bundle holds.

    Returns
    -------
    tables : dict of str to RawTable
        The tables found, by contract name.
    ignored : list of str
        Files in the bundle folder that are not contract tables.
    """
    if isinstance(source, Mapping):
        return _read_frames(source), []
    path = Path(source)
    if not path.exists():
        raise _unreadable(str(path), "no such file or folder")
    if not path.is_file() and not path.is_dir():
        raise _unreadable(str(path), "neither a folder nor a file")
    if path.is_file():
        if path.suffix.lower() != ".xlsx":
            raise _unreadable(str(path), "a bundle is a folder, or one .xlsx workbook with a sheet per table")
        return _read_workbook(path), []
    return _read_folder(path)


def _read_folder(folder: Path) -> tuple[dict[str, RawTable], list[str]]:
    files_by_table: dict[str, list[Path]] = {}
    ignored: list[str] = []
    workbook: Path | None = None
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise _unreadable(str(folder), f"cannot list the folder: {exc.strerror or exc}") from None
    for file in entries:
        if not file.is_file() or file.name.startswith("."):
            continue
        stem, suffix = file.stem.strip().lower(), file.suffix.lower()
        if file.name.lower() == _WORKBOOK:
            workbook = file
        elif stem in TABLES and suffix in _FORMATS:
            files_by_table.setdefault(stem, []).append(file)
        else:
            ignored.append(file.name)
    tables: dict[str, RawTable] = {}
    if workbook is not None:
        tables = _read_workbook(workbook)
    for name, files in files_by_table.items():
        if len(files) > 1 or name in tables:
            shown = ", ".join(f.name for f in files) + (f", {_WORKBOOK}" if name in tables else "")
            raise _unreadable(str(folder), f"table '{name}' is given more than once ({shown})")
        tables[name] = _read_file(files[0], name)
    return tables, ignored


def _read_file(file: Path, table: str) -> RawTable:
    suffix = file.suffix.lower()
    if suffix == ".csv":
        return _read_csv(file, table)
    if suffix == ".parquet":
        return _read_parquet(file, table)
    return _read_sheet_file(file, table)


def _unreadable(file: str, why: str, table: str = "") -> BundleError:
    return BundleError([Problem(table, file, None, None, None, why)], unreadable=True)


def _normalise_columns(frame: pd.DataFrame, file: str, table: str) -> pd.DataFrame:
    names = [str(c).strip().lower() for c in frame.columns]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise BundleError(
                [Problem(table, file, 1, name, None, "column given twice (names are matched case-insensitively)")]
            )
        seen.add(name)
    frame.columns = names
    return frame


# --- CSV --------------------------------------------------------------------


def _read_csv(file: Path, table: str) -> RawTable:
    label = str(file)
    try:
        with file.open("rb") as handle:
            head = handle.read(65536)
    except OSError as exc:
        raise _unreadable(label, f"cannot read: {exc.strerror or exc}", table) from None
    if b"\x00" in head:
        raise _unreadable(label, "binary file, not a CSV text file", table)
    text_head = head.decode("utf-8-sig", errors="replace")
    if not text_head.strip():
        raise _unreadable(label, "empty file (no header row)", table)
    header_line = next(csv.reader(io.StringIO(text_head.lstrip("\r\n"))), [])
    if not any(h.strip() for h in header_line):
        raise _unreadable(label, "no header row", table)

    invalid: list[int] = []  # only counted here: pyarrow's order and numbers are unreliable

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append(1)
        return "skip"

    try:
        arrow = pacsv.read_csv(
            file,
            # Blocks of 16 MiB instead of 1 MiB: a few dozen chunks per large
            # column instead of hundreds, which every later kernel walks.
            read_options=pacsv.ReadOptions(block_size=16 * 2**20),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                # large_string is pandas' own text storage: no copy into pandas.
                column_types={name: pa.large_string() for name in header_line},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        message = str(exc).splitlines()[0]
        if "UTF8" in message or "utf-8" in message.lower():
            message = "not UTF-8 text (is it a binary file or another encoding?)"
        raise _unreadable(label, f"cannot parse as CSV: {message}", table) from None
    frame = _normalise_columns(arrow.to_pandas(), label, table)

    line_numbers: list[np.ndarray] = []

    def row_numbers(positions: np.ndarray) -> np.ndarray:
        # Only computed on the error path: a physical-line scan of the file.
        if not line_numbers:
            line_numbers.append(_record_start_lines(file, len(header_line)))
        return line_numbers[0][positions]

    problems = []
    if invalid:
        # pyarrow's row numbers are unknown when it reads in parallel: locate
        # the bad records with a single-threaded scan (error path only).
        # pyarrow reports them out of order, so line, width and text all come from the scan.
        for line, width, text in _bad_width_records(file, len(header_line)):
            problems.append(
                Problem(
                    table,
                    label,
                    line,
                    None,
                    text[:80],
                    f"row has {width} fields, the header has {len(header_line)}",
                )
            )
    return RawTable(table, label, frame, row_numbers, problems)


def _records(file: Path):
    """(start line, fields) of every non-blank record after the header, as the CSV reader sees them."""
    with file.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        previous = 0
        header_seen = False
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if not record or (len(record) == 1 and record[0] == ""):
                continue
            if not header_seen:
                header_seen = True
                continue
            yield start, record


def _record_start_lines(file: Path, n_columns: int) -> np.ndarray:
    """Physical line where each well-formed data record starts (error path only)."""
    lines = [start for start, record in _records(file) if len(record) == n_columns]
    return np.asarray(lines, dtype=np.int64)


def _bad_width_records(file: Path, n_columns: int) -> list[tuple[int, int, str]]:
    """(line, number of fields, text) of each record whose width differs from the header's."""
    return [
        (start, len(record), ",".join(record))
        for start, record in _records(file)
        if len(record) != n_columns
    ]


# --- Parquet and spreadsheets -------------------------------------------------


def _header_offset(positions: np.ndarray) -> np.ndarray:
    # Parquet, sheets and in-memory frames: the header counts as row 1.
    return positions + 2


def _read_parquet(file: Path, table: str) -> RawTable:
    try:
        frame = pd.read_parquet(file)
    except Exception as exc:  # pyarrow raises many types for a bad file
        raise _unreadable(str(file), f"cannot read as Parquet: {str(exc).splitlines()[0]}", table) from None
    frame = _normalise_columns(frame.reset_index(drop=True), str(file), table)
    return RawTable(table, str(file), frame, _header_offset)


def _read_sheet_file(file: Path, table: str) -> RawTable:
    sheets = _open_workbook(file)
    return _sheet_table(next(iter(sheets.values())), f"{file} (sheet '{next(iter(sheets))}')", table)


def _read_workbook(file: Path) -> dict[str, RawTable]:
    sheets = _open_workbook(file)
    tables: dict[str, RawTable] = {}
    for sheet_name, frame in sheets.items():
        name = str(sheet_name).strip().lower()
        if name in TABLES:
            if name in tables:
                raise _unreadable(str(file), f"sheet for table '{name}' given twice")
            tables[name] = _sheet_table(frame, f"{file} (sheet '{sheet_name}')", name)
    return tables


def _open_workbook(file: Path) -> dict[str, pd.DataFrame]:
    try:
        sheets = pd.read_excel(file, sheet_name=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl/zipfile raise many types for a bad file
        raise _unreadable(str(file), f"cannot read as an .xlsx workbook: {str(exc).splitlines()[0]}") from None
    if not sheets:
        raise _unreadable(str(file), "workbook has no sheets")
    return sheets


def _sheet_table(frame: pd.DataFrame, label: str, table: str) -> RawTable:
    frame = _normalise_columns(frame, label, table)
    # Entirely empty rows are layout, not records (like blank lines in a CSV).
    filled = frame.notna().any(axis=1).to_numpy()
    sheet_rows = np.flatnonzero(filled) + 2
    frame = frame.loc[filled].reset_index(drop=True)
    return RawTable(table, label, frame, lambda positions: sheet_rows[positions])


def _read_frames(frames: Mapping[str, pd.DataFrame]) -> dict[str, RawTable]:
    tables = {}
    for name, frame in frames.items():
        key = name.strip().lower()
        if key not in TABLES:
            continue
        label = f"{key} (in-memory frame)"
        tables[key] = RawTable(key, label, _normalise_columns(frame.reset_index(drop=True).copy(), label, key), _header_offset)
    return tables
