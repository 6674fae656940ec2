"""Benchmark: the watchlist and its backtest on a bundle, with the quality figures when it has a truth.

Usage::

    python benchmarks/bench_watchlist.py data/large [--steps watchlist,backtest]

Each step runs in a fresh Python process (load included, timed apart), so its
peak resident memory is its own. Besides wall and CPU time the script prints,
for a generated bundle (one with ``truth.csv``), the AUC of the ranking of the
active engagements against the generator's eventual outcomes, next to the
flag count of the old portfolio page; and for the backtest, its pooled AUCs.
Targets from the issue: the watchlist within 60 s on the large bundle (about
3,000 active engagements), the backtest over 12 monthly dates within 5
minutes. It asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

TARGETS = {"watchlist": 60.0, "backtest": 300.0}


def _latent_aucs(bundle_path: Path, loaded, result) -> dict[str, float]:
    import pandas as pd
    from sklearn.metrics import roc_auc_score

    from engagement_analytics import plots, signals

    truth_file = bundle_path / "truth.csv"
    if not truth_file.exists():
        return {}
    truth = pd.read_csv(truth_file).set_index("engagement_id")
    rows = result.engagements.set_index("engagement_id")
    rows = rows[rows["risk"].notna()]
    failed = truth.loc[rows.index, "eventual_outcome"].eq("failed")
    flags, _ = plots.portfolio_numbers(signals.compute(loaded), plots.outcome_groups(loaded.engagements),
                                       catalog=signals.catalog())
    return {
        "latent_auc": round(roc_auc_score(failed, rows["risk"]), 3),
        "flag_count_latent_auc": round(roc_auc_score(failed, flags["flags"].reindex(rows.index)), 3),
        "mean_risk": round(float(rows["risk"].mean()), 3),
        "latent_failure_rate": round(float(failed.mean()), 3),
    }


def _child(step: str, bundle_path: Path) -> dict[str, object]:
    from engagement_analytics import load_bundle, watchlist

    started = time.perf_counter()
    loaded = load_bundle(bundle_path, pseudonym_key="benchmark")
    load_seconds = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    result = watchlist.watchlist(loaded, backtest=step == "backtest")
    out = {
        "step": step, "load_s": round(load_seconds, 1),
        "seconds": round(time.perf_counter() - started, 1),
        "cpu_s": round(time.process_time() - cpu, 1),
        "active": len(result.engagements), "scored": int(result.engagements["risk"].notna().sum()),
    }
    if step == "watchlist":
        out.update(_latent_aucs(bundle_path, loaded, result))
    else:
        out["dates"] = len(result.backtest.table)
        out["pooled_auc"] = {row.ranking: round(row.auc, 3) for row in result.backtest.pooled.itertuples()}
        out["median_weeks_warning"] = round(result.backtest.median_weeks_warning, 1)
    out["peak_gb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--steps", default="watchlist,backtest")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.bundle)))
        return
    print(f"bundle {args.bundle}")
    for step in args.steps.split(","):
        out = subprocess.run([sys.executable, __file__, str(args.bundle), "--child", step],
                             capture_output=True, text=True, check=True).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        seconds = figures.pop("seconds")
        print(f"{step:<10} {seconds:>7.1f} s (target {TARGETS[step]:.0f} s, load apart)  "
              + ", ".join(f"{k} {v}" for k, v in figures.items() if k != "step"))


if __name__ == "__main__":
    main()
