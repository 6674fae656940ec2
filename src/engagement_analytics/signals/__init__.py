"""Relationship-pattern signals per engagement, leak-free and as of any date.

Nine families of signals (see ``docs/signals.md`` and :func:`catalog`) are
measured per engagement over a window that runs from its start date to the
earliest of the as-of date, its closed date, and optionally its first N weeks
or a fraction of its planned schedule. Only rows dated inside the window count
and outcomes are never read, so a signal as of a date is what a practice lead
could have known on that date.

Examples
--------
>>> from engagement_analytics import load_bundle, signals
>>> bundle = load_bundle("data/sample")
>>> table = signals.compute(bundle, at_fraction=0.5)
>>> print(table.attrs["window"])  # doctest: +ELLIPSIS
first 50% of each engagement's planned schedule, as of 2026-06-30 (the latest date ...
>>> table.index.name, len(table)
('engagement_id', 300)
>>> float(table["effort_estimate_to_sold_ratio"].median().round(2))
1.13
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..bundle import Bundle
from ._catalog import FAMILIES, HIGHER, LOWER, catalog_frame
from ._compute import SIGNAL_NAMES, restrict, signal_frame
from ._windows import (
    DEFAULT_AT_FRACTION,
    public_windows,
    resolve_windows,
    window_options,
    window_spec,
)

__all__ = [
    "DEFAULT_AT_FRACTION",
    "FAMILIES",
    "HIGHER_IS_RISKIER",
    "LOWER_IS_RISKIER",
    "catalog",
    "compute",
    "over_time",
    "window_options",
    "windows",
]

#: The two values of the catalog's ``direction`` column.
HIGHER_IS_RISKIER = HIGHER
LOWER_IS_RISKIER = LOWER


def catalog() -> pd.DataFrame:
    """The signals this module measures, in the column order of :func:`compute`.

    Returns
    -------
    DataFrame
        Columns ``signal, family, direction, unit, description, needs``.
        ``direction`` is ``'higher_is_riskier'`` or ``'lower_is_riskier'``;
        ``needs`` lists the bundle tables the signal reads, comma-separated;
        ``description`` is the sentence a report shows.
    """
    return catalog_frame()


def compute(
    bundle: Bundle,
    *,
    as_of: object = None,
    first_weeks: int | None = None,
    at_fraction: float | None = None,
    engine: object = None,
) -> pd.DataFrame:
    """Every signal for every engagement started by the as-of date.

    Parameters
    ----------
    bundle : Bundle
        A loaded bundle (:func:`engagement_analytics.load_bundle`).
    as_of : date, str or Timestamp, optional
        Measure as of this day: rows dated after it are ignored and
        engagements starting after it are left out. A datetime counts as its
        UTC calendar day. Default: the latest date any meeting, message,
        commitment or start date of the bundle mentions.
    first_weeks : int, optional
        Measure every engagement over its first ``first_weeks`` weeks only.
    at_fraction : float, optional
        Measure every engagement up to this fraction (> 0) of its planned
        schedule (start date to planned end date). Exclusive with
        ``first_weeks``.
    engine : {"duckdb", "spark"}, Ibis backend or SparkSession, optional
        Where the rows are aggregated. None (default): numpy in this process.
        ``"duckdb"``: the same signals as Ibis expressions on an embedded
        DuckDB database over the bundle's frames; ``"spark"``: on the active
        (or a local) Spark session; an Ibis connection or a SparkSession: on
        it. Results agree with the default to 1e-9 (``docs/engines.md``).

    Returns
    -------
    DataFrame
        Index ``engagement_id``; one float column per signal in
        :func:`catalog` order; NaN where a signal cannot be measured.
        ``attrs["window"]`` describes the window in plain English,
        ``attrs["unavailable"]`` maps a family or signal to the reason it is
        NaN throughout (an absent optional table), ``attrs["partial"]`` names
        families measured on part of their data, and
        ``attrs["unknown_person_rows"]`` counts rows by people who are not
        stakeholders of their engagement.

    Raises
    ------
    ValueError
        For both ``first_weeks`` and ``at_fraction``, or a bad value.
    """
    spec = window_spec(bundle, as_of=as_of, first_weeks=first_weeks, at_fraction=at_fraction)
    return signal_frame(bundle, spec, engine=engine)


def windows(
    bundle: Bundle,
    *,
    as_of: object = None,
    first_weeks: int | None = None,
    at_fraction: float | None = None,
) -> pd.DataFrame:
    """The window each engagement is measured over (same options as :func:`compute`).

    Returns
    -------
    DataFrame
        Index ``engagement_id``; columns ``window_start``, ``window_end``
        (both days included, ``datetime64[ns]``) and ``elapsed_days``.
    """
    spec = window_spec(bundle, as_of=as_of, first_weeks=first_weeks, at_fraction=at_fraction)
    return public_windows(resolve_windows(bundle.engagements, spec))


def over_time(
    bundle: Bundle,
    *,
    engagement_ids: Iterable[str],
    every_days: int = 7,
    signals: Iterable[str] | None = None,
    as_of: object = None,
) -> pd.DataFrame:
    """Signals of a few engagements as they stood at the end of each week of their life.

    Step ``k`` measures each engagement from its start over its first
    ``k * every_days`` days, until the window reaches its closed date or the
    as-of date.

    Parameters
    ----------
    bundle : Bundle
    engagement_ids : iterable of str
        The engagements to follow (the bundle is cut to them first).
    every_days : int, default 7
        Step length in days.
    signals : iterable of str, optional
        Signals to keep (default: all).
    as_of : date, str or Timestamp, optional
        As in :func:`compute`.

    Returns
    -------
    DataFrame
        Long format: ``engagement_id, as_of`` (the window end of that step),
        ``week`` (days measured / 7), ``signal, value``.
    """
    if int(every_days) != every_days or every_days < 1:
        raise ValueError(f"every_days must be a whole number >= 1, got {every_days!r}")
    every_days = int(every_days)
    wanted = list(SIGNAL_NAMES if signals is None else signals)
    unknown = sorted(set(wanted) - set(SIGNAL_NAMES))
    if unknown:
        raise ValueError(f"unknown signals: {', '.join(unknown)}")
    small = restrict(bundle, engagement_ids)
    spec = window_spec(small, as_of=as_of)
    life = resolve_windows(small.engagements, spec)
    steps = int(np.ceil(life["elapsed_days"].max() / every_days)) if len(life) else 0

    frames = []
    for step in range(1, steps + 1):
        # an engagement takes part while the step still adds days to its window
        growing = life.index[life["elapsed_days"] > (step - 1) * every_days]
        values = signal_frame(small, spec, step_days=step * every_days).loc[growing, wanted]
        ends = public_windows(resolve_windows(small.engagements, spec, step_days=step * every_days))
        long = values.rename_axis(columns="signal").stack(future_stack=True).rename("value")
        long = long.reset_index()
        long.insert(1, "as_of", ends.loc[long["engagement_id"], "window_end"].to_numpy())
        long.insert(2, "week", step * every_days / 7)
        frames.append(long)
    columns = ["engagement_id", "as_of", "week", "signal", "value"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
