"""Benchmark: load, signals and drivers on a bundle, against a DuckDB baseline.

Usage::

    python benchmarks/bench_pipeline.py data/large [--steps duckdb,load,signals,drivers] [--repeat 1]

Each step runs in a fresh Python process, so its wall time and its peak
resident memory (``ru_maxrss`` of that process) are its own. The baseline,
timed in the same run, is DuckDB reading every CSV table of the bundle into an
in-memory database (``CREATE TABLE t AS SELECT * FROM read_csv(...)``). The
script prints one row per step with the ratio to that baseline and the targets
from the issues; it asserts nothing (targets are for people to read).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from engagement_analytics._contract import TABLES

# step -> (target ratio to the DuckDB baseline, target peak memory in GB, what it includes)
TARGETS = {
    "duckdb": (None, None, "baseline: DuckDB reads every table into memory"),
    "load": (3.0, 3.0, "load_bundle: read + validate + pseudonymise"),
    "signals": (4.0, 4.0, "load_bundle + signals.compute(at_fraction=0.5)"),
    "signals_duckdb": (None, None, "load_bundle + signals.compute(at_fraction=0.5, engine='duckdb'); "
                       "target: compute <= 1.5x the numpy compute"),
    "drivers": (None, None, "load_bundle + drivers.analyze (target: < 180 s on the large bundle)"),
}


def _step_duckdb(bundle: Path) -> dict[str, object]:
    import duckdb

    con = duckdb.connect(":memory:")
    rows = {}
    for name in TABLES:
        path = bundle / f"{name}.csv"
        if path.exists():
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}')")
            rows[name] = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
    return {"rows": rows}


def _step_load(bundle: Path) -> dict[str, object]:
    from engagement_analytics import load_bundle

    loaded = load_bundle(bundle, pseudonym_key="benchmark")
    return {"rows": {name: counts.kept for name, counts in loaded.report.tables.items()}}


def _step_signals(bundle: Path, engine: str | None = None) -> dict[str, object]:
    from engagement_analytics import load_bundle, signals

    loaded = load_bundle(bundle, pseudonym_key="benchmark")
    started = time.perf_counter()
    values = signals.compute(loaded, at_fraction=0.5, engine=engine)
    figures = {"compute_seconds": round(time.perf_counter() - started, 2), "shape": list(values.shape)}
    if engine is not None:  # the SQL is compiled once per process: a second run shows the rest
        started = time.perf_counter()
        signals.compute(loaded, at_fraction=0.5, engine=engine)
        figures["compute_again_seconds"] = round(time.perf_counter() - started, 2)
    return figures


def _step_signals_duckdb(bundle: Path) -> dict[str, object]:
    return _step_signals(bundle, engine="duckdb")


def _step_drivers(bundle: Path) -> dict[str, object]:
    from engagement_analytics import drivers, load_bundle

    loaded = load_bundle(bundle, pseudonym_key="benchmark")
    started = time.perf_counter()
    result = drivers.analyze(loaded, random_state=0)
    return {
        "analyze_seconds": round(time.perf_counter() - started, 2),
        "n": int(result.n),
        "cv_auc": round(float(result.model.cv_auc), 3),
    }


_STEPS = {"duckdb": _step_duckdb, "load": _step_load, "signals": _step_signals,
          "signals_duckdb": _step_signals_duckdb, "drivers": _step_drivers}


def _run_child(step: str, bundle: Path) -> None:
    started = time.perf_counter()
    details = _STEPS[step](bundle)
    seconds = time.perf_counter() - started
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # ru_maxrss is in KiB
    print(json.dumps({"step": step, "seconds": seconds, "peak_gb": peak_gb, **details}))


def _measure(step: str, bundle: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, str(bundle), "--child", step],
        capture_output=True, text=True, check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--steps", default="duckdb,load,signals,signals_duckdb,drivers")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of every step (best and median are shown)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _run_child(args.child, args.bundle)
        return
    size_mb = sum(p.stat().st_size for p in args.bundle.glob("*.csv")) / 1e6
    print(f"bundle {args.bundle}: {size_mb:,.0f} MB of CSV")
    steps = ["duckdb"] + [s for s in args.steps.split(",") if s != "duckdb"]
    # Rounds interleave the steps, so a slow spell of a shared machine hits the
    # baseline and the steps alike.
    runs: dict[str, list[dict[str, object]]] = {step: [] for step in steps}
    for _ in range(args.repeat):
        for step in steps:
            runs[step].append(_measure(step, args.bundle))
    best = {step: min(r["seconds"] for r in results) for step, results in runs.items()}
    median = {step: statistics.median(r["seconds"] for r in results) for step, results in runs.items()}
    rows = runs["duckdb"][0].get("rows", {})
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    print(f"{args.repeat} round(s); best and median wall time, each against the baseline's best and median")
    print(f"{'step':<8} {'best s':>7} {'x duckdb':>9} {'median s':>9} {'x duckdb':>9} {'target x':>9} "
          f"{'peak GB':>8} {'target GB':>9}  details")
    for step, results in runs.items():
        ratio_target, memory_target, what = TARGETS[step]
        fastest = min(results, key=lambda r: r["seconds"])
        details = {k: v for k, v in fastest.items() if k not in ("step", "seconds", "peak_gb", "rows")}
        peak = max(r["peak_gb"] for r in results)
        print(
            f"{step:<8} {best[step]:>7.2f} {best[step] / best['duckdb']:>9.2f} {median[step]:>9.2f} "
            f"{median[step] / median['duckdb']:>9.2f} {ratio_target or '-':>9} {peak:>8.2f} "
            f"{memory_target or '-':>9}  {what} {details or ''}"
        )


if __name__ == "__main__":
    main()
