"""Lead time: how early in the planned schedule each pattern starts to go with failure.

The landmark analysis of :func:`analyze` is repeated at several fractions of
each engagement's planned schedule. At fraction F every engagement is measured
over its first F of the plan, and the closed engagements that ended before
that point are left out (they had already shown their outcome). Each fraction
is its own analysis, with its own Benjamini-Hochberg q-values across the
signals; nothing is corrected across fractions.

It is also a leak detector: a pattern that "predicts" at a fraction of the
plan where it cannot have happened yet points to a signal that reads later
rows or the outcome.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import signals as signals_module
from ..bundle import Bundle
from ._analyze import catalog_for, compared_engagements, family_order, json_value, model_columns
from ._model import cross_validate
from ._outcomes import OUTCOME_KINDS, InsufficientOutcomes, check_enough_outcomes, closed_outcomes
from ._univariate import family_table, signal_table

__all__ = ["DEFAULT_LEAD_FRACTIONS", "LeadTimeResult", "lead_time"]

#: The fractions of the planned schedule :func:`lead_time` looks at by default.
DEFAULT_LEAD_FRACTIONS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)

SUMMARY_COLUMNS = ["fraction", "n", "events", "cv_auc", "cv_auc_low", "cv_auc_high", "note"]
FAMILY_COLUMNS = ["fraction", "family", "signal", "odds_ratio", "q_value"]


@dataclass
class LeadTimeResult:
    """What :func:`lead_time` found, one analysis per fraction of the planned schedule.

    Attributes
    ----------
    summary : DataFrame
        One row per fraction: fraction, n (closed engagements still running at
        that point), events, cv_auc, cv_auc_low, cv_auc_high (the all-signal
        model, as in :func:`analyze`) and note (why a fraction has no numbers,
        else empty).
    families : DataFrame
        One row per fraction and family: fraction, family, signal (its
        strongest at that fraction), odds_ratio (per SD in the risky direction)
        and q_value (Benjamini-Hochberg across that fraction's signals).
    outcome : str
        ``failed`` or ``failed_or_challenged``.
    warnings : list of str
        Per fraction, prefixed with it ("at 30% of plan: ...").
    """

    summary: pd.DataFrame
    families: pd.DataFrame
    outcome: str
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The JSON-ready view printed by ``engagement-analytics drivers --lead-time --json``."""
        rows = []
        for row in self.summary.itertuples(index=False):
            part = self.families[self.families["fraction"] == row.fraction]
            rows.append({
                "fraction": json_value(row.fraction),
                "n": json_value(row.n),
                "events": json_value(row.events),
                "cv_auc": json_value(row.cv_auc),
                "cv_auc_low": json_value(row.cv_auc_low),
                "cv_auc_high": json_value(row.cv_auc_high),
                "families": {
                    family.family: {"signal": json_value(family.signal),
                                    "odds_ratio": json_value(family.odds_ratio),
                                    "q_value": json_value(family.q_value)}
                    for family in part.itertuples(index=False)
                },
            })
        return {"outcome": self.outcome, "lead_time": rows, "warnings": list(self.warnings)}


def _fractions(fractions: Iterable[float]) -> list[float]:
    values = []
    for value in fractions:
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ValueError(f"fractions: {value!r} is not a number")
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"fractions: {value!r} must be a number > 0")
        values.append(float(value))
    if not values:
        raise ValueError("fractions: give at least one fraction of the planned schedule")
    return sorted(set(values))


def lead_time(
    bundle: Bundle,
    *,
    fractions: Iterable[float] = DEFAULT_LEAD_FRACTIONS,
    outcome: str = "failed",
    as_of: dt.date | None = None,
    catalog: pd.DataFrame | None = None,
    random_state: int = 0,
    n_repeats: int = 5,
    n_splits: int = 5,
) -> LeadTimeResult:
    """Repeat the drivers analysis at several fractions of the planned schedule.

    Parameters
    ----------
    bundle : Bundle
        A loaded bundle.
    fractions : iterable of float
        Fractions (> 0) of each engagement's planned schedule; default 0.1, 0.2, ..., 0.8.
    outcome : {"failed", "failed_or_challenged"}
        What counts as an event, as in :func:`analyze`.
    as_of : date, optional
        Use only rows dated on or before it, and outcomes known by then.
    catalog : DataFrame, optional
        As in :func:`analyze`.
    random_state, n_repeats, n_splits : int
        The cross-validation of the all-signal model at each fraction (no
        gradient boosting, plain comparison or importance here).

    Returns
    -------
    LeadTimeResult
        A fraction with too few engagements (or of either outcome) still
        running at that point has NaN numbers and a ``note`` saying why; it
        never stops the others.

    Raises
    ------
    ValueError
        An unknown ``outcome`` or a fraction that is not a number > 0.
    """
    if outcome not in OUTCOME_KINDS:
        raise ValueError(f"outcome={outcome!r} is not supported; use one of {', '.join(OUTCOME_KINDS)}")
    if not isinstance(bundle, Bundle):
        raise TypeError(f"bundle must be a Bundle, not {type(bundle).__name__}")
    outcome_strings = closed_outcomes(bundle.engagements, as_of=as_of)
    summary, families, warnings_out = [], [], []
    for fraction in _fractions(fractions):
        options = signals_module.window_options(as_of=as_of, at_fraction=fraction)
        frame = signals_module.compute(bundle, **options)
        signal_catalog = catalog_for(frame.columns, catalog)
        label = f"at {fraction:.0%} of plan"
        row = dict.fromkeys(SUMMARY_COLUMNS, np.nan) | {"fraction": fraction, "note": ""}
        compared = compared_engagements(bundle, frame, outcome_strings, options, outcome=outcome,
                                        check=False)
        signals, y = compared.signals, compared.y
        row.update(n=len(y), events=int(y.sum()))
        try:
            check_enough_outcomes(y, outcome=outcome)
        except InsufficientOutcomes as exc:
            row["note"] = str(exc)
            summary.append(row)
            warnings_out.append(f"{label}: {exc}")
            continue
        signal_stats = signal_table(signals, y, signal_catalog)
        family_stats = family_table(signal_stats, family_order(signal_catalog, signals.columns))
        families.append(family_stats[["family", "signal", "odds_ratio", "q_value"]].assign(fraction=fraction))
        usable, model_notes = model_columns(signals)
        notes = [note for note in compared.notes if "without an outcome" not in note] + model_notes
        if usable:
            report = cross_validate(signals[usable], y, signal_catalog["family"],
                                    random_state=random_state, n_splits=n_splits,
                                    n_repeats=n_repeats, compare=False)
            row.update(cv_auc=report.model.cv_auc, cv_auc_low=report.model.cv_auc_low,
                       cv_auc_high=report.model.cv_auc_high)
            notes += list(report.model.warnings)
        else:
            row["note"] = "no signal varies across the engagements compared"
        warnings_out += [f"{label}: {note}" for note in notes]
        summary.append(row)
    summary_frame = pd.DataFrame(summary, columns=SUMMARY_COLUMNS).astype({"n": "int64", "events": "int64"})
    family_frame = (pd.concat(families, ignore_index=True)[FAMILY_COLUMNS] if families
                    else pd.DataFrame(columns=FAMILY_COLUMNS))
    return LeadTimeResult(summary=summary_frame, families=family_frame, outcome=outcome,
                          warnings=warnings_out)
