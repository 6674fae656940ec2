"""One signal at a time: logistic regression per SD, tertile failure rates, BH q-values."""

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

__all__ = [
    "MIN_EVENTS",
    "MIN_MEASURED",
    "SIGNAL_COLUMNS",
    "STATUSES",
    "benjamini_hochberg",
    "family_table",
    "oriented",
    "signal_table",
    "tertile_split",
]

#: Per-signal minimum: fewer measured engagements or events and no model is fitted.
MIN_MEASURED = 20
MIN_EVENTS = 5

#: Why a signal has (or has no) odds ratio. Only 'ok' signals get p- and q-values.
STATUSES = ("ok", "constant", "separation", "not_converged", "too_few")

SIGNAL_COLUMNS = [
    "signal", "family", "direction", "n", "events",
    "riskiest_third_failure_rate", "safest_third_failure_rate",
    "riskiest_third_n", "safest_third_n", "riskiest_third_rule",
    "odds_ratio", "ci_low", "ci_high", "p_value", "q_value", "status",
]


def benjamini_hochberg(p_values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values); NaN stays NaN and is not counted."""
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    m = len(tested)
    if m == 0:
        return q
    order = tested[np.argsort(p[tested], kind="stable")]
    scaled = p[order] * m / np.arange(1, m + 1)
    # Step-up: each q is the smallest scaled p at or above its rank.
    q[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return q


def oriented(values: pd.Series, direction: str) -> pd.Series:
    """The signal turned so that larger always means riskier."""
    if direction == "higher_is_riskier":
        return values
    if direction == "lower_is_riskier":
        return -values
    raise ValueError(f"unknown direction {direction!r} (expected higher_is_riskier or lower_is_riskier)")


def tertile_split(risk: pd.Series) -> tuple[pd.Series, pd.Series, str, float]:
    """Riskiest and safest thirds of an oriented signal (no NaN), as boolean masks.

    Ties make exact thirds impossible (a 0/1 signal has two groups), so the cuts
    are the 1/3 and 2/3 quantiles; when they coincide the split is at that value.
    Returns the two masks, the comparison and the cut of the riskiest group on
    the oriented scale.
    """
    low, high = risk.quantile(1 / 3), risk.quantile(2 / 3)
    if low < high:
        return risk >= high, risk <= low, ">=", float(high)
    if (risk > high).any():
        return risk > high, risk <= high, ">", float(high)
    return risk >= high, risk < high, ">=", float(high)


def _rule_in_signal_units(comparison: str, cut: float, direction: str) -> str:
    if direction == "lower_is_riskier":
        return {">=": "<=", ">": "<"}[comparison] + f" {-cut:.6g}"
    return f"{comparison} {cut:.6g}"


def _separated(z: np.ndarray, y: np.ndarray) -> bool:
    """Complete or quasi-complete separation of one predictor with an intercept."""
    with_event, without = z[y == 1], z[y == 0]
    return bool(without.max() <= with_event.min() or with_event.max() <= without.min())


#: Odds ratio, CI and p-value of a model that could not be estimated.
_NO_FIT = (np.nan, np.nan, np.nan, np.nan)


def _logit_per_sd(z: np.ndarray, y: np.ndarray) -> tuple[str, float, float, float, float]:
    """Fit y ~ z; return status, odds ratio, CI and p-value (NaN unless converged)."""
    if _separated(z, y):
        return ("separation", *_NO_FIT)
    design = sm.add_constant(z, has_constant="add")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = sm.Logit(y, design).fit(disp=0, maxiter=200)
        except (PerfectSeparationError, np.linalg.LinAlgError):
            return ("separation", *_NO_FIT)
    if any(issubclass(w.category, PerfectSeparationWarning) for w in caught):
        return ("separation", *_NO_FIT)
    converged = fit.mle_retvals.get("converged", False)
    if not converged or any(issubclass(w.category, ConvergenceWarning) for w in caught):
        return ("not_converged", *_NO_FIT)
    beta = float(fit.params[1])
    low, high = (float(v) for v in np.asarray(fit.conf_int(alpha=0.05))[1])
    p_value = float(fit.pvalues[1])
    if not np.isfinite([beta, low, high, p_value]).all():
        return ("not_converged", *_NO_FIT)
    return "ok", np.exp(beta), np.exp(low), np.exp(high), p_value


def _one_signal(name: str, values: pd.Series, y: pd.Series, family: str, direction: str) -> dict:
    measured = values.notna()
    risk = oriented(values[measured].astype(float), direction)
    outcome = y[measured].to_numpy()
    n, events = int(measured.sum()), int(outcome.sum())
    row = dict.fromkeys(SIGNAL_COLUMNS, np.nan)
    row.update(signal=name, family=family, direction=direction, n=n, events=events)
    if n == 0:
        row.update(status="too_few", riskiest_third_n=0, safest_third_n=0)
        return row
    if risk.nunique() < 2:
        row.update(status="constant", riskiest_third_n=0, safest_third_n=0)
        return row
    riskiest, safest, comparison, cut = tertile_split(risk)
    row.update(
        riskiest_third_failure_rate=float(outcome[riskiest.to_numpy()].mean()),
        safest_third_failure_rate=float(outcome[safest.to_numpy()].mean()),
        riskiest_third_n=int(riskiest.sum()),
        safest_third_n=int(safest.sum()),
        riskiest_third_rule=_rule_in_signal_units(comparison, cut, direction),
    )
    if n < MIN_MEASURED or min(events, n - events) < MIN_EVENTS:
        row["status"] = "too_few"
        return row
    z = ((risk - risk.mean()) / risk.std(ddof=1)).to_numpy()
    status, odds, low, high, p_value = _logit_per_sd(z, outcome)
    row.update(status=status, odds_ratio=odds, ci_low=low, ci_high=high, p_value=p_value)
    return row


def signal_table(signals: pd.DataFrame, y: pd.Series, catalog: pd.DataFrame) -> pd.DataFrame:
    """Per-signal univariate statistics, one row per signal column, catalog order.

    Parameters
    ----------
    signals : DataFrame
        One float column per signal, index aligned with ``y``.
    y : Series of int
        1 for an event (failure), 0 otherwise.
    catalog : DataFrame
        Indexed by signal name with ``family`` and ``direction`` columns.
    """
    rows = [
        _one_signal(name, signals[name], y, catalog.at[name, "family"],
                    catalog.at[name, "direction"])
        for name in signals.columns
    ]
    table = pd.DataFrame(rows, columns=SIGNAL_COLUMNS)
    table["q_value"] = benjamini_hochberg(table["p_value"].to_numpy())
    for column in ("n", "events", "riskiest_third_n", "safest_third_n"):
        table[column] = table[column].astype("int64")
    return table


def family_table(signal_stats: pd.DataFrame, families: list[str]) -> pd.DataFrame:
    """Per family, its strongest signal (smallest p-value among fitted ones)."""
    rows = []
    for family in families:
        members = signal_stats[signal_stats["family"] == family]
        fitted = members[members["status"] == "ok"]
        row = {
            "family": family, "signal": None, "odds_ratio": np.nan, "ci_low": np.nan,
            "ci_high": np.nan, "p_value": np.nan, "q_value": np.nan,
            "n_signals": len(members), "n_tested": len(fitted),
        }
        if len(fitted):
            # Ties on p (rare) go to the larger effect, then the name, for determinism.
            strength = fitted.assign(_effect=-np.abs(np.log(fitted["odds_ratio"])))
            best = strength.sort_values(["p_value", "_effect", "signal"], kind="stable").iloc[0]
            row.update({k: best[k] for k in ("signal", "odds_ratio", "ci_low", "ci_high",
                                               "p_value", "q_value")})
        rows.append(row)
    return pd.DataFrame(rows)
