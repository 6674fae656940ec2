"""The loaded bundle: typed tables, the load report and load errors."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Bundle", "BundleError", "LoadReport", "Problem", "TableCounts"]

#: How many problems a BundleError message lists before summarising the rest.
MAX_LISTED_PROBLEMS = 50


@dataclass(frozen=True)
class Problem:
    """One broken contract rule, located in the source file.

    ``row`` is the line number in a CSV file (the header is line 1), the sheet
    row in a workbook (header row 1) and the record number + 1 in Parquet, so
    that it always points at what a person sees when they open the file.
    ``row`` is None for problems with a whole file or table.
    """

    table: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        if self.value is not None:
            shown = self.value if len(self.value) <= 80 else self.value[:77] + "..."
            where += f", value {shown!r}"
        return f"{where}: {self.rule}"

    def as_dict(self) -> dict[str, object]:
        return {
            "table": self.table,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "rule": self.rule,
        }


class BundleError(Exception):
    """A bundle that breaks the contract (strict mode) or cannot be read.

    Attributes
    ----------
    problems : list of Problem
        Every problem found (all of them, the message lists the first 50).
    """

    def __init__(self, problems: list[Problem], *, unreadable: bool = False) -> None:
        self.problems = list(problems)
        self.unreadable = unreadable
        super().__init__(self._message())

    def _message(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems in the bundle:"]
        lines += [f"  - {p}" for p in self.problems[:MAX_LISTED_PROBLEMS]]
        if len(self.problems) > MAX_LISTED_PROBLEMS:
            lines.append(f"  ... and {len(self.problems) - MAX_LISTED_PROBLEMS} more")
        return "\n".join(lines)


@dataclass
class TableCounts:
    """Row counts of one table: ``read == kept + rejected`` always."""

    file: str
    read: int
    kept: int
    rejected: int

    def __post_init__(self) -> None:
        if self.read != self.kept + self.rejected:
            raise AssertionError(f"{self.file}: read {self.read} != kept + rejected")


@dataclass
class LoadReport:
    """What the loader read, kept, rejected, assumed and defaulted.

    Attributes
    ----------
    tables : dict of str to TableCounts
        Per table present in the bundle.
    problems : list of Problem
        Every rule broken (in lenient mode these rows are in ``Bundle.rejects``).
    unknown_persons : int
        Distinct person ids used in meetings, attendance, commitments or
        communications that no stakeholder row names.
    naive_datetimes : dict of str to int
        Per ``table.column``, datetimes without a UTC offset, read as UTC.
    defaults_applied : dict of str to int
        Per ``table.column``, empty cells filled with the contract default.
    missing_tables : list of str
        Optional tables the bundle does not have.
    pseudonymised : bool
        Whether person ids were replaced by keyed hashes.
    """

    source: str
    tables: dict[str, TableCounts] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unknown_persons: int = 0
    naive_datetimes: dict[str, int] = field(default_factory=dict)
    defaults_applied: dict[str, int] = field(default_factory=dict)
    missing_tables: list[str] = field(default_factory=list)
    pseudonymised: bool = True
    lenient: bool = False
    ignored_files: list[str] = field(default_factory=list)
    #: Extra columns dropped because their name says they hold personal data.
    dropped_columns: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    def counts_frame(self) -> pd.DataFrame:
        """Rows read, kept and rejected per table, as a DataFrame."""
        rows = [
            {"table": name, "file": c.file, "read": c.read, "kept": c.kept, "rejected": c.rejected}
            for name, c in self.tables.items()
        ]
        return pd.DataFrame(rows, columns=["table", "file", "read", "kept", "rejected"])

    def problems_frame(self) -> pd.DataFrame:
        """Every problem as a row: table, file, row, column, value, rule."""
        cols = ["table", "file", "row", "column", "value", "rule"]
        frame = pd.DataFrame([p.as_dict() for p in self.problems], columns=cols)
        return frame.astype({"row": "Int64"})

    def as_dict(self) -> dict[str, object]:
        """JSON-ready summary (the ``validate --json`` object)."""
        return {
            "source": self.source,
            "valid": self.valid,
            "lenient": self.lenient,
            "pseudonymised": self.pseudonymised,
            "tables": {
                name: {"file": c.file, "read": c.read, "kept": c.kept, "rejected": c.rejected}
                for name, c in self.tables.items()
            },
            "missing_tables": list(self.missing_tables),
            "errors": [p.as_dict() for p in self.problems],
            "unknown_persons": self.unknown_persons,
            "naive_datetimes": dict(self.naive_datetimes),
            "defaults_applied": dict(self.defaults_applied),
            "ignored_files": list(self.ignored_files),
            "dropped_columns": list(self.dropped_columns),
        }


@dataclass
class Bundle:
    """A loaded, validated bundle: one typed DataFrame per contract table.

    Optional tables the bundle lacks are ``None``. Column dtypes follow
    :mod:`engagement_analytics._contract`. Person id columns hold pseudonyms
    unless the bundle was loaded with ``pseudonymize=False``.

    Attributes
    ----------
    engagements, stakeholders, meetings, attendance : DataFrame
    commitments, communications : DataFrame or None
    rejects : DataFrame
        Rows moved out in lenient mode: ``table, file, row, column, value,
        rule`` (one row per problem; a row may break several rules).
    report : LoadReport
    rejected_rows : dict of str to DataFrame
        Lenient mode: the raw rejected rows per table, with their row number
        and every reason (``row``, ..., ``rejected_because``).
    """

    engagements: pd.DataFrame
    stakeholders: pd.DataFrame
    meetings: pd.DataFrame
    attendance: pd.DataFrame
    commitments: pd.DataFrame | None
    communications: pd.DataFrame | None
    report: LoadReport
    rejects: pd.DataFrame = field(default_factory=pd.DataFrame)
    rejected_rows: dict[str, pd.DataFrame] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame | None:
        """The table called ``name`` (None for an absent optional table)."""
        return getattr(self, name)

    @property
    def table_names(self) -> list[str]:
        """Names of the tables this bundle has."""
        from .._contract import TABLES

        return [name for name in TABLES if self.table(name) is not None]
