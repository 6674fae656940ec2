"""Each family adjusted for the others: one logistic regression of the families' strongest signals.

A client who goes dark also stops coming to steering meetings and workshops,
so one cause can make several families look like drivers one at a time. Fitting
the strongest signal of every family together asks, per family, whether it
still goes with failure once the others are held fixed. A family whose odds
ratio falls to about 1 is a shadow: it moved with the outcome only through
another family. Which one is found by adjusting the shadow for each other
family alone and keeping the one that takes most of its effect away.

The strongest signal of a family is chosen on the same data (smallest
univariate p-value), so the adjusted odds ratios are conditional on that
choice; they are Wald estimates of one unpenalised logistic regression.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)

from ._univariate import oriented

__all__ = ["ADJUSTED_COLUMNS", "MIN_EVENTS_PER_PARAMETER", "MIN_PER_CLASS", "adjusted_table"]

ADJUSTED_COLUMNS = ["adjusted_odds_ratio", "adjusted_ci_low", "adjusted_ci_high", "shadow_of"]
#: Below this many events (of the smaller class) per fitted parameter, the adjusted
#: odds ratios of an unpenalised model are biased away from 1: a warning says so.
MIN_EVENTS_PER_PARAMETER = 10
#: Fewer engagements of either outcome than this among those where a signal is missing,
#: and they are left out of the adjusted fit rather than given a missing indicator.
MIN_PER_CLASS = 5


def _design(signals: pd.DataFrame, y: pd.Series,
            chosen: dict[str, tuple[str, str]]) -> tuple[pd.DataFrame, pd.Series, int]:
    """Standardised oriented columns (NaN -> 0) plus a missing indicator where values are missing.

    ``chosen`` maps family -> (signal, direction). Each signal is scaled by the
    mean and SD of its measured values, the scale of the univariate odds ratio,
    so both odds ratios are per SD of the same thing. A missing value sits at the
    mean, and its indicator takes the difference of the engagements that could
    not be measured (the missing-indicator method: for a value that does not
    exist, such as a sponsor's attendance with no sponsor, the slope is then
    estimated on the measured engagements). When the engagements without a value
    hold fewer than :data:`MIN_PER_CLASS` of either outcome, their indicator
    cannot be estimated: they are left out of the fit instead (their count is
    returned).

    Returns the design, the outcome of its rows and the number of engagements left out.
    """
    columns, indicators = {}, {}
    keep = pd.Series(True, index=signals.index)
    for family, (signal, direction) in chosen.items():
        risk = oriented(signals[signal].astype(float), direction)
        measured = risk.notna()
        z = (risk - risk[measured].mean()) / risk[measured].std(ddof=1)
        columns[family] = z.fillna(0.0)
        missing_events = int(y[~measured].sum())
        if min(missing_events, int((~measured).sum()) - missing_events) < MIN_PER_CLASS:
            keep &= measured
        else:
            indicators[f"{family} not measured"] = (~measured).astype(float)
    design = pd.DataFrame(columns, index=signals.index)[keep]
    # Identical indicators (signals missing on the same engagements) would make the
    # design singular: one is enough; an indicator constant on the kept rows is dropped.
    for name, values in indicators.items():
        values = values[keep]
        if values.nunique() > 1 and not any(values.equals(design[c]) for c in design.columns):
            design[name] = values
    return design, y[keep], int((~keep).sum())


def _fit(design: pd.DataFrame, y: np.ndarray) -> tuple[object | None, str | None]:
    """Unpenalised logistic regression; (fit, None) or (None, why it failed)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = sm.Logit(y, sm.add_constant(design, has_constant="add")).fit(disp=0, maxiter=200)
        except PerfectSeparationError:
            return None, "the signals together separate the outcome perfectly"
        except np.linalg.LinAlgError:
            return None, "the signals are collinear (one is a combination of the others)"
    separated = ((np.asarray(fit.fittedvalues) > 0) == (y == 1)).all()
    if separated or any(issubclass(w.category, PerfectSeparationWarning) for w in caught):
        return None, "the signals together separate the outcome perfectly"
    if not fit.mle_retvals.get("converged", False) or any(
        issubclass(w.category, ConvergenceWarning) for w in caught
    ):
        return None, "the model did not converge"
    if not np.isfinite(np.asarray(fit.bse)).all():
        return None, "the signals are collinear (one is a combination of the others)"
    return fit, None


def _shadow_of(family: str, design: pd.DataFrame, y: np.ndarray, candidates: list[str]) -> str | None:
    """The candidate family that, adjusted for alone, takes most of ``family``'s log odds ratio."""
    own = [family] + [c for c in design.columns if c == f"{family} not measured"]
    best, best_log_or = None, None
    for other in candidates:
        extra = [other] + [c for c in design.columns if c == f"{other} not measured"]
        fit, _ = _fit(design[own + extra], y)
        if fit is None:
            continue
        log_or = abs(float(fit.params[family]))
        if best_log_or is None or log_or < best_log_or:
            best, best_log_or = other, log_or
    return best


def adjusted_table(
    signals: pd.DataFrame, y: pd.Series, families: pd.DataFrame, catalog: pd.DataFrame, *,
    significance: float,
) -> tuple[pd.DataFrame, list[str]]:
    """Adjusted odds ratio of each family's strongest signal, and warnings.

    Parameters
    ----------
    signals : DataFrame
        Signal columns of the analysed engagements (index aligned with ``y``).
    y : Series of int
        1 for an event.
    families : DataFrame
        The family table (family, signal, odds_ratio, ci_low, q_value, ...).
    catalog : DataFrame
        Indexed by signal, with ``direction``.
    significance : float
        q-value below which a family is a univariate finding (whose shadow is looked for).

    Returns
    -------
    adjusted : DataFrame
        Index family; ``adjusted_odds_ratio``, ``adjusted_ci_low``,
        ``adjusted_ci_high`` (NaN where not fitted) and ``shadow_of``: for a
        univariate finding whose adjusted interval reaches 1, the family whose
        adjustment takes most of its effect (None otherwise).
    notes : list of str
        Why nothing was fitted, or what to keep in mind.
    """
    table = pd.DataFrame(np.nan, index=pd.Index(families["family"], name="family"),
                         columns=ADJUSTED_COLUMNS[:3]).assign(shadow_of=None)
    tested = families.dropna(subset=["signal", "odds_ratio"])
    if len(tested) < 2:
        return table, [
            "adjusted odds ratios not computed: fewer than two families have a tested signal "
            "to adjust for each other"
        ]
    chosen = {row.family: (row.signal, catalog.at[row.signal, "direction"]) for row in tested.itertuples()}
    design, kept_y, left_out = _design(signals, y, chosen)
    target = kept_y.to_numpy()
    fit, why = _fit(design, target)
    if fit is None:
        return table, [f"adjusted odds ratios not computed: {why}"]
    intervals = np.asarray(fit.conf_int(alpha=0.05).loc[list(chosen)])
    table.loc[list(chosen), "adjusted_odds_ratio"] = np.exp(fit.params[list(chosen)].to_numpy())
    table.loc[list(chosen), "adjusted_ci_low"] = np.exp(intervals[:, 0])
    table.loc[list(chosen), "adjusted_ci_high"] = np.exp(intervals[:, 1])
    notes = []
    if left_out:
        engagements = "engagement" if left_out == 1 else "engagements"
        notes.append(
            f"the adjusted odds ratios leave out {left_out} {engagements} on which a family's "
            "strongest signal could not be measured (too few to estimate a term of their own)"
        )
    untested = [f for f in table.index if f not in chosen]
    if untested:
        notes.append(f"no adjusted odds ratio for {', '.join(untested)}: no signal of the family "
                     "could be tested on its own")
    minority = int(min(target.sum(), len(target) - target.sum()))
    parameters = design.shape[1] + 1
    if minority / parameters < MIN_EVENTS_PER_PARAMETER:
        notes.append(
            f"adjusted odds ratios rest on {minority} engagements in the smaller outcome class for "
            f"{parameters} parameters ({minority / parameters:.1f} per parameter, fewer than "
            f"{MIN_EVENTS_PER_PARAMETER}): they tend to lie further from 1 than the truth and "
            "their intervals are approximate"
        )
    holding = [f for f in chosen if table.at[f, "adjusted_ci_low"] > 1]
    for row in tested.itertuples():
        finding = row.q_value < significance and row.odds_ratio > 1
        if finding and not table.at[row.family, "adjusted_ci_low"] > 1:
            others = [f for f in holding if f != row.family]
            table.at[row.family, "shadow_of"] = _shadow_of(row.family, design, target, others)
    return table, notes
