"""Too few closed engagements at some point of the schedule, or none at all: a message, not a crash."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd

from engagement_analytics import watchlist


def _closed_early_in_a_longer_plan(bundle, fraction: float):
    """Every closed engagement's plan stretched so that it closed at ``fraction`` of it."""
    engagements = bundle.engagements.copy()
    closed = engagements["closed_date"].notna()
    lived = engagements.loc[closed, "closed_date"] - engagements.loc[closed, "start_date"]
    engagements.loc[closed, "planned_end_date"] = (
        engagements.loc[closed, "start_date"] + (lived / fraction).dt.ceil("D")
    )
    return dataclasses.replace(bundle, engagements=engagements)


def test_no_closed_engagement_past_a_point_of_the_plan_says_so(small):
    _, bundle = small
    # Closed engagements all closed at 35% of plan: none reached 40% or more.
    result = watchlist.watchlist(_closed_early_in_a_longer_plan(bundle, 0.35), n_bootstrap=10)
    rows = result.engagements
    late = rows[rows["fraction_elapsed"] >= 0.4]
    assert len(late) > 5
    assert late["risk"].isna().all() and late["reasons"].map(len).eq(0).all()
    assert late["note"].str.startswith("not ranked: only 0 closed engagements had reached").all()
    early = rows[(rows["fraction_elapsed"] >= 0.1) & (rows["fraction_elapsed"] < 0.3)]
    assert early["risk"].notna().all()
    assert (rows.loc[rows["risk"].isna(), "rank"] > rows["risk"].notna().sum()).all()
    marks = result.landmarks.set_index("landmark")
    assert (marks.loc[0.4:, "status"] == "too few closed engagements").all()
    assert any("40% of plan: 0 closed engagements" in w and "not ranked" in w for w in result.warnings)
    json.dumps(result.to_dict(), allow_nan=False)


def test_no_closed_engagement_at_all_scores_nobody_and_says_why(small):
    _, bundle = small
    engagements = bundle.engagements.assign(closed_date=pd.NaT, outcome=np.nan)
    result = watchlist.watchlist(dataclasses.replace(bundle, engagements=engagements),
                                 backtest=True)
    rows = result.engagements
    assert len(rows) == len(engagements)
    assert rows["risk"].isna().all()
    assert rows["note"].map(lambda note: note.startswith(("not ranked", "too early"))).all()
    assert np.isnan(result.base_rate)
    assert len(result.backtest.table) == 0
    assert "No backtest" in result.backtest.summary()
    json.dumps(result.to_dict(), allow_nan=False)


def test_too_few_of_one_outcome_gives_the_base_rate_not_a_ranking(small):
    _, bundle = small
    # Only 3 failures: enough closed engagements, too few events for a model.
    engagements = bundle.engagements.copy()
    failed = engagements.index[engagements["outcome"].eq("failed").to_numpy()]
    engagements.loc[failed[3:], "outcome"] = "success"
    result = watchlist.watchlist(dataclasses.replace(bundle, engagements=engagements), n_bootstrap=10)
    scored = result.engagements[result.engagements["fraction_elapsed"] >= 0.1]
    assert (scored["status"] == "base rate only").all()
    assert (scored["risk"] == scored["base_rate"]).all()
    assert (scored["risk_low"] <= scored["risk"]).all() and (scored["risk"] <= scored["risk_high"]).all()
    assert scored["note"].str.contains("too few of one kind for a model").all()
