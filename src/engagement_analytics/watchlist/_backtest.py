"""Has the warning worked before? Run it as of past dates and compare with how engagements ended.

For each past as-of date (month ends), the watchlist is trained only on
engagements closed by then, scores the engagements active then, and is
compared with the outcomes known today, next to the two baselines of
``_baselines`` run the same way on the same engagements.

Which dates take part: a month end qualifies when enough engagements had
closed by then (:data:`MIN_TRAINING` of them, :data:`MIN_PER_CLASS` events
and non-events) and when at least :data:`MIN_KNOWN_SHARE` of the engagements
active then have closed since. The second rule matters: for a recent date,
the engagements that have already closed are the early closers, mostly
failures, and judging the warning on them alone would flatter or punish it
for reasons of timing. The latest ``n_dates`` qualifying dates are used.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ._baselines import SteeringHistory, flag_count
from ._engine import Engine
from ._result import Backtest
from ._risk import MIN_PER_CLASS, MIN_TRAINING
from ._timeline import date_of, day_number

__all__ = [
    "DEFAULT_BACKTEST_DATES",
    "MIN_KNOWN_SHARE",
    "POOLED_BOOTSTRAP",
    "TOP_SHARE",
    "auc",
    "run_backtest",
]

#: Share of the engagements active on a backtest date whose outcome must be known today.
MIN_KNOWN_SHARE = 0.8
#: The top of the ranking whose failure rate the backtest reports: the top decile.
TOP_SHARE = 0.1
#: Backtest dates used by default: the latest twelve qualifying month ends.
DEFAULT_BACKTEST_DATES = 12
#: Engagement resamples behind the intervals of the pooled AUCs.
POOLED_BOOTSTRAP = 200


def auc(y: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve (ties count one half); NaN unless both classes have
    :data:`MIN_PER_CLASS` members."""
    y = np.asarray(y, dtype=int)
    events = int(y.sum())
    if min(events, len(y) - events) < MIN_PER_CLASS:
        return np.nan
    ranks = pd.Series(np.asarray(score, dtype=float)).rank(method="average").to_numpy()
    return float((ranks[y == 1].sum() - events * (events + 1) / 2) / (events * (len(y) - events)))


def _month_ends(first: float, last: float) -> list[float]:
    """Month ends strictly after day ``first`` and strictly before day ``last``."""
    months = pd.date_range(pd.Timestamp(date_of(first)), pd.Timestamp(date_of(last)), freq="ME")
    days = [day_number(stamp.date()) for stamp in months]
    return [d for d in days if first < d < last]


def candidate_dates(engine: Engine, *, n_dates: int | None) -> tuple[list[float], list[str]]:
    """The backtest dates, and notes on the ones left out."""
    timeline = engine.timeline
    if not len(timeline.ids):
        return [], []
    chosen, too_recent = [], 0
    for day in reversed(_month_ends(float(np.nanmin(timeline.start)), engine.day)):
        closed = timeline.closed_by(day)
        events = int(timeline.event[closed].sum())
        if closed.sum() < MIN_TRAINING or min(events, int(closed.sum()) - events) < MIN_PER_CLASS:
            break  # earlier dates had even fewer closed engagements
        active = timeline.active_on(day)
        known = timeline.closed_by(engine.day)[active]
        if not len(known) or known.mean() < MIN_KNOWN_SHARE:
            if not chosen:
                too_recent += 1
            continue
        chosen.append(day)
        if n_dates is not None and len(chosen) == n_dates:
            break
    notes = []
    if too_recent:
        notes.append(
            f"the latest {too_recent} month ends are not backtested: fewer than "
            f"{MIN_KNOWN_SHARE:.0%} of the engagements active then have closed since, and the ones "
            "that have are the early closers"
        )
    return sorted(chosen), notes


def run_backtest(engine: Engine, *, n_dates: int | None = DEFAULT_BACKTEST_DATES,
                 outcome: str) -> Backtest:
    """The watchlist and both baselines as of each backtest date."""
    dates, notes = candidate_dates(engine, n_dates=n_dates)
    timeline = engine.timeline
    known_today = pd.Series(timeline.closed_by(engine.day), index=timeline.ids)
    event = pd.Series(timeline.event, index=timeline.ids)
    closed_on = pd.Series(timeline.closed, index=timeline.ids)
    steering = SteeringHistory(engine.bundle) if dates else None
    rows, scores = [], []
    for day in dates:
        ids = engine.active_ids(day)
        portfolio = engine.frames.portfolio(day)
        scored = engine.score(day, ids)
        flags = flag_count(portfolio, engine.bundle.engagements, timeline.closed, day, outcome=outcome)
        frame = pd.DataFrame({
            "as_of": pd.Timestamp(date_of(day)),
            "risk": scored["risk"],
            "fraction_elapsed": scored["fraction_elapsed"],
            "flag_count": flags.reindex(ids).to_numpy(dtype=float),
            "sponsor_rule": steering.sponsor_rule(ids, day).to_numpy(dtype=float),
            "known": known_today.reindex(ids).to_numpy(),
            "event": event.reindex(ids).where(known_today.reindex(ids)).to_numpy(dtype=float),
        }, index=ids)
        ranked = frame[frame["risk"].notna()].sort_values("risk", ascending=False, kind="stable")
        top = ranked.index[: math.ceil(TOP_SHARE * len(ranked))]
        frame["top_decile"] = frame.index.isin(top)
        scores.append(frame)
        judged = frame[frame["risk"].notna() & frame["known"]]
        y = judged["event"].to_numpy(dtype=int)
        in_top = judged["top_decile"].to_numpy()
        rows.append({
            "as_of": pd.Timestamp(date_of(day)),
            "active": len(frame),
            "scored": int(frame["risk"].notna().sum()),
            "judged": len(judged),
            "events": int(y.sum()),
            "auc": auc(y, judged["risk"]),
            "flag_count_auc": auc(y, judged["flag_count"]),
            "sponsor_rule_auc": auc(y, judged["sponsor_rule"]),
            "top_decile_failure_rate": float(y[in_top].mean()) if in_top.any() else np.nan,
            "rest_failure_rate": float(y[~in_top].mean()) if (~in_top).any() else np.nan,
            "mean_risk": float(judged["risk"].mean()) if len(judged) else np.nan,
            "observed_rate": float(y.mean()) if len(y) else np.nan,
        })
    table = pd.DataFrame(rows, columns=Backtest.TABLE_COLUMNS)
    long = (pd.concat(scores).rename_axis("engagement_id").reset_index() if scores
            else pd.DataFrame(columns=["engagement_id", "as_of", *Backtest.SCORE_COLUMNS[2:]]))
    warned = _warning_weeks(long, closed_on)
    return Backtest(table=table, scores=long, median_weeks_warning=warned["median_weeks"],
                    failures=warned["failures"], failures_warned=warned["warned"],
                    pooled=_pooled(long, seed=engine.random_state), notes=notes)


def _pooled(long: pd.DataFrame, *, seed: int) -> pd.DataFrame:
    """AUC of each ranking over every date at once, with a 95% interval by engagement.

    An engagement active on several dates appears once per date, so the rows are
    not independent: the interval resamples engagements (all their dates
    together), :data:`POOLED_BOOTSTRAP` times, and so does the difference
    between the watchlist and each baseline (paired: same resamples).
    """
    judged = long[long["risk"].notna() & long["known"].astype(bool)]
    measures = {"watchlist": "risk", "flag count": "flag_count", "sponsor rule": "sponsor_rule"}
    y = judged["event"].to_numpy(dtype=int)
    scores = {name: judged[column].to_numpy(dtype=float) for name, column in measures.items()}
    point = {name: auc(y, score) for name, score in scores.items()}
    codes, _ = pd.factorize(judged["engagement_id"])
    rows_of = pd.Series(np.arange(len(judged))).groupby(codes).apply(np.asarray).to_list()
    rng = np.random.default_rng(seed)
    draws = {name: [] for name in measures}
    for _ in range(POOLED_BOOTSTRAP if len(rows_of) else 0):
        picked = rng.integers(0, len(rows_of), len(rows_of))
        rows = np.concatenate([rows_of[i] for i in picked])
        for name, score in scores.items():
            draws[name].append(auc(y[rows], score[rows]))
    out = []
    for name in measures:
        own = np.asarray(draws[name], dtype=float)
        gap = np.asarray(draws["watchlist"], dtype=float) - own
        out.append({
            "ranking": name, "auc": point[name], **_interval(own, "auc"),
            "watchlist_minus": point["watchlist"] - point[name] if name != "watchlist" else np.nan,
            **(_interval(gap, "watchlist_minus") if name != "watchlist"
               else {"watchlist_minus_low": np.nan, "watchlist_minus_high": np.nan}),
        })
    frame = pd.DataFrame(out)
    frame.attrs["rows"], frame.attrs["engagements"], frame.attrs["events"] = (
        len(judged), len(rows_of), int(judged.drop_duplicates("engagement_id")["event"].sum()))
    return frame


def _interval(draws: np.ndarray, name: str) -> dict:
    finite = draws[np.isfinite(draws)]
    if len(finite) < 0.9 * max(len(draws), 1) or not len(finite):
        return {f"{name}_low": np.nan, f"{name}_high": np.nan}
    low, high = np.percentile(finite, [2.5, 97.5])
    return {f"{name}_low": float(low), f"{name}_high": float(high)}


def _warning_weeks(long: pd.DataFrame, closed_on: pd.Series) -> dict:
    """Weeks from a failure's first backtest date in the top decile to its close."""
    failures = long.loc[long["event"] == 1, "engagement_id"].unique()
    flagged = long[(long["event"] == 1) & long["top_decile"].astype(bool)]
    first = flagged.groupby("engagement_id")["as_of"].min()
    if not len(first):
        return {"median_weeks": np.nan, "failures": len(failures), "warned": 0}
    close = pd.to_datetime(closed_on.reindex(first.index).to_numpy(), unit="D")
    weeks = (close - pd.DatetimeIndex(first.to_numpy())).days.to_numpy() / 7
    return {"median_weeks": float(np.median(weeks)), "failures": len(failures), "warned": len(first)}
