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
    for column in ("family", "strongest signal", "odds ratio per SD", "95% CI", "q", "tested"):
        # Fold rather than truncate: the names are what a reader looks for.
        table.add_column(column, justify="left" if column in ("family", "strongest signal") else "right",
                         overflow="fold")
    for row in result.families.itertuples():
        table.add_row(
            row.family, "—" if pd.isna(row.signal) else row.signal, _format(row.odds_ratio, ".2f"),
            f"{_format(row.ci_low, '.2f')}-{_format(row.ci_high, '.2f')}",
            _format(row.q_value, ".3g"), f"{row.n_tested}/{row.n_signals}",
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
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    lenient: Annotated[bool, typer.Option(help="Move bad rows to rejects instead of failing.")] = False,
) -> None:
    """Test which relationship patterns go with failed engagements. Exit 1 if outcomes are too few."""
    if outcome not in drivers_module.OUTCOME_KINDS:
        raise UsageProblem(f"--outcome: {outcome!r} is not one of {', '.join(drivers_module.OUTCOME_KINDS)}")
    if first_weeks is not None and at_fraction is not None:
        raise UsageProblem("--first-weeks and --at-fraction cannot be used together")
    if at_fraction is not None and not at_fraction > 0:
        raise UsageProblem(f"--at-fraction: {at_fraction} must be above 0")
    cutoff = parse_date(as_of, option="--as-of")
    loaded = load_bundle(bundle, lenient=lenient)
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
