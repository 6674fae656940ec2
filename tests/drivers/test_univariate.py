"""Per-signal statistics: q-values, tertiles, separation, constant and sparse signals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engagement_analytics.drivers._univariate import benjamini_hochberg, signal_table, tertile_split


def test_bh_q_values_match_hand_computation():
    # m = 4 tested (NaN is not a test). Sorted p: 0.001, 0.02, 0.021, 0.5.
    # p*m/rank: 0.004, 0.04, 0.028, 0.5; step-up minimum from the top: 0.004, 0.028, 0.028, 0.5.
    q = benjamini_hochberg([0.5, 0.02, np.nan, 0.001, 0.021])
    np.testing.assert_allclose(q, [0.5, 0.028, np.nan, 0.004, 0.028])


def test_bh_caps_at_one_and_handles_no_tests():
    # Sorted p 0.6, 0.9 -> 0.6*2/1 = 1.2 and 0.9*2/2 = 0.9; step-up: min(1.2, 0.9) = 0.9, 0.9.
    np.testing.assert_allclose(benjamini_hochberg([0.9, 0.6]), [0.9, 0.9])
    np.testing.assert_allclose(benjamini_hochberg([0.7]), [0.7])
    assert np.isnan(benjamini_hochberg([np.nan, np.nan])).all()


def test_tertile_split_of_a_binary_signal_uses_the_two_groups():
    # Oriented values: 0 for the risky case (7 engagements), -1 for the safe one (3).
    risk = pd.Series([0.0] * 7 + [-1.0] * 3)
    riskiest, safest, comparison, cut = tertile_split(risk)
    assert riskiest.sum() == 7 and safest.sum() == 3
    assert not (riskiest & safest).any()
    assert (comparison, cut) == (">=", 0.0)


def test_tertile_split_of_distinct_values_takes_thirds():
    risk = pd.Series(np.arange(9.0))  # quantiles 1/3 and 2/3: 2.67 and 5.33
    riskiest, safest, _, _ = tertile_split(risk)
    assert list(risk[riskiest]) == [6.0, 7.0, 8.0]
    assert list(risk[safest]) == [0.0, 1.0, 2.0]


def _catalog(names, direction="higher_is_riskier"):
    return pd.DataFrame({"family": "f", "direction": direction}, index=pd.Index(names))


def test_tertile_failure_rates_and_direction_by_hand():
    # 30 engagements; lower is riskier. Values 0..29: riskiest third = 0..9, safest = 20..29.
    values = pd.Series(np.arange(30.0))
    y = pd.Series([1] * 6 + [0] * 4 + [1, 0] * 5 + [1] * 2 + [0] * 8)
    table = signal_table(values.to_frame("x"), y, _catalog(["x"], "lower_is_riskier"))
    row = table.iloc[0]
    assert row["riskiest_third_failure_rate"] == pytest.approx(6 / 10)
    assert row["safest_third_failure_rate"] == pytest.approx(2 / 10)
    assert row["riskiest_third_rule"] == "<= 9.66667"
    assert row["status"] == "ok"
    assert row["odds_ratio"] > 1  # lower values go with failure, the risky direction


def test_separation_constant_and_sparse_signals_get_a_status_not_numbers():
    rng = np.random.default_rng(3)
    y = pd.Series([1] * 30 + [0] * 70)
    frame = pd.DataFrame({
        "separated": y * 10 + rng.random(100),          # every failure above every success
        "constant": np.ones(100),
        "sparse": np.where(np.arange(100) < 15, rng.random(100), np.nan),  # 15 measured
        "empty": np.full(100, np.nan),
        "few_events": np.where(np.arange(100) >= 27, rng.random(100), np.nan),  # 3 failures
        "noise": rng.random(100),
    })
    table = signal_table(frame, y, _catalog(list(frame.columns))).set_index("signal")
    assert table["status"].to_dict() == {
        "separated": "separation", "constant": "constant", "sparse": "too_few", "empty": "too_few",
        "few_events": "too_few", "noise": "ok",
    }
    not_fitted = table.drop(index="noise")
    assert not_fitted[["odds_ratio", "ci_low", "ci_high", "p_value", "q_value"]].isna().all().all()
    assert table.loc["sparse", "n"] == 15
    assert table.loc["few_events", "events"] == 3
    # Only the one fitted signal is counted by BH, so its q equals its p.
    assert table.loc["noise", "q_value"] == pytest.approx(table.loc["noise", "p_value"])


def test_quasi_separation_of_a_binary_signal_is_caught():
    # Every engagement with the risky value (1) failed: the MLE odds ratio is infinite.
    x = pd.Series([1.0] * 10 + [0.0] * 50)
    y = pd.Series([1] * 10 + [1] * 10 + [0] * 40)
    table = signal_table(x.to_frame("flag"), y, _catalog(["flag"]))
    assert table.loc[0, "status"] == "separation"
    assert table.loc[0, "riskiest_third_failure_rate"] == 1.0
    assert table.loc[0, "safest_third_failure_rate"] == pytest.approx(10 / 50)


def test_a_fit_that_stops_before_converging_reports_no_numbers(monkeypatch):
    import engagement_analytics.drivers._univariate as univariate

    class OneStepLogit(univariate.sm.Logit):
        def fit(self, *args, **kwargs):
            kwargs["maxiter"] = 1  # Newton needs several steps on this data
            return super().fit(*args, **kwargs)

    monkeypatch.setattr(univariate.sm, "Logit", OneStepLogit)
    rng = np.random.default_rng(5)
    x = pd.Series(rng.normal(size=200))
    y = pd.Series((rng.random(200) < 1 / (1 + np.exp(-2 * x))).astype(int))
    row = signal_table(x.to_frame("x"), y, _catalog(["x"])).iloc[0]
    assert row["status"] == "not_converged"
    assert np.isnan([row["odds_ratio"], row["ci_low"], row["ci_high"], row["p_value"], row["q_value"]]).all()
