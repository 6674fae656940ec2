"""Vectorised building blocks of the sample generator: ranges, calendars, text cells.

Days are ``int64`` days since 1970-01-01; times are minutes or seconds.
Everything here works on whole arrays so that 20,000 engagements and a million
meetings are generated without a Python loop per row.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._design import ZONES

_DAY = np.timedelta64(1, "D")


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Owner index and position within owner for ``counts[i]`` items of owner ``i``."""
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    first = np.cumsum(counts) - counts
    within = np.arange(owner.size, dtype=np.int64) - first[owner]
    return owner, within


def weekday(day: np.ndarray) -> np.ndarray:
    """Monday = 0 ... Sunday = 6 (1970-01-01 was a Thursday)."""
    return (np.asarray(day, dtype=np.int64) + 3) % 7


def snap_to_workday(day: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Move Saturdays to Friday and Sundays to Monday, staying inside [lo, hi]."""
    wd = weekday(day)
    out = np.where(wd == 5, day - 1, np.where(wd == 6, day + 1, day))
    out = np.where(out > hi, out - 3, out)  # Sunday -> Monday overshot: use Friday
    return np.clip(out, lo, hi)


def _first_sunday_on_or_after(day: np.ndarray) -> np.ndarray:
    return day + (6 - weekday(day)) % 7


def _month_start(year: np.ndarray, month: int) -> np.ndarray:
    months = (year - 1970) * 12 + (month - 1)
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def utc_offset_minutes(zone: np.ndarray, day: np.ndarray) -> np.ndarray:
    """UTC offset (minutes) of each local date in its zone, with daylight saving.

    Europe switches on the last Sundays of March and October, the US on the
    second Sunday of March and the first Sunday of November. The switch happens
    at night, so a date-level rule is exact for business-hour events.
    """
    day = np.asarray(day, dtype=np.int64)
    year = day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    eu_on = _first_sunday_on_or_after(_month_start(year, 3) + 24)
    eu_off = _first_sunday_on_or_after(_month_start(year, 10) + 24)
    us_on = _first_sunday_on_or_after(_month_start(year, 3)) + 7
    us_off = _first_sunday_on_or_after(_month_start(year, 11))
    eu_summer = (day >= eu_on) & (day < eu_off)
    us_summer = (day >= us_on) & (day < us_off)
    standard = np.array([60, 0, -300])[zone]
    summer = np.where(zone == ZONES.index("us_eastern"), us_summer, eu_summer)
    return standard + 60 * summer


def _offset_label(minutes: int) -> str:
    if minutes == 0:
        return "Z"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def datetime_cells(local_seconds: np.ndarray, offset_minutes: np.ndarray) -> pa.Array:
    """ISO 8601 cells with offset (``2025-03-04T09:30:00+01:00`` or ``...Z``)."""
    stamps = pa.array(np.asarray(local_seconds, dtype=np.int64).astype("datetime64[s]"))
    text = pc.strftime(stamps, format="%Y-%m-%dT%H:%M:%S")
    values, codes = np.unique(offset_minutes, return_inverse=True)
    labels = pa.array([_offset_label(int(v)) for v in values], type=pa.string())
    return pc.binary_join_element_wise(text, labels.take(pa.array(codes)), "")


def date_cells(day: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """``YYYY-MM-DD`` cells; ``missing`` marks empty cells."""
    dates = np.asarray(day, dtype=np.int64).astype("datetime64[D]")
    return pa.array(dates, mask=missing).cast(pa.string())


def id_cells(prefix: str, number: np.ndarray, width: int) -> pa.Array:
    """Zero-padded identifiers such as ``MTG-0000042``."""
    digits = pc.utf8_lpad(pa.array(np.asarray(number, dtype=np.int64)).cast(pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def int_cells(value: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """Integer cells written without a decimal point."""
    return pa.array(np.asarray(value, dtype=np.int64), mask=missing).cast(pa.string())


def pick(labels: tuple[str, ...] | list[str], codes: np.ndarray, missing=None) -> pa.Array:
    """Text cells ``labels[codes]``; ``missing`` marks empty cells."""
    table = pa.array(list(labels), type=pa.string())
    return table.take(pa.array(np.asarray(codes, dtype=np.int64), mask=missing))


def join_text(*parts, separator: str = "") -> pa.Array:
    """Element-wise concatenation of string arrays or scalars."""
    return pc.binary_join_element_wise(*parts, separator)


def choice_codes(rng: np.random.Generator, weights, size: int) -> np.ndarray:
    """Category codes drawn with the given weights."""
    cumulative = np.cumsum(np.asarray(weights, dtype=float))
    cumulative /= cumulative[-1]
    return np.searchsorted(cumulative, rng.random(size), side="right")


def poisson_days(rng: np.random.Generator, start, end, rate_per_week):
    """Working days of a Poisson process with ``rate_per_week`` in each [start, end]."""
    span = end - start + 1
    owner, _ = expand(rng.poisson(rate_per_week * span / 7.0))
    day = start[owner] + np.floor(rng.random(owner.size) * span[owner]).astype(np.int64)
    return owner, snap_to_workday(day, start[owner], end[owner])
