"""The signal frames the watchlist reads, each computed once and only for the engagements it needs.

Measuring signals is the expensive step (seconds per call on a portfolio of
20,000 engagements), and the watchlist needs many windows: one per landmark
for training, and the current window of the active engagements on each
as-of date it scores (today, four weeks ago, the backtest dates).

A closed engagement's window at a landmark ends before it closed, so it is
the same on every as-of date on or after the close: one frame per landmark,
measured as of the latest date, serves every earlier as-of date too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import signals
from ._timeline import Timeline, date_of

__all__ = ["MAX_TRAINING", "SignalFrames", "training_pool"]

#: Most closed engagements a landmark model trains on. Beyond a few thousand a model of
#: some thirty signals gains nothing measurable, while measuring them costs seconds per
#: landmark; larger portfolios train on a fixed random subset (chosen by a hash of the
#: engagement id, so the same engagements whatever the order or the as-of date).
MAX_TRAINING = 5000


def training_pool(timeline: Timeline, day: float, *, max_training: int = MAX_TRAINING) -> np.ndarray:
    """The closed engagements (by ``day``) whose signals are measured for training."""
    closed = timeline.closed_by(day)
    if closed.sum() <= max_training:
        return closed
    order = pd.util.hash_pandas_object(pd.Series(timeline.ids[closed]), index=False).to_numpy()
    chosen = np.zeros(int(closed.sum()), dtype=bool)
    chosen[np.argsort(order, kind="stable")[:max_training]] = True
    pool = np.zeros(len(closed), dtype=bool)
    pool[np.flatnonzero(closed)[chosen]] = True
    return pool


class SignalFrames:
    """Cached signal frames of one bundle, for the as-of date ``day`` and earlier."""

    def __init__(self, bundle: object, timeline: Timeline, day: float, pool: np.ndarray) -> None:
        self._bundle = bundle
        self._timeline = timeline
        self._day = day
        self._pool_ids = timeline.ids[pool]
        self._pool_bundle = None
        self._landmarks: dict[float, pd.DataFrame] = {}
        self._portfolio: dict[float, pd.DataFrame] = {}

    def landmark(self, fraction: float) -> pd.DataFrame:
        """Signals of the training pool over the first ``fraction`` of each planned schedule."""
        if fraction not in self._landmarks:
            if self._pool_bundle is None:
                self._pool_bundle = _cut(self._bundle, self._pool_ids)
            self._landmarks[fraction] = _compute(
                self._pool_bundle, self._pool_ids, as_of=date_of(self._day), at_fraction=fraction
            )
        return self._landmarks[fraction]

    def current(self, day: float, ids: pd.Index) -> pd.DataFrame:
        """Signals of ``ids`` from their start up to ``day`` (what was known then)."""
        if day in self._portfolio:
            return self._portfolio[day].reindex(ids)
        return _compute(_cut(self._bundle, ids), ids, as_of=date_of(day))

    def portfolio(self, day: float) -> pd.DataFrame:
        """Signals of every engagement started by ``day``, up to ``day`` (the flag count's input)."""
        if day not in self._portfolio:
            self._portfolio[day] = signals.compute(self._bundle, as_of=date_of(day))
        return self._portfolio[day]


def _cut(bundle: object, ids: pd.Index) -> object:
    every = bundle.engagements["engagement_id"]
    return bundle if len(ids) == len(every) else signals.restrict(bundle, ids)


def _compute(bundle: object, ids: pd.Index, **window) -> pd.DataFrame:
    if not len(ids):
        return pd.DataFrame(columns=signals.catalog()["signal"], index=ids, dtype=float)
    return signals.compute(bundle, **window).reindex(ids)
