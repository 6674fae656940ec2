"""analyze() and DriversResult: closed engagements, one signal at a time and all together."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import signals as signals_module
from ..bundle import Bundle
from ._adjusted import adjusted_table
from ._findings import SIGNIFICANCE, Finding, findings
from ._model import ModelSummary, cross_validate
from ._outcomes import (
    OUTCOME_KINDS,
    InsufficientOutcomes,
    binary_outcome,
    check_enough_outcomes,
    closed_outcomes,
)
from ._univariate import family_table, signal_table

__all__ = [
    "OUTCOME_KINDS", "SIGNIFICANCE", "DriversResult", "Finding", "InsufficientOutcomes", "ModelSummary",
    "analyze",
]


_JSON_SIGNAL_KEYS = ("signal", "family", "n", "odds_ratio", "ci_low", "ci_high", "p_value", "q_value")
_JSON_FAMILY_KEYS = ("family", "signal", "odds_ratio", "q_value", "adjusted_odds_ratio",
                     "adjusted_ci_low", "adjusted_ci_high")
_JSON_MODEL_KEYS = ("cv_auc", "cv_auc_low", "cv_auc_high", "brier", "base_rate")


@dataclass
class DriversResult:
    """What :func:`analyze` found.

    Attributes
    ----------
    signals : DataFrame
        One row per signal: signal, family, direction, n (engagements measured),
        events, riskiest_third_failure_rate, safest_third_failure_rate,
        riskiest_third_n, safest_third_n, riskiest_third_rule (e.g. ``"<= 0.4"``),
        odds_ratio (per SD in the risky direction: above 1 means the risky
        direction goes with failure), ci_low, ci_high (95%), p_value, q_value
        (Benjamini-Hochberg across all fitted signals) and status: ``ok``,
        ``constant``, ``separation``, ``not_converged`` or ``too_few`` (fewer than
        20 measured or 5 per outcome). Only ``ok`` rows have odds ratios and p-values.
    families : DataFrame
        One row per family: family, signal (its strongest, smallest p), odds_ratio,
        ci_low, ci_high, p_value, q_value, n_signals, n_tested, and the adjusted
        view: adjusted_odds_ratio, adjusted_ci_low, adjusted_ci_high (the family's
        strongest signal in one logistic regression with the other families'
        strongest signals, per SD as the univariate one; NaN where not fitted, the
        reason in ``warnings``) and shadow_of (for a family with a finding whose
        adjusted interval reaches 1: the family whose adjustment takes most of its
        effect away, else None).
    model : ModelSummary
        Cross-validated all-signal model (frozen): cv_auc, cv_auc_low, cv_auc_high,
        brier, base_rate, n, events, gb_cv_auc (gradient boosting), gb_cv_auc_low,
        gb_cv_auc_high, n_signals, events_per_signal, n_splits, n_repeats,
        regularisation_c_median, auc_interval_method, warnings.
    calibration : DataFrame
        bin, mean_predicted, observed_rate, n (out-of-fold predictions).
    importance : DataFrame
        family, importance (drop in held-out AUC when the family's signals are
        shuffled, one at a time, summed), top_signal, n_signals.
    findings : list of Finding
        The findings, strongest first: plain-English sentences (``str``) about
        the signals that go with the outcome (q below :data:`SIGNIFICANCE`),
        then those that separate it; the window they hold for is ``window``.
        Each knows its ``kind``, ``family`` and ``signal``.
    non_findings : list of Finding
        One sentence per family with no such signal: no evidence, or could not
        be tested.
    window : str
        The stretch of each engagement's life the signals cover.
    outcome : str
        ``failed`` or ``failed_or_challenged``.
    n, events : int
        Closed engagements analysed and how many of them are events.
    warnings : list of str
        Everything a reader should know before trusting the numbers.
    """

    signals: pd.DataFrame
    families: pd.DataFrame
    model: ModelSummary
    calibration: pd.DataFrame
    importance: pd.DataFrame
    findings: list[str]
    window: str
    outcome: str
    n: int
    events: int
    warnings: list[str] = field(default_factory=list)
    non_findings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The JSON-ready summary printed by ``engagement-analytics drivers --json`` (NaN → None)."""
        return {
            "outcome": self.outcome,
            "window": self.window,
            "n": self.n,
            "events": self.events,
            "signals": [_json_row(row, _JSON_SIGNAL_KEYS) for row in self.signals.to_dict("records")],
            "families": [_json_row(row, _JSON_FAMILY_KEYS) for row in self.families.to_dict("records")],
            "model": {key: json_value(getattr(self.model, key)) for key in _JSON_MODEL_KEYS},
            "findings": [str(s) for s in self.findings],
            "non_findings": [str(s) for s in self.non_findings],
            "warnings": list(self.warnings),
        }


def json_value(value):
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _json_row(row: dict, keys: tuple[str, ...]) -> dict:
    return {key: json_value(row.get(key)) for key in keys}


def catalog_for(columns: pd.Index, catalog: pd.DataFrame | None) -> pd.DataFrame:
    if catalog is None:
        catalog = signals_module.catalog()
    indexed = catalog.set_index("signal") if "signal" in catalog.columns else catalog
    unknown = [name for name in columns if name not in indexed.index]
    if unknown:
        raise ValueError(
            f"signal column(s) not in the catalog: {', '.join(map(str, unknown))}; "
            "pass catalog= with their family and direction"
        )
    return indexed


def family_order(catalog: pd.DataFrame, columns: pd.Index) -> list[str]:
    present = set(catalog.loc[list(columns), "family"])
    return [family for family in dict.fromkeys(catalog["family"]) if family in present]


def _signals_and_outcomes(data, outcomes, *, first_weeks, at_fraction, as_of):
    """The signal frame, the outcome strings and the window options used (bundle only)."""
    if isinstance(data, Bundle):
        window_options = signals_module.window_options(
            as_of=as_of, first_weeks=first_weeks, at_fraction=at_fraction
        )
        frame = signals_module.compute(data, **window_options)
        if outcomes is None:
            outcomes = closed_outcomes(data.engagements, as_of=as_of)
        return frame, outcomes, window_options
    if isinstance(data, pd.DataFrame):
        if outcomes is None:
            raise ValueError("with a signals DataFrame, pass outcomes= (outcome strings by engagement_id)")
        if first_weeks is not None or at_fraction is not None or as_of is not None:
            raise ValueError(
                "first_weeks, at_fraction and as_of apply to a Bundle; a signals DataFrame "
                "already has its window"
            )
        return data, outcomes, None
    raise TypeError(f"data must be a Bundle or a signals DataFrame, not {type(data).__name__}")


def _landmark(bundle: Bundle, y: pd.Series, window_options: dict) -> tuple[pd.Series, list[str]]:
    """Keep the closed engagements still running when their window ended (a landmark analysis).

    Failed engagements tend to close early. One that closed before its window
    ended would be measured up to its wind-down, so its close, which goes with
    its outcome, would shape its signals (its last weeks, its final silence).
    Comparing only engagements that reached the end of the window keeps the
    outcome out of the signals; the ones left out are counted by outcome.
    """
    ends = signals_module.windows(bundle, **window_options)["window_end"]
    closed_on = bundle.engagements.set_index("engagement_id")["closed_date"]
    cut = (closed_on.reindex(y.index) <= ends.reindex(y.index)).to_numpy()
    if not cut.any():
        return y, []
    events = y.to_numpy() == 1
    note = (
        f"{int(cut.sum())} closed engagements ended before their window did and are left out "
        f"({int((cut & events).sum())} events, {int((cut & ~events).sum())} others): only "
        "engagements still running at the end of the window are compared, so an early close "
        "cannot stand in for the outcome"
    )
    return y[~cut], [note]


@dataclass(frozen=True)
class Compared:
    """The engagements a drivers analysis compares: their signals, outcome, notes and window."""

    signals: pd.DataFrame
    y: pd.Series
    notes: list[str]
    window: str


def compared_engagements(data, frame: pd.DataFrame, outcome_strings: pd.Series,
                         window_options: dict | None, *, outcome: str, check: bool = True) -> Compared:
    """Closed engagements with a signal row (and, for a bundle, still running at their window's end).

    Raises
    ------
    InsufficientOutcomes
        Too few of them, or of either outcome class (unless ``check`` is False).
    """
    window = frame.attrs.get("window") or "as supplied (window not stated)"
    notes = [f"{name} could not be computed: {why}"
             for name, why in dict(frame.attrs.get("unavailable") or {}).items()]
    y = binary_outcome(outcome_strings, outcome=outcome)
    not_closed = int((~frame.index.isin(y.index)).sum())
    without_signals = int((~y.index.isin(frame.index)).sum())
    if not_closed:
        notes.append(f"{not_closed} engagements without an outcome (still active) are left out")
    if without_signals:
        notes.append(f"{without_signals} closed engagements have no signal row and are left out")
    y = y[y.index.isin(frame.index)]
    if window_options is not None:
        y, landmark_notes = _landmark(data, y, window_options)
        notes += landmark_notes
        window += "; engagements that closed before their window ended are left out"
    try:
        if check:
            check_enough_outcomes(y, outcome=outcome)
    except InsufficientOutcomes as exc:
        if notes and window_options is not None and "ended before their window did" in notes[-1]:
            raise InsufficientOutcomes(f"{exc} ({notes[-1]}; try a shorter window)") from None
        raise
    return Compared(frame.loc[y.index].astype(float), y, notes, window)


def model_columns(signals: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Columns the joint model can use, and a note naming the ones it cannot."""
    measured = signals.notna().any()
    varying = signals.nunique() >= 2
    notes = []
    for why, names in (("never measured", signals.columns[~measured]),
                       ("one value only", signals.columns[measured & ~varying])):
        if len(names):
            notes.append(f"left out of the joint model ({why}): {', '.join(names)}")
    return list(signals.columns[measured & varying]), notes


def analyze(
    data: Bundle | pd.DataFrame,
    *,
    outcomes: pd.Series | None = None,
    outcome: str = "failed",
    first_weeks: int | None = None,
    at_fraction: float | None = None,
    as_of: dt.date | None = None,
    catalog: pd.DataFrame | None = None,
    random_state: int = 0,
    n_repeats: int = 5,
    n_splits: int = 5,
) -> DriversResult:
    """Test which signals go with failed engagements.

    Parameters
    ----------
    data : Bundle or DataFrame
        A loaded bundle (signals are computed here over the window) or a signals
        frame indexed by engagement_id, one float column per signal, such as
        :func:`engagement_analytics.signals.compute` returns.
    outcomes : Series, optional
        Outcome strings (success, challenged, failed; NaN while active) indexed by
        engagement_id. Required with a signals frame; with a bundle they come from
        its engagements (closed by ``as_of`` when given).
    outcome : {"failed", "failed_or_challenged"}
        What counts as an event: failed against success or challenged, or failed
        or challenged against success.
    first_weeks, at_fraction : optional
        The window of each engagement's life (bundle only, at most one of them).
        Default: ``at_fraction=0.4``, the first 40% of the planned schedule.
        Closed engagements that ended before their window did are left out
        (a landmark analysis; the warnings count them by outcome).
    as_of : date, optional
        Use only rows dated on or before it, and outcomes known by then (bundle only).
    catalog : DataFrame, optional
        Signal catalog (signal, family, direction, unit, description); default
        :func:`engagement_analytics.signals.catalog`. Needed for your own signals.
    random_state : int
        Seed of the cross-validation splits, the boosted model and the shuffles.
    n_repeats, n_splits : int
        Repeated stratified K-fold cross-validation of the joint models.

    Returns
    -------
    DriversResult

    Raises
    ------
    InsufficientOutcomes
        Fewer than 20 closed engagements, or fewer than 5 in either outcome class.
    ValueError
        An unknown ``outcome``, unknown outcome values or signals missing from the catalog.
    """
    if outcome not in OUTCOME_KINDS:
        raise ValueError(f"outcome={outcome!r} is not supported; use one of {', '.join(OUTCOME_KINDS)}")
    frame, outcome_strings, window_options = _signals_and_outcomes(
        data, outcomes, first_weeks=first_weeks, at_fraction=at_fraction, as_of=as_of
    )
    signal_catalog = catalog_for(frame.columns, catalog)
    compared = compared_engagements(data, frame, outcome_strings, window_options, outcome=outcome)
    signals, y, notes, window = compared.signals, compared.y, compared.notes, compared.window

    signal_stats = signal_table(signals, y, signal_catalog)
    family_stats = family_table(signal_stats, family_order(signal_catalog, signals.columns))
    adjusted, adjusted_notes = adjusted_table(signals, y, family_stats, signal_catalog,
                                              significance=SIGNIFICANCE)
    family_stats = family_stats.join(adjusted, on="family")
    usable, model_notes = model_columns(signals)
    if not usable:
        raise InsufficientOutcomes(
            "no signal varies across the closed engagements in this window: nothing to compare "
            f"({'; '.join(model_notes)})"
        )
    report = cross_validate(
        signals[usable], y, signal_catalog["family"], random_state=random_state,
        n_splits=n_splits, n_repeats=n_repeats,
    )
    all_warnings = notes + model_notes + list(report.model.warnings) + adjusted_notes
    sentences = findings(signal_stats, family_stats, signal_catalog, outcome=outcome)
    return DriversResult(
        signals=signal_stats,
        families=family_stats,
        model=report.model,
        calibration=report.calibration,
        importance=report.importance,
        findings=[s for s in sentences if s.is_finding],
        non_findings=[s for s in sentences if not s.is_finding],
        window=window,
        outcome=outcome,
        n=len(y),
        events=int(y.sum()),
        warnings=all_warnings,
    )
