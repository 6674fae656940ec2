"""Assemble the signal table: windows -> prepared rows -> families -> one frame."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ..bundle import Bundle
from ._catalog import FAMILIES, SIGNALS
from ._families import FAMILY_FUNCTIONS
from ._prepare import positions, prepare
from ._windows import WindowSpec, resolve_windows

__all__ = ["missing_tables", "restrict", "signal_frame", "unavailable_signals"]

SIGNAL_NAMES = tuple(s.signal for s in SIGNALS)


def missing_tables(bundle: Bundle) -> list[str]:
    """Names of the optional tables the bundle lacks."""
    return [name for name in ("commitments", "communications") if getattr(bundle, name) is None]


def unavailable_signals(bundle: Bundle) -> dict[str, str]:
    """``{family or signal: reason}`` for signals whose tables are absent.

    A family whose every signal is unavailable is reported once, under its name.
    """
    missing = missing_tables(bundle)
    reasons: dict[str, str] = {}
    for family in FAMILIES:
        specs = [s for s in SIGNALS if s.family == family]
        lacking = {s.signal: [t for t in s.needs if t in missing] for s in specs}
        lacking = {name: tables for name, tables in lacking.items() if tables}
        if not lacking:
            continue
        if len(lacking) == len(specs):
            tables = sorted({t for ts in lacking.values() for t in ts})
            reasons[family] = _reason(tables)
        else:
            reasons.update({name: _reason(tables) for name, tables in lacking.items()})
    return reasons


def _reason(tables: list[str]) -> str:
    return f"no {' or '.join(tables)} table in the bundle"


def signal_frame(bundle: Bundle, spec: WindowSpec, *, step_days: int | None = None) -> pd.DataFrame:
    """Every signal for every engagement started by the as-of date, in catalog order."""
    windows = resolve_windows(bundle.engagements, spec, step_days=step_days)
    values: dict[str, np.ndarray] = {name: np.empty(0) for name in SIGNAL_NAMES}
    unknown_rows: dict[str, int] = {}
    if len(windows):  # no engagement started by the as-of date: an empty table, not an error
        prepared = prepare(bundle, windows)
        unknown_rows = prepared.unknown_rows
        with np.errstate(divide="ignore", invalid="ignore"):
            for family in FAMILIES:
                values.update(FAMILY_FUNCTIONS[family](prepared))
    result = pd.DataFrame(
        {name: np.asarray(values[name], dtype="float64") for name in SIGNAL_NAMES},
        index=windows.index,
    )
    unavailable = unavailable_signals(bundle)
    for spec_ in SIGNALS:
        if spec_.signal in unavailable or spec_.family in unavailable:
            result[spec_.signal] = np.nan
    partial = {}
    if bundle.communications is None:
        partial["going_dark"] = (
            "no communications table in the bundle: client activity is measured on "
            "meeting attendance alone"
        )
    result.attrs["window"] = spec.describe()
    result.attrs["unavailable"] = unavailable
    result.attrs["partial"] = partial
    result.attrs["unknown_person_rows"] = unknown_rows
    return result


def restrict(bundle: Bundle, engagement_ids: object) -> Bundle:
    """The bundle cut to the given engagements (every table filtered)."""
    ids = pd.Index(pd.unique(pd.Series(list(engagement_ids), dtype=object)))
    unknown = ids.difference(pd.Index(bundle.engagements["engagement_id"]))
    if len(unknown):
        shown = ", ".join(map(repr, list(unknown[:5])))
        raise ValueError(f"engagement_ids not in the bundle: {shown}")

    def keep(frame: pd.DataFrame | None) -> pd.DataFrame | None:
        if frame is None:
            return None
        # An Arrow hash join: pandas' isin on string columns builds a Python list of the ids.
        return frame.loc[positions(frame["engagement_id"], ids) >= 0]

    meetings = keep(bundle.meetings)
    attendance = bundle.attendance.loc[positions(bundle.attendance["meeting_id"], meetings["meeting_id"]) >= 0]
    return dataclasses.replace(
        bundle,
        engagements=keep(bundle.engagements),
        stakeholders=keep(bundle.stakeholders),
        meetings=meetings,
        attendance=attendance,
        commitments=keep(bundle.commitments),
        communications=keep(bundle.communications),
    )
