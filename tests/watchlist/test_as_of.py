"""As-of means as-of: the watchlist on a date equals the watchlist on the bundle cut at that date."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from engagement_analytics import watchlist

from .conftest import CUT, truncate


@pytest.mark.parametrize(("options"), [
    {"backtest": True, "backtest_dates": 2},
    {"max_training": 80},
], ids=["with the backtest", "capped training"])
def test_as_of_equals_the_bundle_truncated_at_that_date(small, options):
    _, bundle = small
    on_date = watchlist.watchlist(bundle, as_of=CUT, n_bootstrap=20, **options)
    cut = watchlist.watchlist(truncate(bundle, CUT), as_of=CUT, n_bootstrap=20, **options)
    assert on_date.as_of == dt.date.fromisoformat(CUT)
    assert len(on_date.engagements) > 20 and on_date.engagements["risk"].notna().sum() > 20
    pd.testing.assert_frame_equal(on_date.engagements, cut.engagements)
    pd.testing.assert_frame_equal(on_date.landmarks, cut.landmarks)
    if on_date.backtest is not None:
        assert len(on_date.backtest.table) == 2
        pd.testing.assert_frame_equal(on_date.backtest.scores, cut.backtest.scores)
    assert on_date.to_dict() == cut.to_dict()
    # The date matters: engagements that closed after it are on the list, as active then.
    closed_later = bundle.engagements.loc[bundle.engagements["closed_date"] > CUT, "engagement_id"]
    assert on_date.engagements["engagement_id"].isin(closed_later).sum() > 10


def test_the_trend_is_the_watchlist_as_of_four_weeks_earlier(small):
    _, bundle = small
    now = watchlist.watchlist(bundle, as_of=CUT, n_bootstrap=0).engagements.set_index("engagement_id")
    earlier_day = pd.Timestamp(CUT) - pd.Timedelta(weeks=4)
    earlier = watchlist.watchlist(bundle, as_of=earlier_day, n_bootstrap=0).engagements
    earlier = earlier.set_index("engagement_id")["risk"]
    expected = earlier.reindex(now.index)
    pd.testing.assert_series_equal(now["risk_4_weeks_ago"], expected, check_names=False)
    assert now["risk_4_weeks_ago"].notna().sum() > 10
    moved = now[now["trend"].isin(["up", "down"])]
    assert len(moved) and moved["change"].map(lambda text: isinstance(text, str)).all()


def test_each_backtest_date_scores_as_the_watchlist_on_that_date(planted, planted_result):
    _, bundle = planted
    scores = planted_result.backtest.scores
    date = scores["as_of"].iloc[0]
    on_date = scores[scores["as_of"] == date].set_index("engagement_id")["risk"]
    direct = watchlist.watchlist(bundle, as_of=date, n_bootstrap=0).engagements
    direct = direct.set_index("engagement_id")["risk"].reindex(on_date.index)
    pd.testing.assert_series_equal(on_date, direct, check_names=False)
