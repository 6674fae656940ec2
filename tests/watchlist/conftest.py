"""Generated portfolios with a planted truth, and a bundle cut at a date by hand.

The generator draws every engagement's eventual outcome, active ones included
(``truth.eventual_outcome``): the latent outcome the watchlist is judged on.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from engagement_analytics import load_bundle, watchlist
from engagement_analytics.sample import generate

#: A date well inside the generated history (exports end 2026-06-30).
CUT = "2025-12-15"


@pytest.fixture(scope="session")
def planted():
    """900 engagements (about 200 active) and their truth; planted: overselling, sponsor
    absence, commitment reciprocity, champion engagement."""
    sample = generate(n_engagements=900, seed=1)
    return sample, load_bundle(sample.tables, pseudonym_key="test")


@pytest.fixture(scope="session")
def planted_result(planted):
    return watchlist.watchlist(planted[1], n_bootstrap=50, backtest=True, backtest_dates=4)


@pytest.fixture(scope="session")
def small():
    sample = generate(n_engagements=300, seed=2)
    return sample, load_bundle(sample.tables, pseudonym_key="test")


def _utc_day(values: pd.Series) -> pd.Series:
    return values.dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()


def truncate(bundle, day: str):
    """The bundle as an export taken on ``day`` would hold it, written independently of the package.

    Rows dated after the day are removed (engagements started, meetings held, messages sent,
    commitments made, people named after it), later completions and departures are blanked,
    and engagements closed after the day are active again (no closed date, no outcome).
    """
    cut = pd.Timestamp(day)
    engagements = bundle.engagements[bundle.engagements["start_date"] <= cut].copy()
    reopened = engagements["closed_date"] > cut
    engagements.loc[reopened, "closed_date"] = pd.NaT
    engagements.loc[reopened, "outcome"] = np.nan
    kept = engagements["engagement_id"]
    meetings = bundle.meetings[(_utc_day(bundle.meetings["start"]) <= cut)
                               & bundle.meetings["engagement_id"].isin(kept)]
    attendance = bundle.attendance[bundle.attendance["meeting_id"].isin(meetings["meeting_id"])]
    people = bundle.stakeholders[bundle.stakeholders["engagement_id"].isin(kept)
                                 & ~(bundle.stakeholders["joined_on"] > cut)].copy()
    people.loc[people["left_on"] > cut, "left_on"] = pd.NaT
    commitments = bundle.commitments[(bundle.commitments["made_on"] <= cut)
                                     & bundle.commitments["engagement_id"].isin(kept)].copy()
    commitments.loc[commitments["done_on"] > cut, "done_on"] = pd.NaT
    messages = bundle.communications[(_utc_day(bundle.communications["sent_at"]) <= cut)
                                     & bundle.communications["engagement_id"].isin(kept)]
    return dataclasses.replace(bundle, engagements=engagements, meetings=meetings,
                               attendance=attendance, stakeholders=people,
                               commitments=commitments, communications=messages)
