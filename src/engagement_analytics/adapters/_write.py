"""Write adapter tables into a bundle folder, appending without duplicates."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from .._atomic import LOCK_WAIT_SECONDS, locked_folder, replace_files
from .._contract import TABLES
from ..safe_csv import unescape_frame, write_csv
from ._csv import read_text_csv
from ._result import AdapterError, AdapterResult

__all__ = ["locked_bundle", "read_bundle_table", "write_bundle"]

#: Formats the loader reads a table from: a table in one of them cannot be appended to.
OTHER_FORMATS = (".parquet", ".xlsx")

#: Rows of a new export update the existing row with the same key: a cell the
#: new export leaves empty keeps its old value (a Zoom report adds ``attended``
#: to an invitation read from a calendar without erasing its ``response``).
MERGE_KEYS = {
    "engagements": ("engagement_id",),
    "meetings": ("meeting_id",),
    "attendance": ("meeting_id", "person_id"),
    "communications": ("message_id",),
}
#: Rows a new export replaces whole (in the columns it has): a reopened Jira
#: issue must lose its old ``done_on``, which "empty keeps the old value" would keep.
REPLACE_KEYS = {"commitments": ("commitment_id",)}
#: Stakeholders are never overwritten: a role in the bundle (often typed by
#: the user) beats the role an adapter guesses; only new people are added.
KEEP_KEY = ("engagement_id", "person_id")
#: Key columns holding a person id: matched on ``strip().casefold()`` because
#: adapters lower-case e-mails while a bundle may spell them with capitals (the
#: loader lower-cases ids, so two spellings would become one person twice).
PERSON_KEYS = ("person_id",)


def write_bundle(
    result: AdapterResult,
    out_dir: str | Path,
    *,
    append: bool = True,
    wait: float = LOCK_WAIT_SECONDS,
) -> pd.DataFrame:
    """Write an adapter's tables as CSV files of a bundle folder, all or nothing.

    Parameters
    ----------
    result : AdapterResult
    out_dir : str or Path
        The bundle folder (created if missing).
    append : bool, default True
        Merge into existing ``<table>.csv`` files by key: meetings by
        ``meeting_id``, attendance by ``(meeting_id, person_id)``, engagements
        by ``engagement_id`` (non-empty new cells win); stakeholders only gain
        people the file does not already list for that engagement. Person ids
        are compared case-insensitively (the existing row's spelling is
        kept). New rows repeating a key are merged first (the first non-empty
        cell wins; for stakeholders the first row), so no key is ever written
        twice. With ``append=False`` the files are replaced.
    wait : float, default 60
        Seconds to wait for another run writing the same bundle (see
        :func:`locked_bundle`), then :class:`~engagement_analytics._atomic.FolderBusy`.

    Returns
    -------
    DataFrame
        One row per table written: ``table, file, before, added, updated, after``.

    Raises
    ------
    AdapterError
        When a table exists in another format (append needs CSV), an
        existing file repeats a key, or a cell holds a NUL byte (a bundle
        CSV with one could never be read again; readers skip such items
        first, so this is a last guard).

    Notes
    -----
    The tables are switched together (see ``docs/adapters.md``): whatever
    moment the process dies, ``load_bundle`` reads either every old table or
    every new one, and the next run cleans up after it.
    """
    out_dir = Path(out_dir)
    rows = []
    merged_tables = {}
    with locked_bundle(out_dir, wait=wait):
        for table, new in result.tables.items():
            path = out_dir / f"{table}.csv"
            others = [p.name for p in out_dir.glob(f"{table}.*") if p.suffix.lower() in OTHER_FORMATS]
            if others:
                raise AdapterError(f"{others[0]}: adapters write CSV; convert this table to CSV first")
            new = _clean(new)
            old = _clean(_read_csv(path)) if append and path.exists() else None
            merged, added, updated = _merge(table, old, new, path.name)
            _refuse_nul(merged, path.name)
            merged_tables[path.name] = merged
            before = 0 if old is None else len(old)
            rows.append(
                {"table": table, "file": path.name, "before": before, "added": added,
                 "updated": updated, "after": len(merged)}
            )
        replace_files(
            out_dir,
            {name: lambda path, frame=frame: _write_csv(frame, path)
             for name, frame in merged_tables.items()},
            wait=wait,
        )
    return pd.DataFrame(rows, columns=["table", "file", "before", "added", "updated", "after"])


@contextlib.contextmanager
def locked_bundle(out_dir: str | Path, *, wait: float = LOCK_WAIT_SECONDS) -> Iterator[list[str]]:
    """Hold a bundle folder's write lock for the block (creating the folder).

    Only one run at a time reads, merges and writes a bundle: hold the lock
    from reading the bundle's tables (Zoom matching, known engagements) to
    :func:`write_bundle` (which takes it too), so no run writes tables merged
    from a state another run has since changed. Waits up to ``wait`` seconds
    for another holder, then raises ``FolderBusy`` (an ``OSError``).

    On entry, what an interrupted run left is repaired: its committed tables
    are switched in, its uncommitted ones deleted, and ``<table>.csv.tmp``
    files (left by earlier versions when killed) removed. Yields one line
    per repair.
    """
    out_dir = Path(out_dir)
    with locked_folder(out_dir, wait=wait) as repaired:
        for table in TABLES:
            legacy = out_dir / f"{table}.csv.tmp"
            if legacy.is_file():
                legacy.unlink()
                repaired.append(f"{legacy}: removed (left by an interrupted import)")
        yield repaired


def read_bundle_table(out_dir: str | Path, table: str) -> pd.DataFrame | None:
    """A bundle folder's ``<table>.csv`` as raw text (column names lower-cased), or None."""
    path = Path(out_dir) / f"{table}.csv"
    if not path.is_file():
        return None
    return _read_csv(path).rename(columns=lambda c: str(c).strip().lower())


def _read_csv(path: Path) -> pd.DataFrame:
    """A bundle table written by :func:`_write_csv` (or by hand) as text, spreadsheet escapes removed."""
    return unescape_frame(read_text_csv(path))


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    return frame.astype(str).where(frame.notna(), "").reset_index(drop=True)


def _columns(table: str, *frames: pd.DataFrame) -> list[str]:
    """Contract columns first (in contract order), then any extra columns kept."""
    present = [c for f in frames for c in f.columns]
    contract = [c for c in TABLES[table].column_names if c in present]
    return contract + [c for c in dict.fromkeys(present) if c not in contract]


def _merge(
    table: str, old: pd.DataFrame | None, new: pd.DataFrame, file: str
) -> tuple[pd.DataFrame, int, int]:
    """The merged table, rows added and rows updated."""
    keys = list(MERGE_KEYS.get(table) or REPLACE_KEYS.get(table) or KEEP_KEY)
    exported = list(new.columns)
    new = _unique(table, new, keys)
    if old is None or old.empty:
        return new.reindex(columns=_columns(table, new), fill_value=""), len(new), 0
    columns = _columns(table, old, new)
    old = old.reindex(columns=columns, fill_value="")
    new = new.reindex(columns=columns, fill_value="")
    old_keys = _key_index(old, keys)
    duplicated = old_keys.duplicated()
    if duplicated.any():
        row = int(duplicated.nonzero()[0][0])
        value = ", ".join(old.loc[row, keys])
        raise AdapterError(f"{file}, row {row + 2}: key ({value}) appears twice; fix the file first")
    new_keys = _key_index(new, keys)
    exists = new_keys.isin(old_keys)
    added = new.loc[~exists]
    if table not in MERGE_KEYS and table not in REPLACE_KEYS:
        return pd.concat([old, added], ignore_index=True), len(added), 0
    merged = old.set_index(old_keys)
    update = new.loc[exists].set_index(new_keys[exists])
    current = merged.loc[update.index, columns]
    # The existing row's spelling of its key is kept.
    update[keys] = current[keys]
    if table in REPLACE_KEYS:
        keep = [c for c in columns if c not in exported]  # columns the user added
        changed = update.copy()
        changed[keep] = current[keep]
    else:
        changed = update.mask(update.eq(""), current)
    updated = int((changed != current).any(axis=1).sum())
    merged.loc[update.index, columns] = changed
    merged = pd.concat([merged.reset_index(drop=True), added], ignore_index=True)
    return merged, len(added), updated


def _refuse_nul(frame: pd.DataFrame, file: str) -> None:
    """Raise a one-line AdapterError if any cell (or column name) of ``frame`` holds a NUL byte."""
    for column in frame.columns:
        if "\0" in str(column):
            raise AdapterError(f"{file}: a column name holds a NUL byte; nothing written")
        if frame[column].str.contains("\0", regex=False).any():
            raise AdapterError(f"{file}, column {str(column)!r}: a cell holds a NUL byte; "
                               "nothing written")


def _key_index(frame: pd.DataFrame, keys: list[str]) -> pd.MultiIndex:
    """The rows' keys as compared when merging (person ids case-insensitively)."""
    parts = {
        key: frame[key].str.strip().str.casefold() if key in PERSON_KEYS else frame[key]
        for key in keys
    }
    return pd.MultiIndex.from_frame(pd.DataFrame(parts, index=frame.index))


def _unique(table: str, frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """New rows with one row per key (e.g. one meeting in two Zoom reports).

    Merged tables take the first non-empty cell of the rows sharing a key,
    stakeholders their first row, like the merge with the existing file.
    """
    if not set(keys) <= set(frame.columns):
        return frame  # nothing to key on (the merge with a file reports the missing column)
    index = _key_index(frame, keys)
    if not index.duplicated().any():
        return frame
    if table not in MERGE_KEYS:
        return frame.loc[~index.duplicated()].reset_index(drop=True)
    groups = pd.Series(index.factorize()[0], index=frame.index)
    first = frame.mask(frame.eq("")).groupby(groups, sort=False).first()
    return first.reindex(columns=frame.columns).fillna("").reset_index(drop=True)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write one table into ``replace_files``' staging folder (no temporary file needed there).

    Cells a spreadsheet would evaluate are escaped (see ``safe_csv``); the
    loader removes the escape again.
    """
    write_csv(frame, path, index=False)
