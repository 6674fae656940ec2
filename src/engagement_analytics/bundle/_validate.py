"""Check raw tables against the contract: types, required cells, keys, row rules, references.

Checks are vectorised; a broken rule is recorded as an :class:`_Issue` (the
positions of the rows that break it) and only turned into located
:class:`Problem` objects at the end, so clean data pays for no bookkeeping.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._contract import CLIENT_ROLES, VENDOR_ROLES, TableSpec, utc_offset_column
from ..safe_csv import unescape_column
from ._arrow_ops import arrow_isin, has_duplicates
from ._parse import parse_column
from ._raw import RawTable
from ._types import BundleError, Problem

__all__ = ["CheckedTable", "check_table", "check_references"]

_EMPTY_DTYPES = {
    "string": "str",
    "enum": "str",
    "date": "datetime64[ns]",
    "datetime": "datetime64[ns, UTC]",
    "bool": "boolean",
    "number": "float64",
    "integer": "Int64",
}


@dataclass
class _Issue:
    positions: np.ndarray
    column: str | None
    rule: str
    values: np.ndarray | None = None  # shown values; default: the raw cells
    cascade: bool = False  # a consequence of another table's rejected row


@dataclass
class CheckedTable:
    """A table after parsing: typed columns plus the rules its rows break."""

    raw: RawTable
    spec: TableSpec
    typed: pd.DataFrame
    issues: list[_Issue] = field(default_factory=list)
    naive: dict[str, int] = field(default_factory=dict)
    defaulted: dict[str, int] = field(default_factory=dict)
    # Dictionary codes of typed columns computed by the key check, kept for reuse.
    codes: dict[str, tuple[np.ndarray, object]] = field(default_factory=dict)

    def add(self, mask: np.ndarray | pd.Series, column: str | None, rule: str, **extra) -> None:
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if len(positions):
            self.issues.append(_Issue(positions, column, rule, **extra))

    def rejected_mask(self, *, include_cascade: bool = True) -> np.ndarray:
        mask = np.zeros(len(self.typed), dtype=bool)
        for issue in self.issues:
            if include_cascade or not issue.cascade:
                mask[issue.positions] = True
        return mask

    def problems(self, *, include_cascade: bool = True) -> list[Problem]:
        """Located problems, ordered by row then column."""
        found = [p for p in self.raw.unparsable]
        for issue in self.issues:
            if issue.cascade and not include_cascade:
                continue
            rows = self.raw.row_number(issue.positions)
            if issue.values is not None:
                values = issue.values
            elif issue.column is not None and issue.column in self.raw.frame.columns:
                values = self.raw.frame[issue.column].to_numpy()[issue.positions]
            else:
                values = [None] * len(rows)
            found += [
                Problem(self.spec.name, self.raw.file, int(row), issue.column, _shown(value), issue.rule)
                for row, value in zip(rows, values, strict=True)
            ]
        found.sort(key=lambda p: (p.row if p.row is not None else -1, p.column or ""))
        return found


def _shown(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "" if value is not None else None
    return str(value)


def check_table(raw: RawTable, spec: TableSpec) -> CheckedTable:
    """Parse every contract column of ``raw`` and check the table's own rules."""
    frame = raw.frame
    missing = [c.name for c in spec.columns if c.required and c.name not in frame.columns]
    if missing:
        header = ", ".join(map(str, frame.columns)) or "(none)"
        raise BundleError(
            [
                Problem(spec.name, raw.file, 1, name, None, f"required column is missing (header: {header})")
                for name in missing
            ]
        )
    reserved = [utc_offset_column(c.name) for c in spec.columns
                if c.type == "datetime" and utc_offset_column(c.name) in frame.columns]
    if reserved:
        # The loader writes these columns itself: a given one would be lost.
        raise BundleError(
            [
                Problem(spec.name, raw.file, 1, name, None,
                        "column name is reserved: the loader derives it from the datetime column "
                        f"'{name.removesuffix('_utc_offset_minutes')}'; rename it")
                for name in reserved
            ]
        )
    columns: dict[str, pd.Series] = {}
    checked = CheckedTable(raw, spec, pd.DataFrame())
    for col in spec.columns:
        if col.name not in frame.columns:
            values = pd.Series(col.default, index=frame.index, dtype=_EMPTY_DTYPES[col.type])
            if col.default is not None and len(frame):
                checked.defaulted[f"{spec.name}.{col.name}"] = len(frame)
            columns[col.name] = values
            continue
        parsed = parse_column(frame[col.name], col)
        columns[col.name] = parsed.values
        checked.add(parsed.bad, col.name, parsed.rule)
        if col.required:
            checked.add(parsed.values.isna().to_numpy() & ~parsed.bad, col.name, "required value is empty")
        if parsed.naive:
            checked.naive[f"{spec.name}.{col.name}"] = parsed.naive
        if parsed.utc_offset_minutes is not None:
            columns[utc_offset_column(col.name)] = parsed.utc_offset_minutes
        if parsed.defaulted:
            checked.defaulted[f"{spec.name}.{col.name}"] = parsed.defaulted
    # Extras are kept as read, less the spreadsheet escape of a CSV writer (see safe_csv).
    extras = {name: unescape_column(frame[name]) for name in frame.columns if name not in columns}
    # No copy: the parsed columns are new already, extras are kept as read.
    checked.typed = pd.DataFrame({**columns, **extras}, index=frame.index, copy=False)
    for key in spec.unique:
        _check_unique(checked, key)
    _ROW_RULES.get(spec.name, lambda _: None)(checked)
    return checked


def _check_unique(checked: CheckedTable, key: tuple[str, ...]) -> None:
    if not has_duplicates(checked.typed, list(key), codes=checked.codes):
        return
    keys = checked.typed[list(key)]
    complete = keys.notna().all(axis=1).to_numpy()
    duplicated = keys.duplicated(keep="first").to_numpy() & complete
    if not duplicated.any():
        return
    first = keys[complete].drop_duplicates(keep="first")
    first_row = pd.Series(
        checked.raw.row_number(np.flatnonzero(complete)[~keys[complete].duplicated(keep="first").to_numpy()]),
        index=pd.MultiIndex.from_frame(first) if len(key) > 1 else first[key[0]],
    )
    dup_positions = np.flatnonzero(duplicated)
    dup_keys = keys.iloc[dup_positions]
    lookup = pd.MultiIndex.from_frame(dup_keys) if len(key) > 1 else dup_keys[key[0]]
    first_rows = first_row.reindex(lookup).to_numpy()
    shown_key = dup_keys.astype(str).agg(" / ".join, axis=1).to_numpy()
    for row_first in np.unique(first_rows):
        same = first_rows == row_first
        checked.issues.append(
            _Issue(
                dup_positions[same],
                "/".join(key),
                f"duplicate {' + '.join(key)} (first given at row {int(row_first)})",
                values=shown_key[same],
            )
        )


def _engagement_rules(checked: CheckedTable) -> None:
    t = checked.typed
    checked.add(t["planned_end_date"] < t["start_date"], "planned_end_date", "planned_end_date is before start_date")
    checked.add(t["closed_date"] < t["start_date"], "closed_date", "closed_date is before start_date")
    # Only a bad closed_date or outcome cell makes the pairing rule moot; other bad cells do not.
    bad_cells = np.zeros(len(t), dtype=bool)
    for issue in checked.issues:
        if issue.column in ("closed_date", "outcome"):
            bad_cells[issue.positions] = True
    outcome_without_close = t["outcome"].notna() & t["closed_date"].isna()
    close_without_outcome = t["closed_date"].notna() & t["outcome"].isna()
    checked.add(
        outcome_without_close.to_numpy() & ~bad_cells,
        "outcome",
        "outcome is set but closed_date is empty (outcome is empty exactly when closed_date is)",
    )
    checked.add(
        close_without_outcome.to_numpy() & ~bad_cells,
        "outcome",
        "outcome is empty but closed_date is set (outcome is empty exactly when closed_date is)",
    )


def _stakeholder_rules(checked: CheckedTable) -> None:
    t = checked.typed
    client_role_wrong = (t["side"] == "client") & ~t["role"].isin(CLIENT_ROLES) & t["role"].notna()
    vendor_role_wrong = (t["side"] == "vendor") & ~t["role"].isin(VENDOR_ROLES) & t["role"].notna()
    checked.add(client_role_wrong, "role", f"not a client role ({', '.join(CLIENT_ROLES)})")
    checked.add(vendor_role_wrong, "role", f"not a vendor role ({', '.join(VENDOR_ROLES)})")
    checked.add(t["left_on"] < t["joined_on"], "left_on", "left_on is before joined_on")


def _commitment_rules(checked: CheckedTable) -> None:
    t = checked.typed
    checked.add(
        t["done_on"].notna() & t["status"].notna() & (t["status"] != "done"),
        "done_on",
        "done_on is set but status is not done (done_on stays empty while open or if dropped)",
    )


_ROW_RULES = {
    "engagements": _engagement_rules,
    "stakeholders": _stakeholder_rules,
    "commitments": _commitment_rules,
}


def check_references(child: CheckedTable, parents: dict[str, CheckedTable]) -> None:
    """Check each foreign key of ``child`` against its (already checked) parent table.

    A key that exists nowhere breaks the contract. A key whose parent row was
    rejected is a cascade: the row is rejected too (lenient mode), naming the
    parent row, but it is not a problem of its own in strict mode.
    """
    for col in child.spec.columns:
        if col.references is None or col.references[0] not in parents:
            continue
        parent_table, parent_column = col.references
        parent = parents[parent_table]
        keys = child.typed[col.name]
        parent_keys = parent.typed[parent_column]
        present = keys.isna().to_numpy() | arrow_isin(keys, parent_keys)
        # A key of a parent record the reader could not read (the cells before a
        # stray quote are intact): its children are a cascade, not "not found".
        unread = {str(cells[parent_column]).strip(): row for row, cells in parent.raw.intact_cells.items()
                  if cells.get(parent_column)}
        if unread:
            positions = np.flatnonzero(~present & keys.isin(list(unread)).to_numpy())
            _add_cascade(child, col.name, parent, positions, keys.iloc[positions].map(unread).to_numpy())
            present[positions] = True
        child.add(~present, col.name, f"not found in {parent_table} ({parent_column})")
        rejected = parent.rejected_mask()
        if not rejected.any():
            continue
        # Keys whose every parent row is rejected (a duplicate's first row may survive).
        kept_keys = parent_keys[~rejected]
        lost = parent_keys[rejected & ~arrow_isin(parent_keys, kept_keys)]
        if lost.empty:
            continue
        lost_rows = rejected & arrow_isin(parent_keys, lost)
        row_of_lost = pd.Series(
            parent.raw.row_number(np.flatnonzero(lost_rows)), index=parent_keys[lost_rows].to_numpy()
        )
        row_of_lost = row_of_lost[~row_of_lost.index.duplicated()]
        positions = np.flatnonzero(arrow_isin(keys, lost) & present)
        _add_cascade(child, col.name, parent, positions, row_of_lost.reindex(keys.to_numpy()[positions]).to_numpy())


def _add_cascade(child: CheckedTable, column: str, parent: CheckedTable, positions: np.ndarray,
                 parent_rows: np.ndarray) -> None:
    """Child rows (``positions``) that depend on rejected parent rows (``parent_rows``, aligned)."""
    for parent_row in np.unique(parent_rows):
        child.issues.append(
            _Issue(
                positions[parent_rows == parent_row],
                column,
                f"refers to a rejected {parent.spec.name} row ({parent.raw.file} row {int(parent_row)})",
                cascade=True,
            )
        )
