"""Any RAID log spreadsheet (CSV or XLSX) to commitments, as the ``raid:`` rules say.

RAID logs are home-made: the rules name the columns (``raid.columns``), the
status values meaning done, dropped and open (``raid.status``) and the row
types to keep (``raid.keep_types``: actions and commitments; risks, issues
and decisions are not commitments). The header row is found among the first
:data:`HEADER_SEARCH_ROWS` rows (templates often put a title above it).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from .._zipcheck import ZipTooLarge, check_zip
from ._clock import CellRef
from ._commitments import CommitmentMapper, LogEntry, parse_log_date
from ._csv import _folded
from ._events import read_roster, stable_id
from ._jira import csv_records
from ._log_rules import RaidRules
from ._messages import capped_listing
from ._result import AdapterError, AdapterResult, ImportReport
from ._rules import MappingRules

__all__ = ["read_raid"]

#: Rows searched for the header (the row naming the ``raised`` and ``status`` columns).
HEADER_SEARCH_ROWS = 30
#: Bytes an ``.xlsx`` log may unpack to (all its parts together, and any one
#: part), checked on the zip directory before openpyxl opens it: a RAID log is
#: a few hundred rows; a 1 MB file of 20 million shared strings unpacks to 340 MB.
MAX_XLSX_UNPACKED_BYTES = 128 * 1024 * 1024


def read_raid(
    paths: str | Path | Iterable[str | Path],
    *,
    rules: MappingRules,
    roster: str | Path | pd.DataFrame | None = None,
    engagements: pd.DataFrame | None = None,
) -> AdapterResult:
    """Read RAID log spreadsheets into commitments.

    Parameters
    ----------
    paths : path or list of paths
        ``.csv`` or ``.xlsx`` files (an XLSX file's first sheet, or ``raid.sheet``).
    rules : MappingRules
        Must have a ``raid:`` section. The engagement is ``raid.engagement``
        when given, else the rules applied to the description
        (``title_regex``) and the engagement column (``project`` rules), else
        the engagement column's value when it is an engagement id.
    roster : path or DataFrame, optional
        Owners are found by address or by the roster's ``name``.
    engagements : DataFrame, optional
        The bundle's engagements (ids and start dates, for the phase).

    Returns
    -------
    AdapterResult
        ``commitments``. The id is ``raid-`` + a hash of the engagement and the
        ID column (or, without one, of the raised date and description).
        Skipped: ``type_not_kept``, ``status_not_in_rules``, ``missing_status``,
        ``missing_raised``, plus the mapper's reasons.

    Raises
    ------
    AdapterError
        No ``raid:`` section, a file that cannot be read, no header row, or a
        date the format cannot read.
    """
    raid = rules.raid
    if raid is None:
        raise AdapterError(f"{rules.source}: no 'raid:' section: it names the log's columns "
                           "and status values (see docs/adapters.md)")
    paths = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    report = ImportReport("raid", "log rows")
    mapper = CommitmentMapper(rules, read_roster(roster), report,
                              unknown_owner_side=raid.unknown_owner_side,
                              engagements=engagements)
    for path in paths:
        for entry in _entries(path, rules, raid, mapper.known, report):
            mapper.add(entry)
    return mapper.result()


def _records(path: Path, sheet: str | None) -> Iterator[list[str]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _xlsx_records(path, sheet)
    else:
        yield from csv_records(path)


def _check_xlsx(path: Path) -> None:
    """Refuse an ``.xlsx`` file that would unpack to too much (a zip bomb), in one line."""
    try:
        with zipfile.ZipFile(path) as archive:
            check_zip(archive, path.name, max_member_bytes=MAX_XLSX_UNPACKED_BYTES,
                      max_total_bytes=MAX_XLSX_UNPACKED_BYTES)
    except ZipTooLarge as exc:
        raise AdapterError(str(exc)) from None
    except FileNotFoundError:
        raise AdapterError(f"{path.name}: file not found") from None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise AdapterError(f"{path.name}: not a readable XLSX file ({type(exc).__name__})") from None


def _xlsx_records(path: Path, sheet: str | None) -> Iterator[list[str]]:
    import openpyxl

    _check_xlsx(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise AdapterError(f"{path.name}: file not found") from None
    except Exception as exc:  # zipfile, XML and openpyxl errors: hostile input is normal here
        raise AdapterError(f"{path.name}: not a readable XLSX file ({type(exc).__name__})") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise AdapterError(f"{path.name}: no sheet {sheet!r} (raid.sheet); sheets: "
                               f"{', '.join(book.sheetnames)}")
        try:
            worksheet = book[sheet] if sheet is not None else book.worksheets[0]
            for row in worksheet.iter_rows(values_only=True):
                yield [_cell_text(v) for v in row]
        except AdapterError:
            raise
        except Exception as exc:  # a broken sheet XML: openpyxl raises what its parser raises
            raise AdapterError(f"{path.name}: unreadable sheet ({type(exc).__name__})") from None
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """An XLSX cell as the text a CSV export would hold (dates as ISO)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _entries(
    path: Path, rules: MappingRules, raid: RaidRules, known: set[str] | None,
    report: ImportReport,
) -> Iterator[LogEntry]:
    records = _records(path, raid.sheet)
    wanted = {_folded(raid.columns[role]) for role in ("raised", "status")}
    header, header_row = None, 0
    for header_row, record in enumerate(records, start=1):
        if wanted <= {_folded(c) for c in record}:
            header = record
            break
        if header_row >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        named = ", ".join(repr(raid.columns[r]) for r in ("raised", "status"))
        raise AdapterError(f"{path.name}: no header row naming {named} in the first "
                           f"{HEADER_SEARCH_ROWS} rows (raid.columns)")
    position = {}
    folded_header = [_folded(c) for c in header]
    for role, name in raid.columns.items():
        if _folded(name) not in folded_header:
            raise AdapterError(f"{path.name}: column {name!r} (raid.columns.{role}) missing")
        position[role] = folded_header.index(_folded(name))
    date_format = raid.date_format or rules.date_format
    for number, record in enumerate(records, start=header_row + 1):
        def cell(role: str, record=record) -> str:
            at = position.get(role)
            return record[at].strip() if at is not None and at < len(record) else ""

        def date(role: str, number=number, record=record) -> dt.date | None:
            where = CellRef(path.name, number, raid.columns.get(role, role))
            return parse_log_date(cell(role, record), date_format, where, hint="raid.date_format")

        if not any(c.strip() for c in record):
            continue  # blank rows between blocks are no entries
        report.read += 1
        if raid.keep_types and "type" in position and cell("type").casefold() not in raid.keep_types:
            report.skip("type_not_kept")
            continue
        status_text = cell("status").casefold()
        status = raid.statuses.get(status_text)
        if status is None:
            listed = {"file": path.name, "uid": f"row {number}", "start": "",
                      "title": cell("status")}
            report.skip("missing_status" if not status_text else "status_not_in_rules",
                        listed=capped_listing(report, listed))
            continue
        made_on = date("raised")
        if made_on is None:
            report.skip("missing_raised")
            continue
        description, named = cell("description"), cell("engagement")
        engagement = raid.engagement or rules.engagement_for(
            description, (), [cell("owner")] if "@" in cell("owner") else [],
            projects=[named] if named else [])
        if engagement is None and named and (known is None or named in known):
            engagement = named
        identity = cell("id")
        key = (stable_id("raid", engagement or "", identity) if identity else
               stable_id("raid", engagement or "", made_on.isoformat(), description))
        yield LogEntry(
            commitment_id=key,
            engagement=engagement,
            made_on=made_on,
            status=status,
            owner=cell("owner"),
            due_date=date("due"),
            done_on=date("closed") if status == "done" else None,
            description=description,
            file=path.name,
            uid=identity or f"row {number}",
        )
