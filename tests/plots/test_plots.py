"""Figure builders draw the expected traces, and the numbers behind them are right.

Expected values are worked out by hand in each test from the tiny frames below.
"""

import numpy as np
import pandas as pd
import pytest

from engagement_analytics import plots

CATALOG = pd.DataFrame({
    "signal": ["risky_up", "risky_down"],
    "family": ["overselling", "overselling"],
    "direction": ["higher_is_riskier", "lower_is_riskier"],
})


def _engagements():
    return pd.DataFrame({
        "engagement_id": ["e1", "e2", "e3", "e4", "e5"],
        "outcome": ["failed", "failed", "success", "challenged", np.nan],
        "practice": ["a", "b", "a", "a", np.nan],
    })


def _signals():
    return pd.DataFrame(
        {"risky_up": [4.0, 2.0, 1.0, 1.0, 9.0], "risky_down": [0.0, 1.0, 1.0, np.nan, 5.0]},
        index=pd.Index(["e1", "e2", "e3", "e4", "e5"], name="engagement_id"),
    )


def test_outcome_groups_label_events_other_and_active():
    groups = plots.outcome_groups(_engagements(), outcome="failed")
    assert groups.to_dict() == {"e1": "failed", "e2": "failed", "e3": "other closed",
                                "e4": "other closed", "e5": "active"}
    wide = plots.outcome_groups(_engagements(), outcome="failed_or_challenged")
    assert wide["e4"] == "failed or challenged"


def test_distribution_numbers_and_figure_use_closed_engagements_only():
    groups = plots.outcome_groups(_engagements())
    numbers = plots.distribution_numbers(_signals(), groups, signal="risky_up")
    # failed: 4, 2 -> mean 3, median 3; other: 1, 1 -> mean 1; e5 (active, 9.0) left out
    assert numbers["group"].tolist() == ["failed", "other closed"]
    assert numbers["n"].tolist() == [2, 2]
    assert numbers["mean"].tolist() == [3.0, 1.0]
    assert numbers["q25"].tolist() == [2.5, 1.0]
    figure = plots.distribution_figure(_signals(), groups, signal="risky_up")
    assert [t.type for t in figure.data] == ["box", "box"]
    assert sorted(figure.data[0].y) == [2.0, 4.0]
    assert 9.0 not in figure.data[1].y


def test_comparison_numbers_sign_the_difference_in_the_risky_direction():
    groups = plots.outcome_groups(_engagements())
    numbers = plots.comparison_numbers(_signals(), groups, catalog=CATALOG).set_index("signal")
    # risky_up: failed 4,2 (var 2), other 1,1 (var 0): pooled sd = sqrt((2 + 0) / 2) = 1
    # d = (3 - 1) / 1 = 2, higher is riskier -> +2
    assert numbers.loc["risky_up", "risk_difference"] == 2.0
    # risky_down: other has one measured value (e4 is NaN) -> no pooled sd
    assert np.isnan(numbers.loc["risky_down", "risk_difference"])
    assert numbers.loc["risky_down", "n_other"] == 1
    figure = plots.comparison_figure(numbers.reset_index(), title="<b>x</b>")
    assert list(figure.data[0].y) == ["risky_up"]
    assert list(figure.data[0].x) == [2.0]
    assert figure.layout.title.text == "&lt;b&gt;x&lt;/b&gt;"
    assert list(figure.layout.xaxis.range) == [-0.11, 2.2]


def test_a_small_difference_does_not_fill_the_comparison_figure():
    comparison = pd.DataFrame({"signal": ["sponsor_named", "sponsor_decline_rate"],
                               "family": ["sponsor_absence"] * 2, "risk_difference": [0.08, 0.01]})
    figure = plots.comparison_figure(comparison, title="t")
    low, high = figure.layout.xaxis.range
    assert high >= 0.5 and low < 0  # 0.08 SD is a sixth of the axis, not all of it
    assert list(figure.data[0].y) == ["executive sponsor named", "invitations the sponsor declined"]
    assert list(figure.data[0].customdata) == ["sponsor_named", "sponsor_decline_rate"]


def test_contrasting_pair_picks_the_riskiest_failed_and_safest_other():
    groups = plots.outcome_groups(_engagements())
    # risky_up percentile ranks among closed e1..e4: 4 -> 1.0, 2 -> 0.75, 1,1 -> 0.375
    # risky_down ranks (lower is riskier, sign -1): 0 -> -1/3, 1,1 -> -5/6 ... e4 NaN
    # scores: e1 = (1 - 1/3)/2 = 0.333, e2 = (0.75 - 5/6)/2 < 0, e3 = (0.375 - 5/6)/2, e4 = 0.375
    # riskiest failed: e1; safest other closed: e3 (-0.229) vs e4 (0.375) -> e3
    assert plots.contrasting_pair(_signals(), groups, catalog=CATALOG,
                                  family="overselling") == ("e1", "e3")


def test_contrasting_pair_is_none_without_both_groups():
    groups = plots.outcome_groups(_engagements()).replace("failed", "other closed")
    assert plots.contrasting_pair(_signals(), groups, catalog=CATALOG, family="overselling") is None


def test_trajectory_numbers_and_figure():
    over_time = pd.DataFrame({
        "engagement_id": ["e1", "e1", "e3", "e3", "e3"],
        "week": [1.0, 2.0, 1.0, 2.0, 2.0],
        "signal": ["s", "s", "s", "s", "other"],
        "value": [0.12345, 0.5, 0.0, np.nan, 7.0],
    })
    numbers = plots.trajectory_numbers(over_time, signal="s", labels={"e1": "failing", "e3": "healthy"})
    assert numbers.columns.tolist() == ["failing", "healthy"]
    assert numbers["failing"].tolist() == [0.123, 0.5]
    assert numbers.loc[1.0, "healthy"] == 0.0 and np.isnan(numbers.loc[2.0, "healthy"])
    figure = plots.trajectory_figure(numbers, signal="sponsor_decline_rate")
    assert [t.name for t in figure.data] == ["failing", "healthy"]
    assert list(figure.data[1].y) == [0.0, None]
    # the signal by its plain label in the title, its unit on the axis (not a line's name)
    assert figure.layout.title.text == "Invitations the sponsor declined, week by week"
    assert figure.layout.yaxis.title.text == "share"
    assert plots.trajectory_figure(numbers, signal="mine").layout.yaxis.title.text == "mine"


def test_forest_numbers_keep_tested_signals_in_family_order():
    drivers_signals = pd.DataFrame({
        "signal": ["c", "a", "b", "untested"],
        "family": ["reactivity", "overselling", "overselling", "discovery"],
        "n": [100, 100, 100, 3],
        "odds_ratio": [1.5, 1.2, 2.0, np.nan],
        "ci_low": [1.1, 0.9, 1.4, np.nan],
        "ci_high": [2.0, 1.6, 2.9, np.nan],
        "q_value": [0.01, 0.3, 0.001, np.nan],
    })
    forest = plots.forest_numbers(drivers_signals)
    # overselling precedes reactivity in FAMILIES; within a family larger odds first
    assert forest["signal"].tolist() == ["b", "a", "c"]
    figure = plots.forest_figure(forest)
    assert [t.name for t in figure.data] == ["Overselling", "Reactivity"]
    assert list(figure.data[0].error_x.array) == [0.9, 0.4]  # 2.9 - 2.0, 1.6 - 1.2
    assert list(figure.data[0].error_x.arrayminus) == [0.6, 0.3]
    assert figure.layout.xaxis.type == "log"


def test_auc_numbers_and_figure_show_each_model_with_its_interval():
    model = {"cv_auc": 0.71234, "cv_auc_low": 0.65, "cv_auc_high": 0.78,
             "gb_cv_auc": 0.68, "gb_cv_auc_low": 0.6, "gb_cv_auc_high": 0.75}
    auc = plots.auc_numbers(model)
    assert auc["auc"].tolist() == [0.712, 0.68]
    figure = plots.auc_figure(auc)
    assert list(figure.data[0].x) == ["logistic regression", "gradient boosting"]
    assert list(figure.data[0].error_y.array) == [0.068, 0.07]


def test_auc_numbers_add_the_true_probability_ceiling_when_given():
    auc = plots.auc_numbers({"cv_auc": 0.7, "cv_auc_low": 0.6, "cv_auc_high": 0.8}, reference_auc=0.8954)
    assert auc["model"].tolist() == ["logistic regression", "true probabilities"]
    assert auc["auc"].tolist() == [0.7, 0.895]
    assert auc["low"].isna().tolist() == [False, True]


def test_calibration_figure_draws_diagonal_and_bins():
    calibration = pd.DataFrame({"bin": [0, 1], "mean_predicted": [0.1, 0.6],
                                "observed_rate": [0.05, 0.7], "n": [40, 10]})
    figure = plots.calibration_figure(calibration)
    assert list(figure.data[0].x) == [0, 1]
    assert list(figure.data[1].y) == [0.05, 0.7]
    assert list(figure.data[1].customdata) == [40, 10]


def test_coverage_numbers_count_filled_cells_of_contract_columns():
    engagements = pd.DataFrame({"engagement_id": ["e1", "e2", "e3", "e4"],
                                "closed_date": [pd.NaT, pd.Timestamp("2025-01-01"), pd.NaT, pd.NaT],
                                "not_in_contract": [1, 2, 3, 4]})
    coverage = plots.coverage_numbers({"engagements": engagements, "commitments": None})
    rows = coverage.set_index("column")
    assert rows.loc["closed_date", "filled_share"] == 0.25
    assert rows.loc["engagement_id", "filled_share"] == 1.0
    assert "not_in_contract" not in rows.index
    assert set(coverage["table"]) == {"engagements"}
    figure = plots.coverage_figure(coverage)
    assert list(figure.data[0].y) == ["engagements.engagement_id", "engagements.closed_date"]


def test_outcome_numbers_cross_tabulate_practice_and_status():
    numbers = plots.outcome_numbers(_engagements(), by="practice")
    assert numbers.loc["a"].to_dict() == {"active": 0, "success": 1, "challenged": 1, "failed": 1,
                                          "total": 3}
    assert numbers.loc["(none)", "active"] == 1
    figure = plots.outcome_figure(numbers)
    assert [t.name for t in figure.data] == ["active", "success", "challenged", "failed"]
    assert figure.layout.barmode == "stack"


def test_portfolio_numbers_flag_active_engagements_beyond_the_riskiest_third():
    groups = plots.outcome_groups(_engagements())
    active, norms = plots.portfolio_numbers(_signals(), groups, catalog=CATALOG)
    # risky_up over all 5 values 1,1,2,4,9: 2/3 quantile = 2 + (4-2)*(2.667-2) = 3.333
    cut = norms.set_index("signal")["risk_cut"]
    assert cut["risky_up"] == pytest.approx(3.333)
    # risky_down over 0,1,1,5: 1/3 quantile at position 1.0 -> 1.0
    assert cut["risky_down"] == 1.0
    # e5: risky_up 9 >= 3.333 flagged, risky_down 5 > 1.0 not flagged
    assert active.index.tolist() == ["e5"] and active.loc["e5", "flags"] == 1
    figure = plots.portfolio_figure(active)
    assert figure.data[0].type == "table"
    assert list(figure.data[0].cells.values[0]) == ["e5"]


def test_portfolio_numbers_flag_only_the_risky_value_of_binary_and_zero_inflated_signals():
    catalog = pd.DataFrame({
        "signal": ["named", "turnover", "half"],
        "family": ["sponsor_absence", "champion_engagement", "sponsor_absence"],
        "direction": ["lower_is_riskier", "higher_is_riskier", "lower_is_riskier"],
    })
    ids = ["c1", "c2", "c3", "c4", "c5", "c6", "a1", "a2", "a3"]
    engagements = pd.DataFrame({"engagement_id": ids,
                                "outcome": ["failed", "success"] * 3 + [np.nan] * 3})
    groups = plots.outcome_groups(engagements)
    signals = pd.DataFrame({
        # yes/no, mostly yes: sorted 0,0,1,1,1,1,1,1,1 -> 1/3 and 2/3 quantiles both 1
        "named": [1.0, 1, 1, 1, 1, 0, 1, 0, 1],
        # mostly zero: sorted 0 x7, .25, .5 -> 1/3 and 2/3 quantiles both 0
        "turnover": [0.0, 0, 0, 0, 0.5, 0, 0, 0, 0.25],
        # yes/no, about half: sorted 0 x4, 1 x5 -> 1/3 quantile 0, 2/3 quantile 1
        "half": [0.0, 0, 0, 1, 1, 1, 0, 1, 1],
    }, index=pd.Index(ids, name="engagement_id"))
    active, norms = plots.portfolio_numbers(signals, groups, catalog=catalog)
    assert norms.set_index("signal")["risk_cut"].to_dict() == {"named": 1.0, "turnover": 0.0,
                                                                "half": 0.0}
    # a1: sponsor named, no turnover, half 0 (risky side) -> 1 flag
    # a2: no sponsor (0 < 1) -> 1 flag; a3: some turnover (0.25 > 0) -> 1 flag
    assert active["flags"].to_dict() == {"a1": 1, "a2": 1, "a3": 1}


def test_portfolio_numbers_flag_nothing_when_every_engagement_has_the_same_value():
    catalog = pd.DataFrame({"signal": ["named"], "family": ["sponsor_absence"],
                            "direction": ["lower_is_riskier"]})
    engagements = pd.DataFrame({"engagement_id": ["c1", "c2", "a1"],
                                "outcome": ["failed", "success", np.nan]})
    groups = plots.outcome_groups(engagements)
    signals = pd.DataFrame({"named": [1.0, 1.0, 1.0]},
                           index=pd.Index(["c1", "c2", "a1"], name="engagement_id"))
    active, _ = plots.portfolio_numbers(signals, groups, catalog=catalog)
    assert active.loc["a1", "flags"] == 0


def test_hostile_text_is_escaped_in_every_label():
    hostile = "<img src=x onerror=alert(1)>"
    figure = plots.coverage_figure(pd.DataFrame({"table": [hostile], "column": ["c"], "rows": [1],
                                                 "filled_share": [1.0]}))
    assert figure.data[0].name == "&lt;img src=x onerror=alert(1)&gt;"
    assert "<img" not in figure.to_json()


def test_summary_states_the_computed_numbers():
    comparison = pd.DataFrame({
        "signal": ["sponsor_decline_rate", "b", "c"], "family": ["f", "f", "f"], "n_event": [5, 5, 5],
        "n_other": [9, 9, 9], "mean_event": [2.0, 1.0, 0.5], "mean_other": [1.0, 1.0, 0.7],
        "risk_difference": [0.9, 0.05, -0.3],
    })
    text = plots.comparison_summary(comparison, event="failed",
                                    unavailable={"sponsor_absence": "no table", "c": "no column"})
    assert "Of 3 signals" in text
    assert "riskier by at least 0.2 standard deviations on 1 and safer on 1" in text
    # signals by their plain labels, not their code names
    assert "on invitations the sponsor declined (+0.90 SD" in text
    assert "C could not be measured: no column." in text
    assert "sponsor_absence" not in text  # not a family of this comparison
    assert plots.lead_signal(comparison) == "sponsor_decline_rate"


def test_outcome_groups_leave_out_engagements_closed_before_their_window_ended():
    engagements = pd.DataFrame({
        "engagement_id": ["A", "B", "C", "D"],
        "outcome": ["failed", "failed", "success", None],
        "closed_date": pd.to_datetime(["2025-02-01", "2025-06-01", "2025-01-10", None]),
    })
    ends = pd.Series(pd.to_datetime(["2025-03-01", "2025-03-01", "2025-01-10", "2025-03-01"]),
                     index=["A", "B", "C", "D"])
    groups = plots.outcome_groups(engagements, window_ends=ends)
    # A closed on 02-01 before its window end (03-01); C closed on its window's last day.
    assert groups.to_dict() == {"B": "failed", "D": "active"}
    assert len(plots.outcome_groups(engagements)) == 4


def test_family_section_says_so_in_words_when_there_is_nothing_to_draw():
    from IPython.display import Markdown

    # Signals of a family measured in one group only: no lead signal, no pair to follow.
    table = pd.DataFrame(
        {"effort_estimate_to_sold_ratio": [1.2, 1.4, np.nan, np.nan],
         "sales_promises_per_100_sold_days": [np.nan] * 4,
         "deliverables_per_sold_day": [np.nan] * 4},
        index=pd.Index(["A", "B", "C", "D"], name="engagement_id"),
    )
    groups = pd.Series(["failed", "failed", "other closed", "other closed"], index=table.index)
    from engagement_analytics import signals

    section = plots.family_section(None, table, groups, catalog=signals.catalog(),
                                   family="overselling", event="failed")
    assert section.lead is None and section.distribution is None and section.trajectory.empty
    assert isinstance(section.distribution_figure(), Markdown)
    assert "measured in both groups" in section.distribution_figure().data
    assert "No failing and healthy pair" in section.trajectory_figure().data
    assert section.distribution_text() == "" and section.trajectory_text() == ""
    assert section.comparison_figure().layout.title.text.startswith("Overselling: failed vs other")
    assert "No signal here was measured in both groups" in section.summary


def test_auc_numbers_show_the_plain_comparison_when_there():
    model = {"cv_auc": 0.75, "cv_auc_low": 0.7, "cv_auc_high": 0.8,
             "plain_cv_auc": 0.7412, "plain_cv_auc_low": 0.69, "plain_cv_auc_high": 0.79}
    assert plots.auc_numbers(model)["model"].tolist() == ["logistic regression",
                                                          "plain (one signal per family)"]
    assert plots.auc_numbers(model)["auc"].tolist() == [0.75, 0.741]


def _families():
    return pd.DataFrame({
        "family": ["overselling", "sponsor_absence", "discovery"],
        "signal": ["a", "b", None],
        "odds_ratio": [2.0, 1.4, np.nan], "ci_low": [1.5, 1.1, np.nan], "ci_high": [2.6, 1.8, np.nan],
        "adjusted_odds_ratio": [2.1, 1.05, np.nan], "adjusted_ci_low": [1.6, 0.88, np.nan],
        "adjusted_ci_high": [2.8, 1.25, np.nan],
    })


def test_adjusted_numbers_put_both_views_side_by_side():
    frame = plots.adjusted_numbers(_families())
    assert frame["family"].tolist() == ["overselling"] * 2 + ["sponsor_absence"] * 2  # discovery untested
    assert frame["view"].tolist() == ["one at a time", "adjusted for the others"] * 2
    assert frame.loc[3, ["odds_ratio", "ci_low", "ci_high"]].tolist() == [1.05, 0.88, 1.25]
    figure = plots.adjusted_figure(frame)
    assert [t.name for t in figure.data] == ["one at a time", "adjusted for the others"]
    assert list(figure.data[1].y) == ["overselling", "sponsor_absence"]
    assert list(figure.data[1].error_x.arrayminus) == [0.5, 0.17]  # 2.1 - 1.6, 1.05 - 0.88
    assert figure.layout.xaxis.type == "log"


class _Lead:
    summary = pd.DataFrame({"fraction": [0.1, 0.2, 0.3], "n": [100, 100, 90], "events": [30, 30, 20],
                            "cv_auc": [0.55, 0.62, np.nan], "cv_auc_low": [0.45, 0.55, np.nan],
                            "cv_auc_high": [0.65, 0.69, np.nan], "note": ["", "", "too few"]})
    families = pd.DataFrame({
        "fraction": [0.1, 0.1, 0.2, 0.2],
        "family": ["sponsor_absence", "going_dark"] * 2,
        "signal": ["s", "g", "s", "g"],
        "odds_ratio": [1.5, 0.8, 1.6, 1.3],
        "q_value": [0.01, 0.0001, 0.001, 0.2],
    })


def test_lead_time_numbers_sign_the_evidence_by_direction():
    auc, evidence = plots.lead_time_numbers(_Lead())
    assert auc["cv_auc"].tolist()[:2] == [0.55, 0.62]
    assert list(evidence.index) == ["sponsor_absence", "going_dark"]
    assert list(evidence.columns) == [0.1, 0.2, 0.3]
    # -log10(0.01) = 2 for the risky direction; going dark at 10% went the other way
    assert evidence.loc["sponsor_absence"].tolist()[:2] == [2.0, 3.0]
    assert evidence.loc["going_dark"].tolist()[:2] == [-4.0, 0.699]
    assert np.isnan(evidence.loc["going_dark", 0.3])
    heat = plots.lead_time_figure(evidence)
    assert list(heat.data[0].x) == ["10%", "20%", "30%"]
    assert list(heat.data[0].text[1]) == ["<0.001", "0.2", ""]
    line = plots.lead_time_auc_figure(auc)
    assert list(line.data[0].x) == ["10%", "20%"]  # 30% had too few outcomes


def test_lead_time_summary_names_the_first_fraction_each_family_shows():
    _, evidence = plots.lead_time_numbers(_Lead())
    text = plots.lead_time_summary(evidence)
    # going dark at 10% went with success, at 20% q = 0.2: it never shows
    assert text == ("Going with failure at q < 0.05: sponsor absence from 10% of plan. "
                    "Not at any point: going dark.")
