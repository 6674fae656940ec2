"""Per-engagement measurement windows.

Every signal is measured over one window per engagement, from its start date
to a window end (both days included). The end is the earliest of: the as-of
date, the closed date (a closed engagement has nothing more to measure), the
last day of the first N weeks, and the day at fraction F of the planned
schedule. The planned end is fixed when the statement of work is signed, so
windows built from it use no outcome information.

Days are handled as whole numbers of days since 1970-01-01 (UTC for
datetimes), which keeps the comparisons vectorised and easy to port to SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..bundle import Bundle

__all__ = [
    "SECONDS_PER_DAY",
    "WindowSpec",
    "day_numbers",
    "public_windows",
    "epoch_seconds",
    "resolve_windows",
    "window_options",
    "window_spec",
]

SECONDS_PER_DAY = 86_400


def epoch_seconds(values: pd.Series) -> np.ndarray:
    """Seconds since 1970-01-01 UTC as float64 (NaN for missing).

    Naive values (contract ``date`` columns) are taken as UTC midnight.
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert(None)
    raw = values.to_numpy(dtype="datetime64[s]")
    seconds = raw.astype("int64").astype("float64")
    seconds[np.isnat(raw)] = np.nan
    return seconds


def day_numbers(values: pd.Series) -> np.ndarray:
    """Whole days since 1970-01-01 (UTC calendar day), float64 with NaN for missing."""
    return np.floor(epoch_seconds(values) / SECONDS_PER_DAY)


def _as_day(value: object, *, name: str) -> float:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: {value!r} is not a date") from None
    if pd.isna(stamp):
        raise ValueError(f"{name}: {value!r} is not a date")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return float((stamp.normalize() - pd.Timestamp("1970-01-01")).days)


def _day_to_date(day: float) -> dt.date:
    return (pd.Timestamp("1970-01-01") + pd.Timedelta(days=int(day))).date()


@dataclass(frozen=True)
class WindowSpec:
    """The window options after validation; ``as_of_day`` is resolved (never None)."""

    as_of_day: float
    as_of_is_default: bool
    first_weeks: int | None
    at_fraction: float | None

    @property
    def as_of_date(self) -> dt.date:
        return _day_to_date(self.as_of_day)

    def describe(self) -> str:
        """Plain-English description of the window, for reports."""
        if self.first_weeks is not None:
            weeks = "week" if self.first_weeks == 1 else f"{self.first_weeks} weeks"
            span = f"first {weeks} of each engagement"
        elif self.at_fraction is not None:
            span = f"first {self.at_fraction:.0%} of each engagement's planned schedule"
        else:
            span = "each engagement from its start"
        horizon = " (the latest date in the bundle)" if self.as_of_is_default else ""
        return (
            f"{span}, as of {self.as_of_date.isoformat()}{horizon}; "
            "closed engagements end at their closed date"
        )


def _data_horizon(bundle: Bundle) -> float:
    """The latest day any dated row of the bundle mentions (closed dates excluded)."""
    columns = [bundle.engagements["start_date"], bundle.meetings["start"]]
    if bundle.commitments is not None:
        columns += [bundle.commitments["made_on"], bundle.commitments["done_on"]]
    if bundle.communications is not None:
        columns.append(bundle.communications["sent_at"])
    # The latest value of each column first: one day number per column, not per row.
    latest = [day_numbers(column.iloc[[int(column.argmax())]]) for column in columns
              if column.notna().any()]
    return float(np.max(np.concatenate(latest))) if latest else 0.0


#: The window of the drivers and the report when neither first_weeks nor at_fraction is given:
#: the first 40% of each engagement's planned schedule.
DEFAULT_AT_FRACTION = 0.4


def window_options(
    *,
    as_of: object = None,
    first_weeks: int | None = None,
    at_fraction: float | None = None,
    default_at_fraction: float | None = DEFAULT_AT_FRACTION,
) -> dict:
    """The window keyword arguments every analysis passes on: one rule for them all.

    Either ``first_weeks`` or ``at_fraction`` (not both); with neither, the
    fraction ``default_at_fraction`` of each planned schedule (None: the whole
    window up to the as-of date).

    Examples
    --------
    >>> window_options(first_weeks=8)
    {'as_of': None, 'first_weeks': 8, 'at_fraction': None}
    >>> window_options()["at_fraction"]
    0.4
    """
    if first_weeks is not None and at_fraction is not None:
        raise ValueError("give first_weeks or at_fraction, not both")
    if first_weeks is None and at_fraction is None:
        at_fraction = default_at_fraction
    return {"as_of": as_of, "first_weeks": first_weeks, "at_fraction": at_fraction}


def window_spec(
    bundle: Bundle,
    *,
    as_of: object = None,
    first_weeks: int | None = None,
    at_fraction: float | None = None,
) -> WindowSpec:
    """Validate the window options and resolve the default as-of date.

    Without ``as_of`` the window ends at the bundle's data horizon: the latest
    start date, meeting, message or commitment date it holds (never a closed
    date, which is an outcome field).
    """
    if first_weeks is not None and at_fraction is not None:
        raise ValueError("first_weeks and at_fraction are mutually exclusive; give one")
    if first_weeks is not None:
        if isinstance(first_weeks, bool) or int(first_weeks) != first_weeks or first_weeks < 1:
            raise ValueError(f"first_weeks must be a whole number >= 1, got {first_weeks!r}")
        first_weeks = int(first_weeks)
    if at_fraction is not None:
        at_fraction = float(at_fraction)
        if not np.isfinite(at_fraction) or at_fraction <= 0:
            raise ValueError(f"at_fraction must be a number > 0, got {at_fraction!r}")
    if as_of is None:
        return WindowSpec(_data_horizon(bundle), True, first_weeks, at_fraction)
    return WindowSpec(_as_day(as_of, name="as_of"), False, first_weeks, at_fraction)


def resolve_windows(
    engagements: pd.DataFrame, spec: WindowSpec, *, step_days: int | None = None
) -> pd.DataFrame:
    """One row per engagement started by the as-of date: its window in day numbers.

    Parameters
    ----------
    engagements : DataFrame
        The typed engagements table.
    spec : WindowSpec
    step_days : int, optional
        Cap every window at ``start + step_days - 1`` (used by ``over_time``;
        ``first_weeks`` is the same cap in whole weeks).

    Returns
    -------
    DataFrame
        Index ``engagement_id``; columns ``start_day``, ``end_day`` (both
        included), ``elapsed_days``, ``sold_effort_days``,
        ``estimated_effort_days``, ``sold_deliverables``, ``purpose_statement``.
    """
    start = day_numbers(engagements["start_date"])
    planned = day_numbers(engagements["planned_end_date"])
    closed = day_numbers(engagements["closed_date"])
    end = np.full(len(engagements), spec.as_of_day)
    end = np.fmin(end, closed)  # fmin ignores NaN: an active engagement is not capped
    if spec.first_weeks is not None:
        end = np.minimum(end, start + 7 * spec.first_weeks - 1)
    if spec.at_fraction is not None:
        end = np.minimum(end, start + np.floor(spec.at_fraction * (planned - start)))
    if step_days is not None:
        end = np.minimum(end, start + step_days - 1)
    started = start <= spec.as_of_day
    windows = pd.DataFrame(
        {
            "start_day": start,
            "end_day": end,
            "elapsed_days": end - start + 1,
            "sold_effort_days": engagements["sold_effort_days"].to_numpy(dtype="float64"),
            "estimated_effort_days": engagements["estimated_effort_days"].to_numpy(
                dtype="float64", na_value=np.nan
            ),
            "sold_deliverables": engagements["sold_deliverables"].to_numpy(
                dtype="float64", na_value=np.nan
            ),
            "purpose_statement": engagements["purpose_statement"].to_numpy(dtype=object),
        },
        index=pd.Index(engagements["engagement_id"], name="engagement_id"),
    )
    return windows.loc[started]


def public_windows(windows: pd.DataFrame) -> pd.DataFrame:
    """``window_start``, ``window_end`` as timestamps and ``elapsed_days`` (float)."""
    epoch = np.datetime64("1970-01-01", "D")
    return pd.DataFrame(
        {
            "window_start": epoch + windows["start_day"].to_numpy().astype("int64"),
            "window_end": epoch + windows["end_day"].to_numpy().astype("int64"),
            "elapsed_days": windows["elapsed_days"].to_numpy(dtype="float64"),
        },
        index=windows.index,
    ).astype({"window_start": "datetime64[ns]", "window_end": "datetime64[ns]"})
