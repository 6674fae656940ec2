"""load_bundle: read, validate, pseudonymise. The one border of the package."""

from __future__ import annotations

import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from .._contract import PERSON_COLUMNS, TABLES
from ._arrow_ops import encode
from ._pseudonymise import pseudonymise, resolve_key
from ._read import read_source
from ._types import Bundle, BundleError, LoadReport, Problem, TableCounts
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
    # Largest first, so the two workers finish together (attendance and
    # communications would otherwise queue behind each other).
    present = sorted((name for name in TABLES if name in raw_tables),
                     key=lambda name: -len(raw_tables[name].frame))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(present, pool.map(lambda name: check_table(raw_tables[name], TABLES[name]),
                                             present), strict=True))
    checked: dict[str, CheckedTable] = {name: results[name] for name in TABLES if name in results}
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
        # Copying a clean table (the usual case) would only cost time and memory.
        kept[name] = table.typed.loc[~rejected].reset_index(drop=True) if rejected.any() else table.typed
        if rejected.any() or table.raw.unparsable:
            rejected_rows[name] = _rejected_rows(table, rejected, keep_text=not pseudonymize)
        report.tables[name] = TableCounts(
            table.raw.file,
            read=table.raw.read,
            kept=int((~rejected).sum()),
            rejected=int(rejected.sum()) + len(table.raw.unparsable),
        )
        report.naive_datetimes.update(table.naive)
        report.defaults_applied.update(table.defaulted)

    # A person column's codes from the key check still hold where no row was rejected.
    known_codes = {(name, column): (codes, dictionary.to_pylist())
                   for name, table in checked.items() if kept[name] is table.typed
                   for column, (codes, dictionary) in table.codes.items() if column in PERSON_COLUMNS[name]}
    _protect_people(kept, rejected_rows, pseudonymize=pseudonymize, key=pseudonym_key,
                    keep_names=keep_names, report=report, known_codes=known_codes)
    if pseudonymize:
        raw_lines = {id(problem) for table in checked.values() for problem in table.raw.unparsable}
        report.problems = _masked(report.problems, report.dropped_columns, raw_lines)
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


def _rejected_rows(table: CheckedTable, rejected: np.ndarray, *, keep_text: bool) -> pd.DataFrame:
    """The rejected rows as read, with their row number and every reason, for `--rejects`.

    Rows the CSV reader could not split are listed by row number; their text is
    kept only without pseudonymisation (it may hold anything, person ids too).
    """
    raw = table.raw.frame.loc[rejected].copy()
    raw.insert(0, "row", table.raw.row_number(raw.index.to_numpy()))
    unsplit = pd.DataFrame({
        "row": [p.row for p in table.raw.unparsable],
        **({"text": [p.value for p in table.raw.unparsable]} if keep_text else {}),
    })
    raw = pd.concat([raw, unsplit], ignore_index=True) if len(unsplit) else raw
    reasons: dict[int, list[str]] = {}
    for problem in table.problems(include_cascade=True):
        if problem.row is not None:
            column = f"{problem.column}: " if problem.column else ""
            reasons.setdefault(problem.row, []).append(column + problem.rule)
    raw["rejected_because"] = raw["row"].map(lambda row: "; ".join(reasons.get(row, [])))
    return raw.sort_values("row", kind="stable").reset_index(drop=True)


def _protect_people(
    tables: dict[str, pd.DataFrame],
    rejected_rows: dict[str, pd.DataFrame],
    *,
    pseudonymize: bool,
    key: str | bytes | None,
    keep_names: bool,
    report: LoadReport,
    known_codes: dict[tuple[str, str], tuple[np.ndarray, list[str]]],
) -> None:
    """Count unknown persons; by default pseudonymise person ids and drop names.

    The rejected rows get the same treatment (their ids normalised first, as
    the parser does for kept rows), and so do extra columns whose name says
    they hold a name, an e-mail address or a phone number: dropped, and listed
    in ``report.dropped_columns``.
    """
    # Each person column is dictionary-encoded once: its distinct ids serve the
    # unknown-person count and the pseudonyms alike.
    wanted = [(name, column) for name, frame in tables.items()
              for column in PERSON_COLUMNS[name] if column in frame.columns]
    missing = [entry for entry in wanted if entry not in known_codes]
    # Arrow's hashing releases the GIL: two columns at a time.
    with ThreadPoolExecutor(max_workers=2) as pool:
        computed = pool.map(lambda entry: encode(tables[entry[0]][entry[1]]), missing)
        encoded = {**known_codes, **dict(zip(missing, computed, strict=True))}
    known = set(encoded["stakeholders", "person_id"][1])
    used = {person for name, column in _PERSON_USES.items() if (name, column) in encoded
            for person in encoded[name, column][1]}
    report.unknown_persons = len(used - known)
    if not pseudonymize:
        # Names are dropped unless asked for, pseudonyms or not.
        for frames in (tables, rejected_rows):
            if not keep_names and "stakeholders" in frames and "name" in frames["stakeholders"]:
                frames["stakeholders"] = frames["stakeholders"].drop(columns="name")
        return
    for frames in (tables, rejected_rows):
        for name, frame in list(frames.items()):
            personal = [c for c in frame.columns if c not in TABLES[name].column_names
                        and _PERSONAL_EXTRA.search(str(c))]
            names = ["name"] if not keep_names and "name" in TABLES[name].column_names else []
            dropped = [c for c in personal + names if c in frame.columns]
            if dropped:
                frames[name] = frame.drop(columns=dropped)
            if frames is tables:
                report.dropped_columns += [f"{name}.{c}" for c in personal]
    for name, frame in rejected_rows.items():
        for column in PERSON_COLUMNS[name]:
            if column in frame.columns:
                frame[column] = frame[column].astype("str").str.strip().str.lower()
    where = [(frames, name, column) for frames in (tables, rejected_rows)
             for name, frame in frames.items() for column in PERSON_COLUMNS[name]
             if column in frame.columns]
    replaced = pseudonymise(
        [frames[name][column] for frames, name, column in where],
        resolve_key(key),
        encoded=[encoded.get((name, column)) if frames is tables else None for frames, name, column in where],
    )
    for (frames, name, column), values in zip(where, replaced, strict=True):
        frames[name][column] = values


#: Extra (non-contract) columns that by their name hold personal data.
_PERSONAL_EXTRA = re.compile(
    r"(^|[_ -])(e-?mail|mail|name|first_?name|last_?name|full_?name|display_?name|phone|mobile)($|[_ -])",
    re.IGNORECASE,
)


def _masked(problems: list[Problem], dropped: list[str], raw_lines: set[int]) -> list[Problem]:
    """Problems with the values of person columns masked (the row number still finds them).

    ``raw_lines`` are the ids of problems whose value is a whole line the
    reader could not split: it may hold anything, person ids too.
    """
    personal = {(name, column) for name, columns in PERSON_COLUMNS.items() for column in columns}
    personal |= {(name, "name") for name in TABLES}
    personal |= {tuple(entry.split(".", 1)) for entry in dropped}
    masked = []
    for problem in problems:
        parts = (problem.column or "").split("/")
        if problem.value is not None and id(problem) in raw_lines:
            problem = replace(problem, value="(raw line: see the file)")
        elif problem.value is not None and any((problem.table, part) in personal for part in parts):
            problem = replace(problem, value="(personal data: see the file)")
        masked.append(problem)
    return masked
