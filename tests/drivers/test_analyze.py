"""analyze() on synthetic signal frames with a planted truth."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from engagement_analytics import drivers


@pytest.fixture(scope="module")
def result(planted, catalog):
    frame, outcomes = planted
    frame = frame.copy()
    frame.attrs["window"] = "the first half of each planned schedule"
    return drivers.analyze(frame, outcomes=outcomes, catalog=catalog, n_repeats=2)


def test_planted_signals_are_found_in_their_direction(result):
    table = result.signals.set_index("signal")
    for name in ("effort_estimate_to_sold_ratio", "sponsor_steering_attendance_rate"):
        assert table.loc[name, "q_value"] < 0.001
        # Both are oriented so that the risky direction goes with failure.
        assert table.loc[name, "odds_ratio"] > 1.5
        assert table.loc[name, "ci_low"] > 1
        assert table.loc[name, "riskiest_third_failure_rate"] > table.loc[name, "safest_third_failure_rate"]


def test_null_signals_are_not_significant(result):
    table = result.signals.set_index("signal")
    nulls = ["deliverables_per_sold_day", "sponsor_decline_rate", "client_longest_silence_days",
             "client_days_since_last_activity"]
    assert (table.loc[nulls, "q_value"] > 0.05).all()
    families = result.families.set_index("family")
    assert families.loc["going_dark", "q_value"] > 0.05
    assert families.loc["overselling", "signal"] == "effort_estimate_to_sold_ratio"
    assert families.loc["sponsor_absence", "signal"] == "sponsor_steering_attendance_rate"


def test_counts_follow_the_outcomes(planted, result):
    frame, outcomes = planted
    assert result.n == len(frame)
    assert result.events == int((outcomes == "failed").sum())
    table = result.signals.set_index("signal")
    assert table.loc["client_days_since_last_activity", "n"] == frame["client_days_since_last_activity"].notna().sum()


def test_failed_or_challenged_counts_challenged_as_events(planted, catalog):
    frame, outcomes = planted
    both = drivers.analyze(frame, outcomes=outcomes, outcome="failed_or_challenged",
                           catalog=catalog, n_repeats=1)
    assert both.events == int(outcomes.isin(["failed", "challenged"]).sum())
    assert any("failed or were challenged" in sentence for sentence in both.findings)


def test_joint_model_beats_chance_and_is_calibrated_in_bulk(result, planted):
    model = result.model
    assert 0.65 < model.cv_auc < 0.95
    assert model.cv_auc_low < model.cv_auc < model.cv_auc_high
    assert 0.5 < model.gb_cv_auc < 0.95
    outcomes = planted[1]
    assert model.base_rate == pytest.approx((outcomes == "failed").mean())
    assert model.brier < model.base_rate * (1 - model.base_rate)  # beats the base rate
    calibration = result.calibration
    assert calibration["n"].sum() == result.n
    assert list(calibration["bin"]) == [1, 2, 3, 4, 5]
    assert calibration["observed_rate"].iloc[-1] > calibration["observed_rate"].iloc[0] + 0.3
    assert (calibration["mean_predicted"] - calibration["observed_rate"]).abs().max() < 0.15
    top = result.importance.iloc[0]
    assert top["family"] in {"overselling", "sponsor_absence"}
    assert result.importance.set_index("family").loc["going_dark", "importance"] < 0.02


def test_findings_name_the_planted_signals_window_and_quiet_family(result):
    sentences = result.findings
    # two findings, each planted family adjusted for the others, then the caveat
    assert len(sentences) == 5
    assert sentences[0].startswith("Where ")
    assert any("effort estimate" in s for s in sentences)
    assert any("steering meetings the executive sponsor attended was at or below" in s
               for s in sentences[:2])
    assert "still goes with failure once the other patterns are accounted for" in sentences[2]
    assert {s.split(" still goes")[0] for s in sentences[2:4]} == {"Overselling", "An absent executive sponsor"}
    assert "not proof of what causes failure" in sentences[4]
    assert [s.kind for s in sentences] == ["finding", "finding", "adjusted", "adjusted", "caveat"]
    # The quiet family is a non-finding, listed apart.
    [quiet] = result.non_findings
    assert quiet.startswith("No evidence that the client going dark goes with failure")
    assert (quiet.kind, quiet.family, quiet.is_finding) == ("no_evidence", "going_dark", False)
    assert result.to_dict()["findings"] == list(sentences)
    assert result.to_dict()["non_findings"] == [quiet]
    # The window is stated once, by the result, not in every sentence.
    assert "the first half of each planned schedule" in result.window
    assert not any("window" in s for s in [*sentences, quiet])


def test_same_input_and_seed_give_identical_results(planted, catalog):
    frame, outcomes = planted
    first = drivers.analyze(frame, outcomes=outcomes, catalog=catalog, n_repeats=1, random_state=5)
    second = drivers.analyze(frame, outcomes=outcomes, catalog=catalog, n_repeats=1, random_state=5)
    pd.testing.assert_frame_equal(first.signals, second.signals)
    pd.testing.assert_frame_equal(first.families, second.families)
    pd.testing.assert_frame_equal(first.calibration, second.calibration)
    pd.testing.assert_frame_equal(first.importance, second.importance)
    assert first.model == second.model
    assert first.findings == second.findings
    assert json.dumps(first.to_dict()) == json.dumps(second.to_dict())


def test_to_dict_has_the_cli_schema_and_no_nan(planted, catalog):
    frame, outcomes = planted
    frame = frame.assign(client_days_since_last_activity=1.0)  # constant: NaN statistics
    as_dict = drivers.analyze(frame, outcomes=outcomes, catalog=catalog, n_repeats=1).to_dict()
    text = json.dumps(as_dict, allow_nan=False)  # raises on NaN
    assert {"outcome", "window", "n", "events", "signals", "families", "model", "findings"} <= set(as_dict)
    assert set(as_dict["signals"][0]) == {"signal", "family", "n", "odds_ratio", "ci_low", "ci_high",
                                          "p_value", "q_value"}
    assert set(as_dict["families"][0]) == {"family", "signal", "odds_ratio", "q_value", "adjusted_odds_ratio",
                                           "adjusted_ci_low", "adjusted_ci_high"}
    assert set(as_dict["model"]) == {"cv_auc", "cv_auc_low", "cv_auc_high", "brier", "base_rate"}
    constant = next(s for s in as_dict["signals"] if s["signal"] == "client_days_since_last_activity")
    assert constant["odds_ratio"] is None and constant["q_value"] is None
    assert '"window": "as supplied (window not stated)"' in text


def test_active_engagements_are_left_out_and_counted(planted, catalog):
    frame, outcomes = planted
    outcomes = outcomes.copy()
    outcomes.iloc[:30] = np.nan
    result = drivers.analyze(frame, outcomes=outcomes, catalog=catalog, n_repeats=1)
    assert result.n == len(frame) - 30
    assert "30 engagements without an outcome (still active) are left out" in result.warnings


def test_few_events_per_signal_are_flagged(make_planted, catalog):
    frame, outcomes = make_planted(n=60, seed=11)
    result = drivers.analyze(frame, outcomes=outcomes, catalog=catalog, n_repeats=1)
    events = min(result.events, result.n - result.events)
    assert events / 6 < 10
    assert any(w.startswith(f"too few failures ({events}) for 6 signals") for w in result.warnings)


def test_too_few_closed_engagements_raise(planted, catalog):
    frame, outcomes = planted
    with pytest.raises(drivers.InsufficientOutcomes, match="only 19 closed engagements"):
        drivers.analyze(frame, outcomes=outcomes.iloc[:19], catalog=catalog)


def test_one_outcome_class_raises(planted, catalog):
    frame, _ = planted
    everyone_succeeded = pd.Series("success", index=frame.index)
    with pytest.raises(drivers.InsufficientOutcomes, match="0 of 400 closed engagements are 'failed'"):
        drivers.analyze(frame, outcomes=everyone_succeeded, catalog=catalog)


def test_bad_arguments_raise_clear_errors(planted, catalog):
    frame, outcomes = planted
    with pytest.raises(ValueError, match="outcome='lost' is not supported"):
        drivers.analyze(frame, outcomes=outcomes, outcome="lost", catalog=catalog)
    with pytest.raises(ValueError, match="pass outcomes="):
        drivers.analyze(frame, catalog=catalog)
    bad = outcomes.copy()
    bad.iloc[3] = "abandoned"
    with pytest.raises(ValueError, match="'E0003' has outcome 'abandoned'"):
        drivers.analyze(frame, outcomes=bad, catalog=catalog)
    with pytest.raises(ValueError, match="not in the catalog: mystery"):
        drivers.analyze(frame.assign(mystery=1.0), outcomes=outcomes, catalog=catalog)


def test_a_separating_signal_is_named_without_an_odds_ratio(planted, catalog):
    frame, outcomes = planted
    failed = (outcomes == "failed").astype(float)
    leaky = frame.assign(client_days_since_last_activity=failed * 5 + np.linspace(0, 1, len(frame)))
    result = drivers.analyze(leaky, outcomes=outcomes, catalog=catalog, n_repeats=1)
    row = result.signals.set_index("signal").loc["client_days_since_last_activity"]
    assert row["status"] == "separation" and np.isnan(row["odds_ratio"])
    sentence = next(s for s in result.findings if "separates the outcome at one end" in s)
    assert sentence.startswith("The days since the client was last active separates")
    assert "check that it is not recorded after the outcome" in sentence
    assert sentence.kind == "separation" and sentence.is_finding
    assert not any(s.startswith("No evidence that the client going dark")
                   for s in [*result.findings, *result.non_findings])


def test_no_varying_signal_is_a_clear_refusal_not_a_crash(planted, catalog):
    frame, outcomes = planted
    # Every signal constant or never measured: no model can be fitted.
    frame = frame.assign(**{name: 1.0 for name in frame.columns})
    frame.iloc[:, 0] = float("nan")
    with pytest.raises(drivers.InsufficientOutcomes, match="no signal varies"):
        drivers.analyze(frame, outcomes=outcomes, catalog=catalog, n_repeats=1)
