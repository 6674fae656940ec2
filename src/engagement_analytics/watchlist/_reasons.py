"""Why an engagement is at risk: each signal's contribution against the typical engagement.

The contribution of a signal to an engagement's risk is the change in the
model's log-odds when that one signal is moved from the engagement's value to
the typical value (the median of the closed engagements the model learned
from, at the same point of their plan; "not measured" where most of them had
no value yet), all else kept. For the drivers'
pipeline (imputation with missing-value indicators, scaling, a linear model)
this is exact and additive: the contributions sum to the log-odds gap between
the engagement and the typical engagement, and a signal that could not be
measured contributes through its missing-value indicator.

A signal is given as a reason only if it raises the risk by at least
:data:`MIN_REASON_LOG_ODDS` and sits on the risky side of the typical value
(the catalog's direction), or could not be measured: in a model of correlated
signals a coefficient can take the opposite sign of the signal's own
direction, and "the sponsor came to every meeting" is not a reason to worry.
A signal that could not be measured is given only if no stronger reason of
its family is: missing values in a family usually share one cause (no
sponsor named leaves the sponsor's attendance and absences unmeasured too),
and one sentence says it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._advice import Advice
from ._risk import LandmarkModel

__all__ = ["MAX_REASONS", "MIN_REASON_LOG_ODDS", "contributions", "explain"]

#: Reasons given per engagement, at most.
MAX_REASONS = 3
#: Smallest contribution (log-odds) worth a sentence: about a 5% change in the odds.
MIN_REASON_LOG_ODDS = 0.05


def contributions(model: LandmarkModel, frame: pd.DataFrame) -> pd.DataFrame:
    """Log-odds contribution of each signal (columns) for each engagement (rows of ``frame``)."""
    features = frame[model.columns].to_numpy(dtype=float)
    full = model.log_odds(features)
    typical = model.reference.to_numpy(dtype=float)
    # One batch: every engagement with one signal at a time set to its typical value.
    n, k = features.shape
    moved = np.repeat(features[np.newaxis], k, axis=0)
    moved[np.arange(k), :, np.arange(k)] = typical[:, np.newaxis]
    without = model.log_odds(moved.reshape(k * n, -1)).reshape(k, n).T
    return pd.DataFrame(full[:, np.newaxis] - without, index=frame.index, columns=model.columns)


def _risky_side(values: pd.DataFrame, typical: pd.Series, higher: pd.Series) -> pd.DataFrame:
    """Values on the risky side of the typical one (per the catalog), or not measured."""
    above = values.gt(typical, axis=1).to_numpy()
    below = values.lt(typical, axis=1).to_numpy()
    risky = np.where(higher.to_numpy(dtype=bool)[np.newaxis, :], above, below)
    return pd.DataFrame(risky, index=values.index, columns=values.columns) | values.isna()


def explain(
    model: LandmarkModel, frame: pd.DataFrame, *, catalog: pd.DataFrame, advice: Advice
) -> pd.DataFrame:
    """Reasons, family and action of each engagement (rows of ``frame``) scored by ``model``.

    Returns
    -------
    DataFrame
        Index as ``frame``; columns ``reasons`` (list of str), ``reason_signals``
        (list of str), ``family`` and ``action`` (None when nothing raises the risk).
    """
    parts = contributions(model, frame)
    values = frame[model.columns]
    info = catalog.set_index("signal").reindex(model.columns)
    higher = info["direction"].eq("higher_is_riskier")
    eligible = (parts >= MIN_REASON_LOG_ODDS) & _risky_side(values, model.typical, higher)
    pushing = parts.where(eligible, 0.0).to_numpy()
    measured = values.notna().to_numpy()
    raw = values.to_numpy(dtype=float)
    families = info["family"].to_numpy(dtype=object)
    # The family to act on: the largest sum of pushing contributions (catalog order breaks ties).
    family_names = list(dict.fromkeys(catalog["family"]))
    membership = np.array([[f == name for name in family_names] for f in families], dtype=float)
    by_family = pushing @ membership
    chosen = np.where(by_family.max(axis=1) > 0, by_family.argmax(axis=1), -1)
    order = np.argsort(-pushing, axis=1, kind="stable")
    rows = []
    for i in range(len(frame)):
        picked, seen = [], set()
        for j in order[i]:
            if pushing[i, j] <= 0 or len(picked) == MAX_REASONS:
                break
            # An unmeasured signal whose family already has a reason says the same thing again.
            if measured[i, j] or families[j] not in seen:
                picked.append(j)
            seen.add(families[j])
        family = family_names[chosen[i]] if chosen[i] >= 0 else None
        rows.append({
            "reasons": [advice.reason(
                families[j], model.columns[j], unit=info["unit"].iat[j], value=raw[i, j],
                typical=model.typical.iat[j], share_yes=model.share_yes.iat[j],
                measured=model.measured.iat[j]) for j in picked],
            "reason_signals": [model.columns[j] for j in picked],
            "family": family,
            "action": advice.action(family) if family is not None else None,
        })
    return pd.DataFrame(rows, index=frame.index, columns=["reasons", "reason_signals", "family", "action"])


def biggest_change(
    model: LandmarkModel, now: pd.DataFrame, before: pd.DataFrame, *, rose: np.ndarray,
    catalog: pd.DataFrame, advice: Advice,
) -> list[str | None]:
    """For each engagement, the signal move that shifted the current model's risk most.

    Both dates are read by today's model, so the change is the engagements' own,
    not the model's; the sentence names the signal whose move pushed the log-odds
    furthest in the direction the risk went (``rose``), or says none moved it much.
    """
    shift = contributions(model, now) - contributions(model, before.reindex(now.index))
    shift = shift.mul(np.where(rose, 1.0, -1.0), axis=0)
    info = catalog.set_index("signal")
    out: list[str | None] = []
    for engagement, row in shift.iterrows():
        signal = row.idxmax() if row.notna().any() else None
        if signal is None or not row[signal] >= MIN_REASON_LOG_ODDS:
            out.append("No single signal moved much: the change comes from the point of the plan "
                       "reached and the engagements closed since.")
            continue
        out.append(advice.change(
            info.at[signal, "family"], signal, unit=info.at[signal, "unit"],
            before=before.at[engagement, signal], now=now.at[engagement, signal],
        ))
    return out
