"""The two rules the backtest compares the watchlist with, each run as of a date.

- **Flag count** (the portfolio page before the watchlist): how many signals
  of an active engagement sit in the riskiest third of the portfolio,
  measured from each engagement's start up to the date
  (:func:`engagement_analytics.plots.portfolio_numbers`), whether or not
  the signal predicts anything.
- **Sponsor rule**: no executive sponsor at the last two steering meetings
  held (1), else 0; an engagement with no steering meeting held yet is 0.
  A sponsor is present when they attended (or accepted, where attendance is
  not recorded), as in the signals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import plots, signals
from ._timeline import day_numbers

__all__ = ["SteeringHistory", "flag_count"]


def flag_count(portfolio: pd.DataFrame, engagements: pd.DataFrame, day_closed: np.ndarray,
               day: float, *, outcome: str) -> pd.Series:
    """Flags of the engagements active on ``day`` (index engagement_id).

    Parameters
    ----------
    portfolio : DataFrame
        Signals of every engagement started by ``day``, up to ``day``.
    engagements : DataFrame
        The bundle's engagements table.
    day_closed : ndarray
        Closed day number of each engagement (NaN while active).
    """
    # The engagements table as it stood on the day: outcomes after it were not known yet.
    then = engagements.assign(outcome=engagements["outcome"].where(day_closed <= day))
    groups = plots.outcome_groups(then, outcome=outcome)
    active, _ = plots.portfolio_numbers(portfolio, groups, catalog=signals.catalog())
    return active["flags"]


class SteeringHistory:
    """Held steering meetings of every engagement and whether a sponsor was there."""

    def __init__(self, bundle: object) -> None:
        meetings = bundle.meetings
        steering = meetings.loc[
            meetings["kind"].eq("steering").to_numpy(dtype=bool)
            & ~meetings["status"].eq("cancelled").to_numpy(dtype=bool),
            ["meeting_id", "engagement_id", "start"],
        ]
        people = bundle.stakeholders
        sponsors = people.loc[
            people["side"].eq("client").to_numpy(dtype=bool)
            & people["role"].eq("executive_sponsor").to_numpy(dtype=bool),
            ["engagement_id", "person_id", "joined_on"],
        ]
        invited = bundle.attendance.loc[
            bundle.attendance["meeting_id"].isin(steering["meeting_id"]).to_numpy(dtype=bool)
        ]
        flag = invited["attended"]
        present = flag.fillna(False).to_numpy(dtype=bool) | (
            flag.isna().to_numpy(dtype=bool) & invited["response"].eq("accepted").to_numpy(dtype=bool)
        )
        there = invited.loc[present, ["meeting_id", "person_id"]].merge(
            steering[["meeting_id", "engagement_id"]], on="meeting_id"
        ).merge(sponsors, on=["engagement_id", "person_id"])
        # A sponsor counts from the day they were named: keep the earliest such day per meeting.
        joined = day_numbers(there["joined_on"])
        named_from = pd.Series(np.where(np.isnan(joined), -np.inf, joined)).groupby(
            there["meeting_id"].to_numpy()
        ).min()
        self.meetings = pd.DataFrame({
            "engagement_id": steering["engagement_id"].to_numpy(),
            "day": day_numbers(steering["start"]),
            "sponsor_from": named_from.reindex(steering["meeting_id"].to_numpy()).to_numpy(),
        }).sort_values(["engagement_id", "day"], kind="stable")

    def sponsor_rule(self, ids: pd.Index, day: float) -> pd.Series:
        """1 where no sponsor was at the last two steering meetings held by ``day``, else 0."""
        held = self.meetings[(self.meetings["day"] <= day)
                             & self.meetings["engagement_id"].isin(ids)]
        last_two = held.groupby("engagement_id", sort=False).tail(2)
        # NaN sponsor_from (no sponsor attended) compares False: absent.
        present = last_two["sponsor_from"].to_numpy() <= day
        any_present = pd.Series(present).groupby(last_two["engagement_id"].to_numpy()).any()
        fired = (~any_present).astype(int)
        return fired.reindex(ids, fill_value=0).rename("sponsor_rule")
