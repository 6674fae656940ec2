"""Client dark spells: stretches in which the client neither shows up nor writes.

Driven by the going-dark latent trait only. Spells form a stationary process
over the activity window, so they do not depend on when the engagement ends.
With a late onset (``onset`` > 0, a fraction of the planned schedule) the
latent drives only the spells that start from that point on; earlier spells
come at the portfolio's average rate and length, the same for every client.
"""

from __future__ import annotations

import numpy as np

from ._engagements import EngagementPlan
from ._time import expand

#: Spells may start this many days before the kickoff (a stationary process).
_LEAD_IN_DAYS = 14
#: Spells per week and mean spell length (days) at latent z: BASE * exp(SLOPE * z + SHIFT).
_RATE_PER_WEEK, _RATE_SLOPE, _RATE_SHIFT = 0.06, 0.8, -0.32
_MEAN_DAYS, _DAYS_SLOPE = 14.0, 0.5


def _rate(z: np.ndarray) -> np.ndarray:
    return _RATE_PER_WEEK * np.exp(_RATE_SLOPE * z + _RATE_SHIFT)


def _mean_days(z: np.ndarray) -> np.ndarray:
    return _MEAN_DAYS * np.exp(_DAYS_SLOPE * z)


class DarkSpells:
    """Day-level mask of the client's dark spells, per engagement."""

    def __init__(self, rng: np.random.Generator, plan: EngagementPlan, *, onset: float = 0.0) -> None:
        z_dark = plan.z("going_dark")
        self._start = plan.start
        span = plan.end - plan.start + 1
        self._offset = np.cumsum(span) - span
        if onset > 0:
            first, last, eng = self._late_spells(rng, plan, z_dark, onset)
        else:
            count = rng.poisson(_rate(z_dark) * (span + _LEAD_IN_DAYS) / 7.0)
            eng, _ = expand(count)
            first = plan.start[eng] - _LEAD_IN_DAYS + np.floor(
                rng.random(eng.size) * (span[eng] + _LEAD_IN_DAYS)
            ).astype(np.int64)
            last = first + np.ceil(rng.exponential(_mean_days(z_dark)[eng])).astype(np.int64)
        lo = np.maximum(first, plan.start[eng]) - plan.start[eng]
        hi = np.minimum(last, plan.end[eng]) - plan.start[eng]
        ok = lo <= hi
        change = np.zeros(int(span.sum()) + 1, dtype=np.int64)
        np.add.at(change, self._offset[eng[ok]] + lo[ok], 1)
        np.add.at(change, self._offset[eng[ok]] + hi[ok] + 1, -1)
        self._dark = np.cumsum(change)[:-1] > 0

    @staticmethod
    def _late_spells(rng: np.random.Generator, plan: EngagementPlan, z_dark: np.ndarray,
                     onset: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Spells before the onset day at the average rate, after it driven by the latent.

        The average over a standard-normal latent of ``exp(a z + b)`` is
        ``exp(a^2 / 2 + b)``: before the onset every client goes dark as the
        portfolio does on average, so only the link to the latent starts late.
        """
        onset_day = plan.start + np.floor(onset * plan.planned_days).astype(np.int64)
        average_rate = _RATE_PER_WEEK * np.exp(_RATE_SLOPE**2 / 2 + _RATE_SHIFT)
        average_days = _MEAN_DAYS * np.exp(_DAYS_SLOPE**2 / 2)
        parts = []
        for lo, hi, rate, mean_days in (
            (plan.start - _LEAD_IN_DAYS, np.minimum(onset_day, plan.end + 1),
             np.full(plan.n, average_rate), np.full(plan.n, average_days)),
            (onset_day, plan.end + 1, _rate(z_dark), _mean_days(z_dark)),
        ):
            length = np.maximum(hi - lo, 0)
            eng, _ = expand(rng.poisson(rate * length / 7.0))
            first = lo[eng] + np.floor(rng.random(eng.size) * length[eng]).astype(np.int64)
            last = first + np.ceil(rng.exponential(mean_days[eng])).astype(np.int64)
            parts.append((first, last, eng))
        return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))

    def is_dark(self, eng: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Whether the client of ``eng`` is dark on ``day`` (day within the window)."""
        return self._dark[self._offset[eng] + (day - self._start[eng])]
