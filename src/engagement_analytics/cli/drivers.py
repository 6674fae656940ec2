"""``engagement-analytics drivers``: which patterns go with failure in a bundle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from .. import drivers as drivers_module
from .. import load_bundle
from .common import UsageProblem, console, console_err, parse_date


def register(app: typer.Typer) -> None:
    app.command("drivers")(drivers)


def _format(value: float, spec: str) -> str:
    return "—" if pd.isna(value) else format(value, spec)


def _print_human(result: drivers_module.DriversResult) -> None:
    console.print(f"Outcome: {result.outcome.replace('_', ' ')} — {result.events} of {result.n} "
                  f"closed engagements. Window: {result.window}.", markup=False)
    console.print()
    for sentence in result.findings:
        console.print(f"• {sentence}", markup=False)
    for sentence in result.non_findings:
        console.print(f"· {sentence}", markup=False)
    console.print()
    table = Table(title="Families (strongest signal of each)", title_justify="left")
    for column in ("family", "strongest signal", "odds ratio per SD", "95% CI", "q",
                   "adjusted for the others", "tested"):
        # Fold rather than truncate: the names are what a reader looks for.
        table.add_column(column, justify="left" if column in ("family", "strongest signal") else "right",
                         overflow="fold")
    for row in result.families.itertuples():
        table.add_row(
            row.family, "—" if pd.isna(row.signal) else row.signal, _format(row.odds_ratio, ".2f"),
            f"{_format(row.ci_low, '.2f')}-{_format(row.ci_high, '.2f')}",
            _format(row.q_value, ".3g"),
            f"{_format(row.adjusted_odds_ratio, '.2f')} ({_format(row.adjusted_ci_low, '.2f')}-"
            f"{_format(row.adjusted_ci_high, '.2f')})",
            f"{row.n_tested}/{row.n_signals}",
        )
    console.print(table)
    model = result.model
    console.print(
        f"All signals together (regularised logistic regression, {model.n_repeats}x"
        f"{model.n_splits}-fold CV): AUC {model.cv_auc:.2f} "
        f"(95% CI {_format(model.cv_auc_low, '.2f')}-{_format(model.cv_auc_high, '.2f')}), "
        f"gradient boosting AUC {model.gb_cv_auc:.2f}, Brier {model.brier:.3f}, "
        f"base rate {model.base_rate:.0%}.",
        markup=False,
    )
    for warning in result.warnings:
        console.print(f"note: {warning}", markup=False)


def _print_lead_time(lead: drivers_module.LeadTimeResult) -> None:
    console.print(f"Outcome: {lead.outcome.replace('_', ' ')}. At each fraction of the planned "
                  "schedule, the closed engagements still running then are compared.", markup=False)
    table = Table(title="How early the patterns go with failure (q of each family's strongest signal)",
                  title_justify="left")
    table.add_column("", justify="left")
    fractions = list(lead.summary["fraction"])
    for fraction in fractions:
        table.add_column(f"{fraction:.0%}", justify="right")
    summary = lead.summary.set_index("fraction")
    table.add_row("closed, running", *(f"{int(summary.at[f, 'n'])}" for f in fractions))
    table.add_row("events", *(f"{int(summary.at[f, 'events'])}" for f in fractions))
    table.add_row("CV AUC", *(_format(summary.at[f, "cv_auc"], ".2f") for f in fractions))
    q = lead.families.pivot(index="family", columns="fraction", values="q_value")
    odds = lead.families.pivot(index="family", columns="fraction", values="odds_ratio")
    for family in dict.fromkeys(lead.families["family"]):
        cells = []
        for f in fractions:
            value = q.at[family, f] if f in q.columns else float("nan")
            contrary = f in odds.columns and odds.at[family, f] < 1
            cells.append(_format(value, ".2g") + (" (-)" if contrary and value < 0.05 else ""))
        table.add_row(family, *cells)
    console.print(table)
    console.print("(-): in the direction opposite to the risky one.", markup=False)
    for warning in lead.warnings:
        console.print(f"note: {warning}", markup=False)


def drivers(
    bundle: Annotated[Path, typer.Argument(help="Bundle folder or bundle.xlsx.")],
    outcome: Annotated[
        str, typer.Option(help="What counts as an event: failed or failed_or_challenged.")
    ] = "failed",
    first_weeks: Annotated[
        int | None, typer.Option(min=1, help="Compare engagements over their first N weeks.")
    ] = None,
    at_fraction: Annotated[
        float | None,
        typer.Option(help="Compare engagements up to this fraction of their planned schedule "
                          "(default 0.4; engagements closed before it are left out)."),
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="Only data dated on or before YYYY-MM-DD.")] = None,
    lead_time: Annotated[
        bool, typer.Option("--lead-time", help="Repeat the analysis at 10%, 20%, ..., 80% of the "
                                               "planned schedule: how early each pattern shows.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    lenient: Annotated[bool, typer.Option(help="Move bad rows to rejects instead of failing.")] = False,
) -> None:
    """Test which relationship patterns go with failed engagements. Exit 1 if outcomes are too few
    (with --lead-time, a fraction with too few is reported, not an error)."""
    if outcome not in drivers_module.OUTCOME_KINDS:
        raise UsageProblem(f"--outcome: {outcome!r} is not one of {', '.join(drivers_module.OUTCOME_KINDS)}")
    if first_weeks is not None and at_fraction is not None:
        raise UsageProblem("--first-weeks and --at-fraction cannot be used together")
    if at_fraction is not None and not at_fraction > 0:
        raise UsageProblem(f"--at-fraction: {at_fraction} must be above 0")
    if lead_time and (first_weeks is not None or at_fraction is not None):
        raise UsageProblem("--lead-time sets its own windows: drop --first-weeks and --at-fraction")
    cutoff = parse_date(as_of, option="--as-of")
    loaded = load_bundle(bundle, lenient=lenient)
    if lead_time:
        lead = drivers_module.lead_time(loaded, outcome=outcome, as_of=cutoff)
        if as_json:
            print(json.dumps(lead.to_dict(), indent=2, allow_nan=False))
        else:
            _print_lead_time(lead)
        return
    try:
        result = drivers_module.analyze(
            loaded, outcome=outcome, first_weeks=first_weeks, at_fraction=at_fraction, as_of=cutoff
        )
    except drivers_module.InsufficientOutcomes as exc:
        console_err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    if as_json:
        print(json.dumps(result.to_dict(), indent=2, allow_nan=False))
    else:
        _print_human(result)
