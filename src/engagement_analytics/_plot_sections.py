"""What a family section of a report says: its lead signal, a week-by-week pair, a sentence.

Kept out of the notebooks so their cells stay one call long and the wording
is computed (and tested) from the numbers, never typed.
"""

from __future__ import annotations

import pandas as pd

from ._plot_numbers import DECIMALS, contrasting_pair, trajectory_numbers

__all__ = ["comparison_summary", "family_trajectory", "lead_signal"]

#: Below this absolute standardised difference a signal "hardly differs".
NOTABLE_DIFFERENCE = 0.2


def lead_signal(comparison: pd.DataFrame) -> str | None:
    """The signal of a :func:`comparison_numbers` frame that differs most between groups.

    Largest absolute ``risk_difference``, ties to the earlier row; None when
    no signal was measured in both groups.
    """
    measured = comparison.dropna(subset=["risk_difference"])
    if measured.empty:
        return None
    return str(measured.loc[measured["risk_difference"].abs().idxmax(), "signal"])


def comparison_summary(
    comparison: pd.DataFrame, *, event: str, unavailable: dict[str, str] | None = None
) -> str:
    """A Markdown paragraph that states what a comparison frame shows.

    Parameters
    ----------
    comparison : DataFrame
        :func:`comparison_numbers` output for one or more families.
    event : str
        Label of the event group, e.g. ``"failed"``.
    unavailable : dict, optional
        ``signals.compute(...).attrs["unavailable"]``: why families or signals
        could not be measured; mentioned when they concern these signals.
    """
    notes = []
    for name, why in (unavailable or {}).items():
        if name in set(comparison["signal"]) | set(comparison["family"]):
            notes.append(f"`{name}` could not be measured: {why}.")
    measured = comparison.dropna(subset=["risk_difference"])
    if measured.empty:
        return " ".join(["No signal here was measured in both groups of closed engagements.", *notes])
    riskier = measured[measured["risk_difference"] >= NOTABLE_DIFFERENCE]
    safer = measured[measured["risk_difference"] <= -NOTABLE_DIFFERENCE]
    lead = measured.loc[measured["risk_difference"].abs().idxmax()]
    text = (
        f"Of {len(measured)} signals measured in both groups, {event} engagements look "
        f"riskier by at least {NOTABLE_DIFFERENCE} standard deviations on {len(riskier)}"
        f" and safer on {len(safer)}. The largest difference is on `{lead['signal']}` "
        f"({lead['risk_difference']:+.{DECIMALS - 1}f} SD; mean {lead['mean_event']:.{DECIMALS}g} "
        f"for {event} vs {lead['mean_other']:.{DECIMALS}g} for other closed engagements)."
    )
    return " ".join([text, *notes])


def family_trajectory(
    bundle: object,
    signals: pd.DataFrame,
    groups: pd.Series,
    *,
    catalog: pd.DataFrame,
    family: str,
    signal: str,
    every_days: int = 7,
) -> pd.DataFrame:
    """Week-by-week ``signal`` of a failing and a healthy engagement of the bundle.

    The pair is :func:`contrasting_pair` on ``family``; columns are labelled
    ``"failing (<id>)"`` and ``"healthy (<id>)"``. Empty when no pair exists.
    """
    from . import signals as signals_module

    pair = contrasting_pair(signals, groups, catalog=catalog, family=family)
    if pair is None:
        return pd.DataFrame()
    over_time = signals_module.over_time(
        bundle, engagement_ids=list(pair), signals=[signal], every_days=every_days
    )
    labels = {pair[0]: f"failing ({pair[0]})", pair[1]: f"healthy ({pair[1]})"}
    return trajectory_numbers(over_time, signal=signal, labels=labels)
