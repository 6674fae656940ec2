"""Power of the drivers analysis on generated portfolios with a planted truth (not a test).

Usage::

    python benchmarks/bench_drivers_power.py [--scenarios dark,dark+3,default] [--strengths 0.5,1,1.5]
                                             [--seeds 1,2,3,4,5] [--n 900] [--repeats 1] [--out runs.csv]

Each run generates a portfolio (``sample.generate(planted=...)``), loads it and
runs ``drivers.analyze`` at the default window (``--repeats`` rounds of 5-fold
cross-validation; 1 keeps the run short, 5 is the default of ``analyze``). Scenarios:

- ``dark``: going dark alone, at each strength;
- ``dark+3``: going dark at each strength next to overselling, sponsor absence
  and champion engagement at 1.0;
- ``default``: the default truth (four families at 1.0; ``--strengths`` ignored).

It prints, per scenario and strength, how often each planted family is found
(q < 0.05 in the risky direction), how often a non-planted family is
(a false finding: a shadow or chance), the median q of going dark, and, where
the result has them, how often the adjusted view keeps a planted family
(adjusted 95% CI above 1) and clears a false one (adjusted CI reaching 1), and the
cross-validated AUC against the plain model's. ``--out`` keeps one row per run
and family.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

OTHERS = {"overselling": 1.0, "sponsor_absence": 1.0, "champion_engagement": 1.0}


def _planted(scenario: str, strength: float) -> dict[str, float] | None:
    if scenario == "dark":
        return {"going_dark": strength}
    if scenario == "dark+3":
        return {**OTHERS, "going_dark": strength}
    if scenario == "default":
        return None
    raise SystemExit(f"unknown scenario {scenario!r} (dark, dark+3, default)")


def _run(scenario: str, strength: float, seed: int, n: int, repeats: int) -> list[dict[str, object]]:
    from engagement_analytics import drivers, load_bundle
    from engagement_analytics.sample import generate

    sample = generate(n_engagements=n, seed=seed, planted=_planted(scenario, strength))
    planted = set(sample.planted.loc[sample.planted["planted"] == "yes", "family"])
    result = drivers.analyze(load_bundle(sample.tables, pseudonymize=False), n_repeats=repeats)
    model = result.model
    rows = []
    for row in result.families.to_dict("records"):
        rows.append({
            "scenario": scenario, "strength": strength, "seed": seed, "family": row["family"],
            "planted": row["family"] in planted, "signal": row["signal"],
            "odds_ratio": row["odds_ratio"], "q_value": row["q_value"],
            "adjusted_odds_ratio": row.get("adjusted_odds_ratio", np.nan),
            "adjusted_ci_low": row.get("adjusted_ci_low", np.nan),
            "adjusted_ci_high": row.get("adjusted_ci_high", np.nan),
            "cv_auc": model.cv_auc, "plain_cv_auc": getattr(model, "plain_cv_auc", np.nan),
            "n": result.n, "events": result.events,
        })
    return rows


def _summary(runs: pd.DataFrame) -> pd.DataFrame:
    runs = runs.assign(found=(runs["q_value"] < 0.05) & (runs["odds_ratio"] > 1),
                       adjusted_kept=runs["adjusted_ci_low"] > 1)
    out = []
    for (scenario, strength), part in runs.groupby(["scenario", "strength"], sort=False):
        seeds = part["seed"].nunique()
        planted, other = part[part["planted"]], part[~part["planted"]]
        dark = part[part["family"] == "going_dark"]
        per_run = part.drop_duplicates("seed")
        row = {
            "scenario": scenario, "strength": strength, "runs": seeds,
            "planted_found": f"{int(planted['found'].sum())}/{len(planted)}",
            "dark_found": f"{int((dark['found']).sum())}/{seeds}",
            "dark_median_q": float(dark["q_value"].median()),
            "false_findings": f"{int(other['found'].sum())}/{len(other)}",
        }
        if part["adjusted_odds_ratio"].notna().any():
            found_other = other[other["found"]]
            row["planted_kept_adjusted"] = f"{int(planted['adjusted_kept'].sum())}/{len(planted)}"
            row["false_cleared_adjusted"] = (
                f"{int((~found_other['adjusted_kept']).sum())}/{len(found_other)}"
            )
        row["cv_auc"] = float(per_run["cv_auc"].mean())
        if per_run["plain_cv_auc"].notna().any():
            row["auc_minus_plain"] = float((per_run["cv_auc"] - per_run["plain_cv_auc"]).mean())
            row["auc_minus_plain_min"] = float((per_run["cv_auc"] - per_run["plain_cv_auc"]).min())
        out.append(row)
    return pd.DataFrame(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenarios", default="dark,dark+3,default")
    parser.add_argument("--strengths", default="0.5,1,1.5")
    parser.add_argument("--seeds", default="1,2,3,4,5")
    parser.add_argument("--n", type=int, default=900)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    strengths = [float(s) for s in args.strengths.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    rows, started, seconds = [], time.perf_counter(), []
    for scenario in args.scenarios.split(","):
        for strength in ([1.0] if scenario == "default" else strengths):
            for seed in seeds:
                run_started = time.perf_counter()
                rows += _run(scenario, strength, seed, args.n, args.repeats)
                seconds.append(time.perf_counter() - run_started)
                print(f"  {scenario} {strength:g} seed {seed}: {seconds[-1]:.1f} s", file=sys.stderr)
    runs = pd.DataFrame(rows)
    if args.out:
        runs.to_csv(args.out, index=False)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(_summary(runs).round(3).to_string(index=False))
    print(f"{len(seconds)} runs of {args.n} engagements in {time.perf_counter() - started:.0f} s "
          f"(median {statistics.median(seconds):.1f} s per run)")


if __name__ == "__main__":
    main()
