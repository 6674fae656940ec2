"""``engagement-analytics watchlist``: which active engagements need attention now, and why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table
from rich.text import Text

from .. import drivers as drivers_module
from .. import load_bundle
from .. import watchlist as watchlist_module
from .common import UsageProblem, console, console_err, parse_date


def register(app: typer.Typer) -> None:
    app.command("watchlist")(watchlist)


def _cell(value: object) -> Text:
    # Text, not str: a rich table would read "[...]" in a cell as markup.
    return Text("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value))


def _percent(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.0%}"


def _print_engagements(result: watchlist_module.Watchlist, top: int) -> None:
    """One block per engagement: a terminal is too narrow for a table of sentences."""
    arrows = {"up": "↑", "down": "↓", "steady": "→", "new": "new"}
    shown = result.engagements.head(top)
    console.print(f"The {len(shown)} riskiest of {len(result.engagements)} active engagements:",
                  markup=False)
    for row in shown.itertuples(index=False):
        interval = ("" if pd.isna(row.risk_low)
                    else f" ({_percent(row.risk_low)}-{_percent(row.risk_high)})")
        console.print()
        console.print(
            f"{row.rank:>3}. {row.engagement_id}  risk {_percent(row.risk)}{interval}, "
            f"base rate {_percent(row.base_rate)}; {result.trend_weeks} weeks ago "
            f"{_percent(row.risk_4_weeks_ago)} {arrows.get(row.trend, '')}; "
            f"at {_percent(row.fraction_elapsed)} of plan", markup=False, highlight=False)
        for reason in row.reasons:
            console.print(f"     - {reason}", markup=False, highlight=False)
        if isinstance(row.note, str):
            console.print(f"     ({row.note})", markup=False, highlight=False)
        if isinstance(row.change, str) and row.trend in ("up", "down"):
            console.print(f"     Since {result.trend_weeks} weeks ago: {row.change}",
                          markup=False, highlight=False)
        if isinstance(row.family, str):
            console.print(f"     Act on {row.family.replace('_', ' ')}: {row.action}",
                          markup=False, highlight=False)


def _print_backtest(backtest: watchlist_module.Backtest) -> None:
    table = Table(title="Backtest: the warning as of past month ends, against how engagements ended",
                  title_justify="left")
    columns = ("as_of", "judged", "events", "auc", "flag_count_auc", "sponsor_rule_auc",
               "top_decile_failure_rate", "rest_failure_rate")
    for column in columns:
        table.add_column(column.replace("_", " ").replace("failure rate", "failed"),
                         justify="right", overflow="fold", no_wrap=column == "as_of")
    for row in backtest.table.itertuples(index=False):
        table.add_row(*(_cell(
            value.date().isoformat() if column == "as_of"
            else f"{value:.2f}" if isinstance(value, float) and pd.notna(value) else value
        ) for column, value in ((c, getattr(row, c)) for c in columns)))
    console.print(table)
    for row in backtest.pooled.itertuples(index=False):
        console.print(f"All dates together, {row.ranking}: AUC {row.auc:.2f} "
                      f"(95% interval {row.auc_low:.2f}-{row.auc_high:.2f})", markup=False)
    console.print(f"Median warning: {backtest.median_weeks_warning:.1f} weeks from a failed engagement's "
                  f"first month in the top decile to its close ({backtest.failures_warned} of "
                  f"{backtest.failures} failures were in the top decile at least once).", markup=False)


def watchlist(
    bundle: Annotated[Path, typer.Argument(help="Bundle folder or bundle.xlsx.")],
    as_of: Annotated[str | None, typer.Option(help="Score as of YYYY-MM-DD (default: the data horizon).")] = None,
    outcome: Annotated[
        str, typer.Option(help="The risk of: failed or failed_or_challenged.")
    ] = "failed",
    top: Annotated[int, typer.Option(min=1, help="Rows of the printed table (JSON and CSV hold all).")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="Write every active engagement to this CSV file.")
    ] = None,
    backtest: Annotated[bool, typer.Option(help="Also check the warning against past dates.")] = False,
    lenient: Annotated[bool, typer.Option(help="Move bad rows to rejects instead of failing.")] = False,
) -> None:
    """Rank the active engagements by risk, with reasons and actions. Exit 1 if none can be scored."""
    if outcome not in drivers_module.OUTCOME_KINDS:
        raise UsageProblem(f"--outcome: {outcome!r} is not one of {', '.join(drivers_module.OUTCOME_KINDS)}")
    if as_json and csv_out is not None:
        raise UsageProblem("--json and --csv cannot be used together")
    if csv_out is not None and not csv_out.parent.is_dir():
        raise UsageProblem(f"--csv: folder {str(csv_out.parent)!r} does not exist")
    day = parse_date(as_of, option="--as-of")
    loaded = load_bundle(bundle, lenient=lenient)
    result = watchlist_module.watchlist(loaded, as_of=day, outcome=outcome, backtest=backtest)
    scored = int(result.engagements["risk"].notna().sum())
    if as_json:
        print(json.dumps(result.to_dict(), indent=2, allow_nan=False, ensure_ascii=False))
    elif csv_out is not None:
        result.to_csv(csv_out)
        console.print(f"{len(result.engagements)} active engagements written to {csv_out}", markup=False)
    else:
        console.print(
            f"Watchlist as of {result.as_of.isoformat()}: risk of ending {outcome.replace('_', ' ')}. "
            f"{len(result.engagements)} active engagements, {scored} scored; base rate "
            f"{result.base_rate:.0%} of the closed engagements.", markup=False)
        if len(result.engagements):
            _print_engagements(result, top)
        for warning in result.warnings:
            console.print(f"note: {warning}", markup=False)
        if result.backtest is not None:
            _print_backtest(result.backtest)
    if len(result.engagements) and not scored:
        console_err.print("error: no active engagement could be scored (see the notes)",
                          markup=False, highlight=False)
        raise typer.Exit(1)
