"""load_bundle: read, validate, pseudonymise. The one border of the package."""

from __future__ import annotations

import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from .._atomic import FolderBusy, finish_interrupted, folder_state
from .._config import get_n_jobs
from .._contract import PERSON_COLUMNS, TABLES
from ..safe_csv import unescape_cell
from ._arrow_ops import encode
from ._pseudonymise import pseudonymise, resolve_key
from ._read import RawTable, read_source
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
#: Reads of a bundle folder before giving up when a writer keeps changing it.
READ_ATTEMPTS = 3


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
    raw_tables, ignored = _read_settled(source)
    for raw in raw_tables.values():
        _unescape_header(raw)
    missing_required = [name for name, spec in TABLES.items() if spec.required and name not in raw_tables]
    if missing_required:
        raise BundleError(
            [Problem(name, label, None, None, None, f"required table '{name}' is missing") for name in missing_required]
        )

    # Tables are checked independently, n_jobs at a time: pyarrow's kernels release
    # the GIL, so the large tables overlap.
    # Largest first, so the workers finish together (attendance and
    # communications would otherwise queue behind each other).
    present = sorted((name for name in TABLES if name in raw_tables),
                     key=lambda name: -len(raw_tables[name].frame))
    with ThreadPoolExecutor(max_workers=get_n_jobs()) as pool:
        results = dict(zip(present, pool.map(lambda name: check_table(raw_tables[name], TABLES[name]),
                                             present), strict=True))
    checked: dict[str, CheckedTable] = {name: results[name] for name in TABLES if name in results}
    for table in checked.values():
        check_references(table, checked)

    problems = [p for table in checked.values() for p in table.problems(include_cascade=lenient)]
    if pseudonymize:
        # One privacy rule for every way a problem is shown: the strict error
        # message, the load report, `validate` as text or JSON, bundle.rejects.
        raw_lines = {id(problem) for table in checked.values() for problem in table.raw.unparsable}
        problems = _masked(problems, raw_lines)
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


def _read_settled(source: str | Path | Mapping[str, pd.DataFrame]):
    """``read_source``, but a folder's tables all come from one moment.

    A writer (``import``) switches a bundle's tables one by one after its
    commit point. Before reading, a switch an interrupted run left half done
    is finished; after reading, the folder is listed again and read again if
    any file changed or a switch was under way meanwhile.
    """
    if isinstance(source, Mapping) or not Path(source).is_dir():
        return read_source(source)
    folder = Path(source)
    for _ in range(READ_ATTEMPTS):
        try:
            finish_interrupted(folder, discard_staging=False)
            before = folder_state(folder)
        except FolderBusy as exc:
            raise _unreadable(folder, exc.strerror) from None
        except OSError as exc:
            raise _unreadable(folder, "an import was interrupted while switching its tables "
                              f"and finishing it failed ({exc.strerror or exc}); run "
                              "'engagement-analytics validate' on it with write access") from None
        tables = read_source(folder)
        if not before.switching and folder_state(folder) == before:
            return tables
    raise _unreadable(folder, f"the files changed during each of {READ_ATTEMPTS} reads "
                      "(is another program writing them?)")


def _unreadable(folder: Path, why: str) -> BundleError:
    return BundleError([Problem("", str(folder), None, None, None, why)], unreadable=True)


def _unescape_header(raw: RawTable) -> None:
    """Column names without the spreadsheet escape a CSV writer put on them (see ``safe_csv``)."""
    names = [unescape_cell(name) if name.startswith("'") else name for name in raw.frame.columns]
    if names == list(raw.frame.columns):
        return
    twice = next((name for name in names if names.count(name) > 1), None)
    if twice is not None:
        raise BundleError([Problem(raw.table, raw.file, 1, twice, None,
                                   "column given twice (once with a spreadsheet escape ')")])
    raw.frame = raw.frame.set_axis(names, axis="columns")


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
    # Arrow's hashing releases the GIL: n_jobs columns at a time.
    with ThreadPoolExecutor(max_workers=get_n_jobs()) as pool:
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


#: What a problem shows instead of a personal value: the file and row still find it.
MASK = "(personal data: see the file)"


def _is_personal(table: str, column: str | None) -> bool:
    """Whether a problem's value in ``column`` of ``table`` may be personal data.

    Person id columns, names and extra columns named like personal data are;
    so is the text of a row the reader could not split (``column`` None) in a
    table that has person columns: it may hold anything of the row.
    """
    personal = {*PERSON_COLUMNS.get(table, ()), *(("name",) if "name" in TABLES[table].column_names else ())}
    if column is None:
        return bool(personal)
    # A key of several columns is named "meeting_id/person_id".
    return any(part in personal or _PERSONAL_EXTRA.search(part) for part in column.split("/"))


#: What a problem shows instead of a whole line the reader could not split: it may hold anything.
RAW_LINE_MASK = "(raw line: see the file)"


def _masked(problems: list[Problem], raw_lines: set[int]) -> list[Problem]:
    """Problems with personal values masked (an empty value shows nothing and stays).

    ``raw_lines`` are the ids of problems whose value is a whole line the
    reader could not split (a wrong width, a stray quote): always masked.
    """
    return [
        replace(p, value=RAW_LINE_MASK) if p.value and id(p) in raw_lines
        else replace(p, value=MASK) if p.value and p.table in TABLES and _is_personal(p.table, p.column)
        else p
        for p in problems
    ]
