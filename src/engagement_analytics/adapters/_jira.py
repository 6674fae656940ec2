"""Jira's CSV export to commitments.

Jira (Filters > Export > CSV) writes one row per issue, repeats a column name
once per value of a multi-valued field (``Labels,Labels,Labels``,
``Component/s``, ``Sprint``), and dates like ``11/Mar/24 9:30 AM``. The
``Description`` column is never read.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from ._clock import CellRef
from ._commitments import CommitmentMapper, LogEntry, parse_log_date
from ._csv import _folded
from ._events import read_roster
from ._result import AdapterError, AdapterResult, ImportReport
from ._rules import MappingRules

__all__ = ["read_jira", "csv_records"]

#: Characters of one CSV cell read at most (a Jira description can be long;
#: Python's csv module stops at 128 KiB by default).
MAX_CELL_CHARS = 16 * 1024 * 1024
#: Resolution texts meaning "not resolved" (besides an empty cell).
_UNRESOLVED = {"", "unresolved", "none"}


def read_jira(
    paths: str | Path | Iterable[str | Path],
    *,
    rules: MappingRules,
    roster: str | Path | pd.DataFrame | None = None,
    engagements: pd.DataFrame | None = None,
) -> AdapterResult:
    """Read Jira CSV exports into commitments.

    Parameters
    ----------
    paths : path or list of paths
        CSV exports with at least Issue key, Summary, Created and
        Resolution; Due date, Resolved, Assignee, Project key, Project name,
        Labels and Component/s are used when present.
    rules : MappingRules
        ``project`` rules see the project key and name, ``title_regex`` the
        summary, ``category`` the labels and components, ``attendee_domain``
        an assignee written as an address. ``jira.date_format``,
        ``jira.dropped_resolutions`` and ``jira.unknown_owner_side``.
    roster : path or DataFrame, optional
        Stakeholders; the assignee's display name is matched on ``name``.
    engagements : DataFrame, optional
        The bundle's engagements (ids and start dates, for the phase).

    Returns
    -------
    AdapterResult
        ``commitments``: ``commitment_id`` is the issue key, ``description``
        the summary, ``made_on`` the Created day, ``done_on`` the Resolved
        day of a done issue. The report counts issues.

    Raises
    ------
    AdapterError
        A missing column or a date the format cannot read (file, row, column, value).
    """
    paths = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    report = ImportReport("jira", "issues")
    mapper = CommitmentMapper(rules, read_roster(roster), report,
                              unknown_owner_side=rules.jira.unknown_owner_side,
                              engagements=engagements)
    for path in paths:
        for entry in _entries(path, rules, report):
            mapper.add(entry)
    return mapper.result()


@contextlib.contextmanager
def _cell_limit(limit: int) -> Iterator[None]:
    old = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def csv_records(path: Path) -> Iterator[list[str]]:
    """A CSV file's records as lists of cells (repeated column names kept apart).

    Raises
    ------
    AdapterError
        When the file is not UTF-8 CSV, naming the file and record.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream, _cell_limit(MAX_CELL_CHARS):
            reader = csv.reader(stream)
            number = 0
            try:
                for number, record in enumerate(reader, start=1):  # noqa: B007
                    yield record
            except csv.Error as exc:
                raise AdapterError(f"{path.name}, row {number + 1}: not readable CSV ({exc})") from None
    except FileNotFoundError:
        raise AdapterError(f"{path.name}: file not found") from None
    except UnicodeDecodeError:
        raise AdapterError(f"{path.name}: not UTF-8 text") from None
    except OSError as exc:
        raise AdapterError(f"{path.name}: cannot read the file ({exc.strerror})") from None


def _entries(path: Path, rules: MappingRules, report: ImportReport) -> Iterator[LogEntry]:
    records = csv_records(path)
    header = next(records, None)
    if header is None:
        raise AdapterError(f"{path.name}: empty file")
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        positions.setdefault(_folded(name), []).append(index)

    def column(name: str, *, required: bool = False) -> list[int]:
        found = positions.get(_folded(name), [])
        if required and not found:
            raise AdapterError(f"{path.name}: column '{name}' missing (is this a Jira CSV export?)")
        return found

    key, summary, created, resolution = (
        column(n, required=True) for n in ("Issue key", "Summary", "Created", "Resolution"))
    due, resolved, assignee = column("Due date"), column("Resolved"), column("Assignee")
    projects = column("Project key") + column("Project name")
    labels = column("Labels") + column("Component/s") + column("Components")
    jira = rules.jira
    for number, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue  # a trailing blank line is no issue
        report.read += 1

        def cell(indexes: list[int], record=record) -> str:
            return record[indexes[0]].strip() if indexes and indexes[0] < len(record) else ""

        def cells(indexes: list[int], record=record) -> list[str]:
            return [record[i].strip() for i in indexes if i < len(record) and record[i].strip()]

        def date(indexes: list[int], number=number, cell=cell):
            where = CellRef(path.name, number, header[indexes[0]] if indexes else "")
            return parse_log_date(cell(indexes), jira.date_format, where, hint="jira.date_format")

        issue, title = cell(key), cell(summary)
        made_on = date(created)
        if not issue or made_on is None:
            report.skip("missing_issue_key" if not issue else "missing_created")
            continue
        outcome = cell(resolution).casefold()
        status = ("open" if outcome in _UNRESOLVED else
                  "dropped" if outcome in jira.dropped_resolutions else "done")
        owner = cell(assignee)
        engagement = rules.engagement_for(title, cells(labels), [owner] if "@" in owner else [],
                                          projects=cells(projects))
        yield LogEntry(
            commitment_id=issue,
            engagement=engagement,
            made_on=made_on,
            status=status,
            owner=owner,
            due_date=date(due),
            done_on=date(resolved) if status == "done" else None,
            description=title,
            file=path.name,
            uid=issue,
        )
