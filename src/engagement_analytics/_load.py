"""load_bundle: read, validate, pseudonymise. The one border of the package."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from ._arrow_ops import distinct
from ._bundle import Bundle, BundleError, LoadReport, Problem, TableCounts
from ._contract import PERSON_COLUMNS, TABLES
from ._pseudonymise import pseudonymise, resolve_key
from ._read import read_source
from ._validate import CheckedTable, check_references, check_table

__all__ = ["load_bundle"]

# Tables whose person ids are "used" (an id here but not in stakeholders is unknown).
_PERSON_USES = {
    "meetings": "organizer_id",
    "attendance": "person_id",
    "commitments": "owner_id",
    "communications": "from_id",
}


def load_bundle(
    source: str | Path | Mapping[str, pd.DataFrame],
    *,
    lenient: bool = False,
    pseudonymize: bool = True,
    pseudonym_key: str | bytes | None = None,
    keep_names: bool = False,
) -> Bundle:
    """Read and validate an engagement export bundle.

    Parameters
    ----------
    source : path or mapping
        A bundle folder (one ``<table>.csv|.parquet|.xlsx`` per table), a
        ``bundle.xlsx`` workbook with a sheet per table, or a mapping of table
        name to raw DataFrame (handy in tests and notebooks).
    lenient : bool, default False
        Strict (default): any broken rule raises one :class:`BundleError`
        listing every problem. Lenient: rows breaking a rule, and rows that
        depend on them (attendance of a rejected meeting), move to
        ``Bundle.rejects`` and the rest loads.
    pseudonymize : bool, default True
        Replace person ids by keyed pseudonyms (see ``_pseudonymise``).
    pseudonym_key : str or bytes, optional
        The HMAC key; default ``$ENGAGEMENT_ANALYTICS_PSEUDONYM_KEY`` or a
        random key for this load.
    keep_names : bool, default False
        Keep the stakeholders' display names (dropped by default).

    Returns
    -------
    Bundle

    Raises
    ------
    BundleError
        Unreadable input (``unreadable=True``), a missing required table or
        column, or, in strict mode, any broken rule.

    Examples
    --------
    >>> from engagement_analytics import load_bundle
    >>> bundle = load_bundle("data/sample")
    >>> bundle.report.counts_frame()[["table", "read", "kept", "rejected"]].head(2)
              table  read  kept  rejected
    0   engagements   300   300         0
    1  stakeholders  3494  3494         0
    >>> bundle.stakeholders["person_id"].str.fullmatch(r"P[0-9a-f]{12}").all()
    np.True_
    """
    label = "(in-memory tables)" if isinstance(source, Mapping) else str(source)
    raw_tables, ignored = read_source(source)
    missing_required = [name for name, spec in TABLES.items() if spec.required and name not in raw_tables]
    if missing_required:
        raise BundleError(
            [Problem(name, label, None, None, None, f"required table '{name}' is missing") for name in missing_required]
        )

    # Tables are checked independently, two at a time: pyarrow's kernels release
    # the GIL, so the large tables overlap on a 2-core machine.
    present = [name for name in TABLES if name in raw_tables]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda name: check_table(raw_tables[name], TABLES[name]), present)
        checked: dict[str, CheckedTable] = dict(zip(present, results, strict=True))
    for table in checked.values():
        check_references(table, checked)

    problems = [p for table in checked.values() for p in table.problems(include_cascade=lenient)]
    if problems and not lenient:
        raise BundleError(problems)

    report = LoadReport(
        source=label,
        problems=problems,
        missing_tables=[name for name in TABLES if name not in checked],
        pseudonymised=pseudonymize,
        lenient=lenient,
        ignored_files=ignored,
    )
    kept: dict[str, pd.DataFrame] = {}
    rejected_rows: dict[str, pd.DataFrame] = {}
    for name, table in checked.items():
        rejected = table.rejected_mask()
        kept[name] = table.typed.loc[~rejected].reset_index(drop=True)
        if rejected.any():
            rejected_rows[name] = _rejected_rows(table, rejected)
        report.tables[name] = TableCounts(
            table.raw.file,
            read=table.raw.read,
            kept=int((~rejected).sum()),
            rejected=int(rejected.sum()) + len(table.raw.unparsable),
        )
        report.naive_datetimes.update(table.naive)
        report.defaults_applied.update(table.defaulted)

    _protect_people(kept, pseudonymize=pseudonymize, key=pseudonym_key, keep_names=keep_names, report=report)
    return Bundle(
        engagements=kept["engagements"],
        stakeholders=kept["stakeholders"],
        meetings=kept["meetings"],
        attendance=kept["attendance"],
        commitments=kept.get("commitments"),
        communications=kept.get("communications"),
        report=report,
        rejects=report.problems_frame(),
        rejected_rows=rejected_rows,
    )


def _rejected_rows(table: CheckedTable, rejected: pd.Series) -> pd.DataFrame:
    """The raw rejected rows, with their row number and every reason, for `--rejects`."""
    raw = table.raw.frame.loc[rejected].copy()
    raw.insert(0, "row", table.raw.row_number(raw.index.to_numpy()))
    reasons = {}
    for problem in table.problems(include_cascade=True):
        if problem.row is not None:
            column = f"{problem.column}: " if problem.column else ""
            reasons.setdefault(problem.row, []).append(column + problem.rule)
    raw["rejected_because"] = raw["row"].map(lambda row: "; ".join(reasons.get(row, [])))
    return raw.reset_index(drop=True)


def _protect_people(
    tables: dict[str, pd.DataFrame],
    *,
    pseudonymize: bool,
    key: str | bytes | None,
    keep_names: bool,
    report: LoadReport,
) -> None:
    """Count unknown persons, (by default) pseudonymise person ids, drop names."""
    known = set(distinct(tables["stakeholders"]["person_id"]))
    used: set[str] = set()
    for name, column in _PERSON_USES.items():
        if name in tables:
            used.update(distinct(tables[name][column]))
    report.unknown_persons = len(used - known)
    if not keep_names and "name" in tables["stakeholders"].columns:
        tables["stakeholders"] = tables["stakeholders"].drop(columns="name")
    if pseudonymize:
        where = [(name, column) for name, frame in tables.items() for column in PERSON_COLUMNS[name]]
        replaced = pseudonymise([tables[name][column] for name, column in where], resolve_key(key))
        for (name, column), values in zip(where, replaced, strict=True):
            tables[name][column] = values
