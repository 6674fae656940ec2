"""watchlist(): rank the active engagements by risk, with reasons, trend and (optionally) a backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import drivers, signals
from ._backtest import DEFAULT_BACKTEST_DATES, run_backtest
from ._engine import Engine
from ._frames import MAX_TRAINING
from ._reasons import biggest_change
from ._result import TREND_THRESHOLD, Watchlist
from ._risk import BASE_RATE, MODEL
from ._timeline import date_of, day_number

__all__ = ["DEFAULT_LANDMARKS", "watchlist"]

#: Points of the planned schedule with a model: every 10% of plan.
DEFAULT_LANDMARKS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
#: Bootstrap refits per landmark for the risk intervals.
DEFAULT_BOOTSTRAP = 200


def _check_landmarks(landmarks: object) -> tuple[float, ...]:
    try:
        values = tuple(sorted({float(v) for v in landmarks}))
    except (TypeError, ValueError):
        raise ValueError(f"landmarks must be numbers, got {landmarks!r}") from None
    if not values or not all(np.isfinite(v) and v > 0 for v in values):
        raise ValueError(f"landmarks must be fractions of the plan above 0, got {landmarks!r}")
    return values


def _whole(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def _trend(now: pd.DataFrame, before: pd.DataFrame, engine: Engine, before_day: float) -> pd.DataFrame:
    """risk_4_weeks_ago, trend and change of each engagement of ``now``."""
    old = before["risk"].reindex(now.index)
    delta = now["risk"] - old
    trend = np.select([old.isna() & now["risk"].notna(), delta >= TREND_THRESHOLD,
                       delta <= -TREND_THRESHOLD, delta.notna()], ["new", "up", "down", "steady"],
                      default=None)
    change = pd.Series(None, index=now.index, dtype=object)
    moved = pd.Series(trend, index=now.index).isin(["up", "down"]) & now["status"].eq(MODEL)
    for landmark, members in now[moved].groupby("landmark").groups.items():
        model = engine.model(engine.day, engine.landmarks.index(landmark))
        change[members] = biggest_change(
            model, engine.current(engine.day, members), engine.current(before_day, members),
            rose=(delta[members] > 0).to_numpy(), catalog=engine.catalog, advice=engine.advice,
        )
    rated = pd.Series(trend, index=now.index).isin(["up", "down"]) & now["status"].eq(BASE_RATE)
    change[rated] = [f"Now at {landmark:.0%} of plan, where the risk is the rate of past "
                     f"engagements there ({rate:.0%})."
                     for landmark, rate in now.loc[rated, ["landmark", "base_rate"]].itertuples(index=False)]
    new = pd.Series(trend, index=now.index).eq("new")
    weeks = int(round((engine.day - before_day) / 7))
    change[new] = [f"Not scored {weeks} weeks ago ({note})." for note in before.loc[new[new].index, "note"]]
    return pd.DataFrame({"risk_4_weeks_ago": old, "trend": trend, "change": change}, index=now.index)


def _landmark_table(engine: Engine, scored: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for k, fraction in enumerate(engine.landmarks):
        model = engine.model(engine.day, k)
        rows.append({
            "landmark": fraction, "closed": model.training.n, "events": model.training.events,
            "still_running": model.training.running, "base_rate": model.base_rate,
            "status": model.status, "penalty": model.penalty, "refits": model.refits,
            "active": int((scored["landmark"] == fraction).sum()),
        })
    return pd.DataFrame(rows)


def _warnings(engine: Engine, scored: pd.DataFrame, landmarks: pd.DataFrame, event_word: str) -> list[str]:
    out = []
    pool, closed = int(engine.pool.sum()), int(engine.timeline.closed_by(engine.day).sum())
    if pool < closed:
        out.append(f"the landmark models train on a fixed random {pool:,} of the {closed:,} closed "
                   "engagements (a cap for speed; intervals are computed on that subset)")
    attrs = engine.frames.landmark(engine.landmarks[0]).attrs if pool else {}
    out += [f"{name} could not be measured: {why}"
            for name, why in dict(attrs.get("unavailable") or {}).items()]
    out += [f"{name} is measured on part of its data: {why}"
            for name, why in dict(attrs.get("partial") or {}).items()]
    for status, count in scored["status"].value_counts(sort=False).items():
        if status == "too early":
            out.append(f"{count} active engagement{' is' if count == 1 else 's are'} under "
                       f"{engine.landmarks[0]:.0%} of the planned schedule: too early to score")
    for row in landmarks[landmarks["active"] > 0].itertuples():
        where = f"at {row.landmark:.0%} of plan"
        model = engine.model(engine.day, engine.landmarks.index(row.landmark))
        out += [f"{where}: {note}" for note in model.notes]
        if row.status != MODEL:
            out.append(f"{where}: {row.closed} closed engagements, {row.events} {event_word}: "
                       f"{row.status}; the {row.active} active there "
                       + ("get that base rate" if row.status == BASE_RATE else "are not ranked"))
        running = row.still_running / max(row.closed + row.still_running, 1)
        if running >= 0.2:
            out.append(f"{where}: {row.still_running} of the engagements that reached this point "
                       f"({running:.0%}) are still running; closed ones are weighted to stand in "
                       "for them (inverse probability of censoring weights)")
    return out


def watchlist(
    bundle: object,
    *,
    as_of: object = None,
    outcome: str = "failed",
    landmarks: tuple[float, ...] = DEFAULT_LANDMARKS,
    trend_weeks: int = 4,
    n_bootstrap: int = DEFAULT_BOOTSTRAP,
    backtest: bool = False,
    backtest_dates: int | None = DEFAULT_BACKTEST_DATES,
    max_training: int = MAX_TRAINING,
    random_state: int = 0,
) -> Watchlist:
    """Rank the engagements active on a date by their risk of ending with ``outcome``.

    Each active engagement is matched in time: at 30% of its planned schedule it
    is scored by a model trained on the closed engagements as they stood at 30%
    of theirs (the latest landmark it has reached; past the last, the last),
    using only what was known on the as-of date. See ``docs/watchlist.md``.

    Parameters
    ----------
    bundle : Bundle
        A loaded bundle (:func:`engagement_analytics.load_bundle`).
    as_of : date, str or Timestamp, optional
        Score as of this day: rows dated after it and outcomes of engagements
        closed after it are not used. Default: the bundle's data horizon
        (:func:`engagement_analytics.signals.as_of_date`).
    outcome : {"failed", "failed_or_challenged"}
        What the risk is the risk of.
    landmarks : tuple of float
        Fractions of the planned schedule with a model (default every 10%).
    trend_weeks : int, default 4
        The trend compares with the watchlist as of this many weeks earlier.
    n_bootstrap : int, default 200
        Bootstrap refits per landmark for the 95% risk intervals (0: none).
    backtest : bool, default False
        Also run the backtest (see :class:`Backtest`).
    backtest_dates : int or None, default 12
        The latest qualifying month ends the backtest uses (None: all).
    max_training : int, default 5000
        Most closed engagements the models train on (a fixed random subset beyond).
    random_state : int, default 0
        Seed of the cross-validation and the bootstrap.

    Returns
    -------
    Watchlist

    Raises
    ------
    ValueError
        An unknown ``outcome`` or a bad option value.

    Examples
    --------
    >>> from engagement_analytics import load_bundle, watchlist
    >>> result = watchlist.watchlist(load_bundle("data/sample"), n_bootstrap=20)
    >>> result.as_of.isoformat(), len(result.engagements)
    ('2026-06-30', 61)
    """
    if outcome not in drivers.OUTCOME_KINDS:
        raise ValueError(f"outcome={outcome!r} is not supported; use one of "
                         f"{', '.join(drivers.OUTCOME_KINDS)}")
    marks = _check_landmarks(landmarks)
    trend_weeks = _whole(trend_weeks, "trend_weeks", 1)
    n_bootstrap = _whole(n_bootstrap, "n_bootstrap", 0)
    max_training = _whole(max_training, "max_training", 1)
    if backtest_dates is not None:
        backtest_dates = _whole(backtest_dates, "backtest_dates", 1)
    date = signals.as_of_date(bundle, as_of)
    event_word = outcome.replace("_", " ")
    engine = Engine(bundle, day=day_number(date), events=drivers.OUTCOME_KINDS[outcome],
                    event_word=event_word, landmarks=marks, max_training=max_training,
                    random_state=random_state)
    now = engine.score(engine.day, n_bootstrap=n_bootstrap, reasons=True)
    before_day = engine.day - 7 * trend_weeks
    before = engine.score(before_day, now.index)
    ranked = now.join(_trend(now, before, engine, before_day))
    ranked = (ranked.rename_axis("engagement_id").reset_index()
              .assign(_missing=lambda f: f["risk"].isna(), _risk=lambda f: -f["risk"].fillna(0))
              .sort_values(["_missing", "_risk", "engagement_id"], kind="stable")
              .drop(columns=["_missing", "_risk"]).reset_index(drop=True))
    ranked.insert(1, "rank", np.arange(1, len(ranked) + 1))
    closed = engine.timeline.closed_by(engine.day)
    landmark_table = _landmark_table(engine, now)
    result_backtest = run_backtest(engine, n_dates=backtest_dates, outcome=outcome) if backtest else None
    warnings = _warnings(engine, now, landmark_table, event_word)
    if result_backtest is not None:
        warnings += result_backtest.notes
    return Watchlist(
        as_of=date_of(engine.day), outcome=outcome,
        base_rate=float(engine.timeline.event[closed].mean()) if closed.any() else np.nan,
        engagements=ranked, landmarks=landmark_table, backtest=result_backtest,
        warnings=warnings, trend_weeks=trend_weeks, n_bootstrap=n_bootstrap, _engine=engine,
    )
