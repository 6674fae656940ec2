"""Where every engagement stands on a given day: started, closed, how far along its plan.

Days are whole numbers of days since 1970-01-01 (float, NaN for missing), the
convention of the signals, so that a landmark here falls on exactly the day
``signals.compute(..., at_fraction=f)`` ends its window:
``start + floor(f * (planned_end - start))``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Timeline", "day_number", "day_numbers", "date_of"]

_EPOCH = np.datetime64("1970-01-01", "D")


def day_numbers(values: pd.Series) -> np.ndarray:
    """Whole days since 1970-01-01 (UTC calendar day for datetimes), NaN where missing."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert(None)
    raw = values.to_numpy(dtype="datetime64[D]")
    days = (raw - _EPOCH).astype("int64").astype("float64")
    days[np.isnat(raw)] = np.nan
    return days


def day_number(day: dt.date) -> float:
    return float((np.datetime64(day, "D") - _EPOCH).astype("int64"))


def date_of(day: float) -> dt.date:
    return (_EPOCH + np.timedelta64(int(day), "D")).astype(dt.date)


@dataclass(frozen=True)
class Timeline:
    """Per-engagement dates of a bundle, in the order of its engagements table.

    Attributes
    ----------
    ids : Index
        engagement_id.
    start, planned_end, closed : ndarray
        Day numbers (closed is NaN while active).
    event : ndarray of bool
        Whether the engagement closed with the outcome the watchlist warns of.
    """

    ids: pd.Index
    start: np.ndarray
    planned_end: np.ndarray
    closed: np.ndarray
    event: np.ndarray

    @classmethod
    def of(cls, engagements: pd.DataFrame, *, events: tuple[str, ...]) -> Timeline:
        return cls(
            ids=pd.Index(engagements["engagement_id"], name="engagement_id"),
            start=day_numbers(engagements["start_date"]),
            planned_end=day_numbers(engagements["planned_end_date"]),
            closed=day_numbers(engagements["closed_date"]),
            event=engagements["outcome"].isin(events).to_numpy(dtype=bool),
        )

    @property
    def planned_days(self) -> np.ndarray:
        """Planned length in days, at least 1 (so that progress is always defined)."""
        return np.maximum(self.planned_end - self.start, 1.0)

    def closed_by(self, day: float | np.ndarray) -> np.ndarray:
        """Closed on or before ``day``: the outcome was known then."""
        return self.closed <= day

    def active_on(self, day: float) -> np.ndarray:
        """Started by ``day`` and not closed by it."""
        return (self.start <= day) & ~self.closed_by(day)

    def progress(self, day: float) -> np.ndarray:
        """Share of the planned schedule elapsed on ``day`` (above 1 when overrunning)."""
        return (day - self.start) / self.planned_days

    def landmark_day(self, fraction: float) -> np.ndarray:
        """The day each engagement reaches ``fraction`` of its plan (the signals' window end)."""
        return self.start + np.floor(fraction * (self.planned_end - self.start))

    def landmark_index(self, day: float, landmarks: tuple[float, ...]) -> np.ndarray:
        """Index of the latest landmark each engagement has reached by ``day`` (-1: none yet)."""
        index = np.full(len(self.ids), -1)
        for k, fraction in enumerate(landmarks):
            index[self.landmark_day(fraction) <= day] = k
        return index
