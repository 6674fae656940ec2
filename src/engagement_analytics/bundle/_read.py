"""Find and read the files of a bundle into raw frames, without judging values.

A raw frame has the file's columns (names trimmed and lower-cased), cells as
strings or as the native values a typed format (Parquet, XLSX) carries, and
knows how to turn a record position back into the row a person sees in the
file (:class:`RawTable.row_number`). Values are checked later, in
``_validate.py``. Each format's reader keeps within the limits in
``_limits.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from .._contract import TABLES
from . import _limits
from ._csv import read_csv
from ._raw import RawTable, first_line, normalise_columns, unreadable
from ._xlsx import read_workbook

__all__ = ["RawTable", "read_source"]

_FORMATS = (".csv", ".parquet", ".xlsx")
_WORKBOOK = "bundle.xlsx"


def read_source(source: str | Path | Mapping[str, pd.DataFrame]) -> tuple[dict[str, RawTable], list[str]]:
    """Read every contract table a bundle holds.

    Returns
    -------
    tables : dict of str to RawTable
        The tables found, by contract name.
    ignored : list of str
        Files in the bundle folder that are not contract tables (folders end in "/").
    """
    if isinstance(source, Mapping):
        return _read_frames(source), []
    path = Path(source)
    if not path.exists():
        raise unreadable(str(path), "no such file or folder")
    if not path.is_file() and not path.is_dir():
        raise unreadable(str(path), "neither a folder nor a file")
    if path.is_file():
        if path.suffix.lower() != ".xlsx":
            raise unreadable(str(path), "a bundle is a folder, or one .xlsx workbook with a sheet per table")
        return _read_workbook(path), []
    return _read_folder(path)


def _read_folder(folder: Path) -> tuple[dict[str, RawTable], list[str]]:
    files_by_table: dict[str, list[Path]] = {}
    ignored: list[str] = []
    workbook: Path | None = None
    try:
        entries = sorted(folder.iterdir())
        inside = folder.resolve()
    except OSError as exc:
        raise unreadable(str(folder), f"cannot list the folder: {exc.strerror or exc}") from None
    for entry in entries:
        if entry.name.startswith("."):
            continue
        stem, suffix = entry.stem.strip().lower(), entry.suffix.lower()
        if entry.name.lower() != _WORKBOOK and not (stem in TABLES and suffix in _FORMATS):
            ignored.append(entry.name + ("/" if entry.is_dir() else ""))
            continue
        _check_table_file(entry, inside)
        if entry.name.lower() == _WORKBOOK:
            workbook = entry
        else:
            files_by_table.setdefault(stem, []).append(entry)
    tables: dict[str, RawTable] = {}
    if workbook is not None:
        tables = _read_workbook(workbook)
    for name, files in files_by_table.items():
        if len(files) > 1 or name in tables:
            shown = ", ".join(f.name for f in files) + (f", {_WORKBOOK}" if name in tables else "")
            raise unreadable(str(folder), f"table '{name}' is given more than once ({shown})")
        tables[name] = _read_file(files[0], name)
    return tables, ignored


def _check_table_file(entry: Path, inside: Path) -> None:
    """Refuse an entry named like a table that is not a regular file of the bundle folder.

    A symbolic link may point to another file in the folder; one that leads
    out of it is refused, so a bundle never makes the loader read (and print
    lines of) a file elsewhere on the machine.
    """
    if entry.is_symlink():
        try:
            target = entry.resolve(strict=True)
        except (OSError, RuntimeError):  # a missing target, a loop of links
            raise unreadable(str(entry), "a symbolic link to nothing (its target does not exist)") from None
        if not target.is_relative_to(inside):
            raise unreadable(str(entry), "a symbolic link to a file outside the bundle folder: refused "
                                         "(copy the file into the folder instead)")
    if entry.is_dir():
        raise unreadable(str(entry), "named like a table but is a folder, not a file")
    if not entry.is_file():
        raise unreadable(str(entry), "named like a table but is not a regular file (a pipe, socket or device)")


def _read_file(file: Path, table: str) -> RawTable:
    suffix = file.suffix.lower()
    if suffix == ".csv":
        return read_csv(file, table)
    if suffix == ".parquet":
        return _read_parquet(file, table)
    ((sheet, (frame, rows)),) = read_workbook(file, first_sheet_only=True).items()
    return _sheet_table(frame, rows, f"{file} (sheet '{sheet}')", table)


# --- Parquet, sheets and frames -------------------------------------------------


def _header_offset(positions: np.ndarray) -> np.ndarray:
    # Parquet and in-memory frames: the header counts as row 1.
    return positions + 2


def _read_parquet(file: Path, table: str) -> RawTable:
    label = str(file)
    try:
        n_columns = pq.read_metadata(file).num_columns
        frame = pd.read_parquet(file) if n_columns <= _limits.MAX_COLUMNS else None
    except Exception as exc:  # pyarrow raises many types for a bad file
        raise unreadable(label, f"cannot read as Parquet: {first_line(exc)}", table) from None
    if frame is None:
        raise unreadable(label, f"has {n_columns:,} columns, more than the limit of {_limits.MAX_COLUMNS:,}", table)
    frame = normalise_columns(frame.reset_index(drop=True), label, table)
    return RawTable(table, label, frame, _header_offset)


def _read_workbook(file: Path) -> dict[str, RawTable]:
    tables: dict[str, RawTable] = {}
    for sheet_name, (frame, rows) in read_workbook(file).items():
        name = str(sheet_name).strip().lower()
        if name in TABLES:
            if name in tables:
                raise unreadable(str(file), f"sheet for table '{name}' given twice")
            tables[name] = _sheet_table(frame, rows, f"{file} (sheet '{sheet_name}')", name)
    return tables


def _sheet_table(frame: pd.DataFrame, rows: np.ndarray, label: str, table: str) -> RawTable:
    return RawTable(table, label, normalise_columns(frame, label, table), lambda positions: rows[positions])


def _read_frames(frames: Mapping[str, pd.DataFrame]) -> dict[str, RawTable]:
    tables = {}
    for name, frame in frames.items():
        key = name.strip().lower()
        if key not in TABLES:
            continue
        label = f"{key} (in-memory frame)"
        tables[key] = RawTable(key, label, normalise_columns(frame.reset_index(drop=True).copy(), label, key),
                               _header_offset)
    return tables
