"""``engagement-analytics validate``: load a bundle and print the load report."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from .. import BundleError, LoadReport, load_bundle
from ..bundle import write_rejects
from .common import WAIT_DEFAULT, WaitOption, check_writable, console


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)


def validate(
    bundle: Annotated[Path, typer.Argument(help="Bundle folder or bundle.xlsx.")],
    lenient: Annotated[bool, typer.Option(help="Move bad rows to rejects instead of failing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(
            help="Write rejected raw rows, one CSV per table, to this folder "
            "(replacing the previous run's <table>.rejected.csv files as a set)."
        ),
    ] = None,
    wait: WaitOption = WAIT_DEFAULT,
) -> None:
    """Check a bundle against the data contract. Exit 0 valid, 1 invalid, 2 unreadable."""
    if rejects is not None:
        check_writable(rejects, option="--rejects", folder=True)
    try:
        loaded = load_bundle(bundle, lenient=lenient)
    except BundleError as exc:
        if exc.unreadable or not as_json:
            raise
        report = LoadReport(source=str(bundle), problems=exc.problems, lenient=lenient)
        print(json.dumps(report.as_dict(), indent=2))
        raise typer.Exit(1) from None
    report = loaded.report
    if rejects is not None:
        write_rejects(loaded, rejects, wait=wait)
    if as_json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        _print_report(report, rejects_dir=rejects if loaded.rejected_rows else None)
    raise typer.Exit(0 if report.valid else 1)


def _print_report(report: LoadReport, *, rejects_dir: Path | None) -> None:
    table = Table(title=f"Bundle {report.source}", title_justify="left")
    for column in ("table", "file", "read", "kept", "rejected"):
        table.add_column(column, justify="right" if column in ("read", "kept", "rejected") else "left")
    for name, counts in report.tables.items():
        table.add_row(name, counts.file, str(counts.read), str(counts.kept), str(counts.rejected))
    console.print(table)
    if report.missing_tables:
        console.print(f"Optional tables not in the bundle: {', '.join(report.missing_tables)}")
    if report.ignored_files:
        console.print(f"Files ignored (not contract tables): {', '.join(report.ignored_files)}")
    console.print(f"Unknown persons (used but not in stakeholders): {report.unknown_persons}")
    for label, counts in (("Datetimes without offset, read as UTC", report.naive_datetimes),
                          ("Empty cells filled with the contract default", report.defaults_applied)):
        if counts:
            console.print(f"{label}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    console.print(f"Person ids pseudonymised: {'yes' if report.pseudonymised else 'no'}")
    if report.valid:
        console.print(Text.assemble(("Valid", "bold green"), ": the bundle keeps every rule of the contract."))
        return
    by_rule = Counter((p.table, p.column, p.rule) for p in report.problems)
    console.print(Text.assemble((f"{len(report.problems)} problems", "bold red"), ", grouped by rule:"))
    for (name, column, rule), count in by_rule.most_common():
        first = next(p for p in report.problems if (p.table, p.column, p.rule) == (name, column, rule))
        console.print(f"  {count:>6} x {name}.{column or '*'}: {rule}  (first: {first})", markup=False)
    if rejects_dir is not None:
        console.print(f"Rejected rows written to {rejects_dir}/")
