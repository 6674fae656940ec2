"""Client dark spells: stretches in which the client neither shows up nor writes.

Driven by the going-dark latent trait only. Spells form a stationary process
over the activity window, so they do not depend on when the engagement ends.
"""

from __future__ import annotations

import numpy as np

from ._engagements import EngagementPlan
from ._time import expand

#: Spells may start this many days before the kickoff (a stationary process).
_LEAD_IN_DAYS = 14


class DarkSpells:
    """Day-level mask of the client's dark spells, per engagement."""

    def __init__(self, rng: np.random.Generator, plan: EngagementPlan) -> None:
        z_dark = plan.z("going_dark")
        self._start = plan.start
        span = plan.end - plan.start + 1
        self._offset = np.cumsum(span) - span
        rate_per_week = 0.06 * np.exp(0.8 * z_dark - 0.32)
        mean_days = 14.0 * np.exp(0.5 * z_dark)
        count = rng.poisson(rate_per_week * (span + _LEAD_IN_DAYS) / 7.0)
        eng, _ = expand(count)
        first = plan.start[eng] - _LEAD_IN_DAYS + np.floor(
            rng.random(eng.size) * (span[eng] + _LEAD_IN_DAYS)
        ).astype(np.int64)
        last = first + np.ceil(rng.exponential(mean_days[eng])).astype(np.int64)
        lo = np.maximum(first, plan.start[eng]) - plan.start[eng]
        hi = np.minimum(last, plan.end[eng]) - plan.start[eng]
        ok = lo <= hi
        change = np.zeros(int(span.sum()) + 1, dtype=np.int64)
        np.add.at(change, self._offset[eng[ok]] + lo[ok], 1)
        np.add.at(change, self._offset[eng[ok]] + hi[ok] + 1, -1)
        self._dark = np.cumsum(change)[:-1] > 0

    def is_dark(self, eng: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Whether the client of ``eng`` is dark on ``day`` (day within the window)."""
        return self._dark[self._offset[eng] + (day - self._start[eng])]
