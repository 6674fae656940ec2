"""Score the engagements active on any day: landmark, risk, interval, reasons.

One :class:`Engine` serves a whole watchlist (today, four weeks ago, the
backtest dates, the risk history): it measures each signal frame once and
fits each (day, landmark) model once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import signals
from ._advice import load_advice
from ._frames import SignalFrames, training_pool
from ._landmarks import training_set
from ._reasons import explain
from ._risk import (
    BASE_RATE,
    MIN_CLOSED_SHARE,
    MIN_TRAINING,
    MODEL,
    TOO_FEW,
    TOO_YOUNG,
    LandmarkModel,
    bootstrap_interval,
    fit_landmark,
)
from ._timeline import Timeline

__all__ = ["Engine", "SCORE_COLUMNS"]

SCORE_COLUMNS = [
    "fraction_elapsed", "landmark", "status", "risk", "risk_low", "risk_high", "base_rate", "note",
]


class Engine:
    """Landmark models and signal frames of one bundle, as of ``day`` and earlier."""

    def __init__(self, bundle: object, *, day: float, events: tuple[str, ...], event_word: str,
                 landmarks: tuple[float, ...], max_training: int, random_state: int) -> None:
        self.bundle = bundle
        self.day = day
        self.event_word = event_word
        self.landmarks = landmarks
        self.random_state = random_state
        self.timeline = Timeline.of(bundle.engagements, events=events)
        self.pool = training_pool(self.timeline, day, max_training=max_training)
        self.frames = SignalFrames(bundle, self.timeline, day, self.pool)
        self.catalog = signals.catalog()
        self.advice = load_advice()
        self._models: dict[tuple[float, int], LandmarkModel] = {}
        self._current: dict[float, pd.DataFrame] = {}

    def model(self, day: float, k: int) -> LandmarkModel:
        """The model of landmark ``k`` trained on what was known on ``day``."""
        key = (day, k)
        if key not in self._models:
            fraction = self.landmarks[k]
            training = training_set(self.timeline, day, fraction, pool=self.pool)
            frame = self.frames.landmark(fraction) if training.n else None
            self._models[key] = fit_landmark(training, frame, random_state=self.random_state)
        return self._models[key]

    def current(self, day: float, ids: pd.Index) -> pd.DataFrame:
        """Signals of ``ids`` from their start up to ``day`` (cached per day)."""
        cached = self._current.get(day)
        if cached is None or not ids.isin(cached.index).all():
            fresh = self.frames.current(day, ids)
            cached = fresh if cached is None else pd.concat([cached, fresh[~fresh.index.isin(cached.index)]])
            self._current[day] = cached
        return cached.reindex(ids)

    def active_ids(self, day: float) -> pd.Index:
        return self.timeline.ids[self.timeline.active_on(day)]

    def _note(self, model: LandmarkModel) -> str | None:
        training, where = model.training, f"{model.training.landmark:.0%} of plan"
        if model.status == TOO_FEW:
            return (f"not ranked: only {training.n} closed engagements had reached {where} "
                    f"(at least {MIN_TRAINING} are needed to estimate a risk)")
        if model.status == TOO_YOUNG:
            return (f"not ranked: only {training.closed_share:.0%} of the engagements that reached "
                    f"{where} have closed (at least {MIN_CLOSED_SHARE:.0%} are needed): the ones that "
                    "have are mostly the early closers, and their rate would overstate the risk")
        if model.status == BASE_RATE:
            return (f"{training.events} of {training.n} closed engagements that reached {where} were "
                    f"{self.event_word}: too few of one kind for a model, so the risk shown is that "
                    "rate, the same for every engagement there")
        return None

    def score(self, day: float, ids: pd.Index | None = None, *, n_bootstrap: int = 0,
              reasons: bool = False) -> pd.DataFrame:
        """Risk of each engagement in ``ids`` (default: those active on ``day``) as of ``day``.

        Returns
        -------
        DataFrame
            Index engagement_id; :data:`SCORE_COLUMNS`, and ``reasons``,
            ``reason_signals``, ``family``, ``action`` with ``reasons=True``.
        """
        if ids is None:
            ids = self.active_ids(day)
        positions = self.timeline.ids.get_indexer(ids)
        active = self.timeline.active_on(day)[positions]
        reached = self.timeline.landmark_index(day, self.landmarks)[positions]
        reached[~active] = -1
        out = pd.DataFrame(index=ids, columns=SCORE_COLUMNS).astype(
            {"fraction_elapsed": float, "landmark": float, "risk": float, "risk_low": float,
             "risk_high": float, "base_rate": float, "status": object, "note": object}
        )
        out["fraction_elapsed"] = np.where(active, self.timeline.progress(day)[positions], np.nan)
        started = self.timeline.start[positions] <= day
        out["status"] = np.where(active, "too early", "not active")
        first = self.landmarks[0]
        out["note"] = np.where(active, f"too early: under {first:.0%} of its planned schedule",
                               np.where(started, "closed by then", "not started yet"))
        explained = []
        frame = self.current(day, ids[reached >= 0]) if (reached >= 0).any() else None
        for k in np.unique(reached[reached >= 0]):
            members = ids[reached == k]
            model = self.model(day, int(k))
            rows = frame.loc[members]
            out.loc[members, "landmark"] = self.landmarks[k]
            out.loc[members, "status"] = model.status
            out.loc[members, "note"] = self._note(model)
            out.loc[members, "base_rate"] = model.base_rate
            out.loc[members, "risk"] = model.predict(rows)
            if n_bootstrap or model.status == BASE_RATE:
                seed = np.random.SeedSequence([self.random_state, int(k)])
                low, high, model.refits = bootstrap_interval(model, rows, n_bootstrap=n_bootstrap,
                                                             seed=seed)
                out.loc[members, "risk_low"] = low
                out.loc[members, "risk_high"] = high
            if reasons and model.status == MODEL:
                explained.append(explain(model, rows, catalog=self.catalog, advice=self.advice))
        if reasons:
            why = pd.concat(explained) if explained else pd.DataFrame(
                columns=["reasons", "reason_signals", "family", "action"])
            why = why.reindex(ids)
            why["reasons"] = [r if isinstance(r, list) else [] for r in why["reasons"]]
            why["reason_signals"] = [r if isinstance(r, list) else [] for r in why["reason_signals"]]
            out = out.join(why)
        return out
