"""The outcome the drivers analysis explains: closed engagements only, as 0/1."""

from __future__ import annotations

import datetime as dt

import pandas as pd

__all__ = [
    "MIN_CLOSED",
    "MIN_PER_CLASS",
    "OUTCOME_KINDS",
    "InsufficientOutcomes",
    "binary_outcome",
    "check_enough_outcomes",
    "closed_outcomes",
]

#: What counts as an event for each outcome definition.
OUTCOME_KINDS: dict[str, tuple[str, ...]] = {
    "failed": ("failed",),
    "failed_or_challenged": ("failed", "challenged"),
}
_VALID_OUTCOMES = ("success", "challenged", "failed")

#: Below these counts no statistic is worth printing (and stratified 5-fold CV breaks).
MIN_CLOSED = 20
MIN_PER_CLASS = 5


class InsufficientOutcomes(ValueError):
    """Too few closed engagements, or only one outcome class, to analyse drivers."""


def closed_outcomes(engagements: pd.DataFrame, *, as_of: dt.date | None = None) -> pd.Series:
    """Outcome strings of the engagements closed by ``as_of``, indexed by engagement_id."""
    closed = engagements["outcome"].notna()
    if as_of is not None:
        # An engagement closed after as_of was still running on that date: its
        # outcome was not known yet.
        closed &= engagements["closed_date"] <= pd.Timestamp(as_of)
    kept = engagements.loc[closed, ["engagement_id", "outcome"]]
    return pd.Series(
        kept["outcome"].to_numpy(), index=pd.Index(kept["engagement_id"], name="engagement_id"),
        name="outcome",
    )


def binary_outcome(outcomes: pd.Series, *, outcome: str) -> pd.Series:
    """1 for an event (per ``outcome``), 0 otherwise; engagements with no outcome are left out.

    Raises
    ------
    ValueError
        If ``outcome`` is not a known definition, or an outcome value is not one
        of success, challenged, failed.
    """
    if outcome not in OUTCOME_KINDS:
        raise ValueError(
            f"outcome={outcome!r} is not supported; use one of {', '.join(OUTCOME_KINDS)}"
        )
    if outcomes.index.has_duplicates:
        dup = outcomes.index[outcomes.index.duplicated()][0]
        raise ValueError(f"outcomes: engagement_id {dup!r} appears more than once")
    known = outcomes.dropna().astype(str).str.strip().str.lower()
    bad = known[~known.isin(_VALID_OUTCOMES)]
    if len(bad):
        raise ValueError(
            f"outcomes: engagement_id {bad.index[0]!r} has outcome {bad.iloc[0]!r}; "
            f"expected one of {', '.join(_VALID_OUTCOMES)}"
        )
    return known.isin(OUTCOME_KINDS[outcome]).astype(int).rename(outcome)


def check_enough_outcomes(y: pd.Series, *, outcome: str) -> None:
    """Raise :class:`InsufficientOutcomes` unless both classes are there in useful numbers."""
    n, events = len(y), int(y.sum())
    event_word = outcome.replace("_", " ")
    if n < MIN_CLOSED:
        raise InsufficientOutcomes(
            f"only {n} closed engagements with an outcome; the drivers analysis needs at "
            f"least {MIN_CLOSED}"
        )
    if min(events, n - events) < MIN_PER_CLASS:
        raise InsufficientOutcomes(
            f"{events} of {n} closed engagements are '{event_word}' and {n - events} are not; "
            f"the drivers analysis needs at least {MIN_PER_CLASS} of each"
        )
