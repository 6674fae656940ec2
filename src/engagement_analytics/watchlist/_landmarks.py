"""Landmark training sets: closed engagements measured at the same point of their plan.

An active engagement at 30% of its planned schedule is compared with closed
engagements as they stood at 30% of theirs, and only with those still running
then (a landmark analysis): one that had already closed tells nothing about
engagements that got past that point.

On a given day, some engagements that reached the landmark are still running,
and their outcome is not known yet. They are not a random part of the cohort:
failed engagements close earlier, so among recent starts the failures have
closed and the successes are still running, and a model trained on the closed
ones alone would overstate the risk. Each closed engagement is therefore
weighted by the inverse probability that an engagement closing at its point of
the plan had been observed to close by that day (inverse probability of
censoring weighting, IPCW). Censoring is administrative: engagement ``j`` can
be seen to close up to ``u_j = (day - start_j) / planned_days_j`` of its plan,
and the probability is estimated by the share of the cohort with ``u_j`` at
least the closing point. This assumes when an engagement started says nothing
about how it will end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._timeline import Timeline

__all__ = ["MAX_WEIGHT", "TrainingSet", "training_set"]

#: Largest inverse-probability weight: an engagement that closes far beyond the plan, where
#: few could be seen yet, never counts for more than this many.
MAX_WEIGHT = 10.0


@dataclass(frozen=True)
class TrainingSet:
    """The closed engagements a landmark model learns from on one day.

    Attributes
    ----------
    landmark : float
        Fraction of the planned schedule.
    ids : Index
        Training engagements (closed by the day, still running at the landmark).
    y : ndarray of int
        1 for an event.
    weights : ndarray
        Inverse-probability-of-censoring weights, scaled to mean 1.
    running : int
        Engagements that reached the landmark and are still running (outcome unknown).
    closed : int
        Engagements that reached the landmark and have closed (the training pool may
        hold only some of them).
    """

    landmark: float
    ids: pd.Index
    y: np.ndarray
    weights: np.ndarray
    running: int
    closed: int

    @property
    def closed_share(self) -> float:
        """Share of the engagements that reached the landmark whose outcome is known."""
        total = self.closed + self.running
        return self.closed / total if total else np.nan

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def events(self) -> int:
        return int(self.y.sum())

    @property
    def base_rate(self) -> float:
        """The weighted event rate: the risk of an engagement at this landmark, signals unseen."""
        return float(np.average(self.y, weights=self.weights)) if self.n else np.nan


def training_set(timeline: Timeline, day: float, landmark: float, *, pool: np.ndarray) -> TrainingSet:
    """Training engagements at ``landmark`` on ``day``, with their IPCW weights.

    Parameters
    ----------
    timeline : Timeline
    day : float
        Day number of the as-of date: only closes on or before it are known.
    landmark : float
        Fraction of the planned schedule.
    pool : ndarray of bool
        Engagements whose signals are available for training (see ``_frames``).
    """
    reached = timeline.landmark_day(landmark)
    # The cohort: reached the landmark by the day and still running on the landmark day.
    cohort = (reached <= day) & ~(timeline.closed <= reached)
    known = cohort & timeline.closed_by(day)
    planned = timeline.planned_days
    observable_up_to = np.sort(((day - timeline.start) / planned)[cohort])
    closing_point = ((timeline.closed - timeline.start) / planned)[known]
    # Share of the cohort that could have been seen to close at each closing point.
    seen = 1.0 - np.searchsorted(observable_up_to, closing_point, side="left") / max(
        len(observable_up_to), 1
    )
    weights = np.minimum(1.0 / np.maximum(seen, 1e-12), MAX_WEIGHT)
    in_pool = pool[known]
    weights = weights[in_pool]
    if len(weights):
        weights = weights / weights.mean()
    return TrainingSet(
        landmark=landmark,
        ids=timeline.ids[known][in_pool],
        y=timeline.event[known][in_pool].astype(int),
        weights=weights,
        running=int((cohort & ~known).sum()),
        closed=int(known.sum()),
    )
