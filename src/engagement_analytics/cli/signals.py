"""``engagement-analytics signals``: measure the signals of a bundle, or list them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich import box
from rich.table import Table

from .. import load_bundle
from .. import signals as _signals
from .common import UsageProblem, console, parse_date, write_csv

OUT_SUFFIXES = (".csv", ".parquet")
ENGINES = ("numpy", "duckdb", "spark")


def register(app: typer.Typer) -> None:
    app.command("signals")(signals)


def signals(
    bundle: Annotated[
        Path | None, typer.Argument(help="Bundle folder or bundle.xlsx.", show_default=False)
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Measure as of this day (YYYY-MM-DD).")
    ] = None,
    first_weeks: Annotated[
        int | None, typer.Option(help="Measure each engagement's first N weeks only.")
    ] = None,
    at_fraction: Annotated[
        float | None,
        typer.Option(help="Measure each engagement up to this fraction of its planned schedule."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write the signals to FILE.csv or FILE.parquet.")
    ] = None,
    lenient: Annotated[
        bool, typer.Option(help="Move bad rows to rejects instead of failing.")
    ] = False,
    show_catalog: Annotated[
        bool, typer.Option("--catalog", help="List the signals instead of measuring them.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --catalog: print JSON.")] = False,
    engine: Annotated[
        str,
        typer.Option(help="Where rows are aggregated: numpy (in this process), duckdb "
                          "(embedded) or spark (the active or a local session); same values."),
    ] = "numpy",
) -> None:
    """Measure every signal per engagement (or list them with --catalog)."""
    if show_catalog:
        _print_catalog(as_json=as_json)
        return
    if bundle is None:
        raise UsageProblem("give a BUNDLE folder or bundle.xlsx (or --catalog)")
    if as_json:
        raise UsageProblem("--json goes with --catalog; use --out FILE.csv for the signals")
    if not bundle.exists():
        raise UsageProblem(f"BUNDLE: {str(bundle)!r} does not exist")
    if first_weeks is not None and at_fraction is not None:
        raise UsageProblem("--first-weeks and --at-fraction are mutually exclusive; give one")
    if first_weeks is not None and first_weeks < 1:
        raise UsageProblem(f"--first-weeks: {first_weeks} is not a whole number >= 1")
    if at_fraction is not None and not at_fraction > 0:
        raise UsageProblem(f"--at-fraction: {at_fraction} is not a number > 0")
    if out is not None:
        if out.suffix.lower() not in OUT_SUFFIXES:
            raise UsageProblem(f"--out: {str(out)!r} must end in .csv or .parquet")
        if not out.parent.is_dir():
            raise UsageProblem(f"--out: folder {str(out.parent)!r} does not exist")
    if engine not in ENGINES:
        raise UsageProblem(f"--engine: {engine!r} is not one of {', '.join(ENGINES)}")
    day = parse_date(as_of, option="--as-of")

    loaded = load_bundle(bundle, lenient=lenient)
    try:
        result = _signals.compute(loaded, as_of=day, first_weeks=first_weeks,
                                  at_fraction=at_fraction,
                                  engine=None if engine == "numpy" else engine)
    except ValueError as error:  # e.g. spark asked for without pyspark installed
        raise UsageProblem(f"--engine {engine}: {error}") from None
    if out is None:
        _print_summary(result)
        return
    if out.suffix.lower() == ".csv":
        write_csv(result, out, index=True)
    else:
        result.to_parquet(out)
    console.print(f"{len(result)} engagements x {result.shape[1]} signals written to {out}",
                  markup=False)


def _print_catalog(*, as_json: bool) -> None:
    frame = _signals.catalog()
    if as_json:
        print(json.dumps(frame.to_dict(orient="records"), indent=2))
        return
    table = Table(title="Signals", title_justify="left")
    for column in ("signal", "family", "direction", "unit", "description"):
        table.add_column(column, overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(row.signal, row.family, row.direction, row.unit, row.description)
    console.print(table)


def _print_summary(result: pd.DataFrame) -> None:
    """Distribution per signal: never a row per engagement (ids may be sensitive)."""
    catalog = _signals.catalog().set_index("signal")
    console.print(f"Signals of {len(result)} engagements: {result.attrs['window']}", markup=False)
    # compact layout: the longest signal name plus five numbers fit 80 columns
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
    table.add_column("family / signal", no_wrap=True, min_width=42)
    for column, width in (("n", 5), ("NaN", 4), ("p10", 7), ("p50", 7), ("p90", 7)):
        table.add_column(column, justify="right", no_wrap=True, min_width=width)
    quantiles = result.quantile([0.1, 0.5, 0.9])
    for family, names in catalog.groupby("family", sort=False).groups.items():
        table.add_section()
        table.add_row(family, style="bold")
        for name in names:
            measured = int(result[name].notna().sum())
            nan_share = 1 - measured / len(result) if len(result) else float("nan")
            cells = [f"{quantiles.loc[q, name]:.3g}" if measured else "-" for q in (0.1, 0.5, 0.9)]
            table.add_row(f" {name}", str(measured), f"{nan_share:.0%}", *cells)
    console.print(table, markup=False)
    for key, reason in result.attrs["unavailable"].items():
        console.print(f"Not measured: {key}: {reason}", markup=False)
    for key, reason in result.attrs["partial"].items():
        console.print(f"Partly measured: {key}: {reason}", markup=False)
