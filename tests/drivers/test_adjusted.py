"""The adjusted view: each family's strongest signal in one logistic regression with the others'.

Synthetic signal frames with a known structure: overselling (effort ratio) and
going dark (silence days) drive failure; the sponsor's steering attendance has no
effect of its own but falls with overselling (a shadow). Expected odds ratios
are refitted here with statsmodels on a design built by hand.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from engagement_analytics import drivers

N = 600


def _shadowed(seed: int = 3) -> tuple[pd.DataFrame, pd.Series, np.ndarray]:
    rng = np.random.default_rng(seed)
    index = pd.Index([f"E{i:04d}" for i in range(N)], name="engagement_id")
    oversold, silence = rng.standard_normal(N), rng.standard_normal(N)
    # lower attendance is riskier: the shadow falls as overselling rises
    attendance = -(0.8 * oversold + 0.6 * rng.standard_normal(N))
    frame = pd.DataFrame({
        "effort_estimate_to_sold_ratio": 1.1 + 0.2 * oversold,
        "deliverables_per_sold_day": rng.gamma(2.0, 0.05, N),
        "sponsor_steering_attendance_rate": 0.6 + 0.15 * attendance,
        "sponsor_decline_rate": rng.beta(1, 6, N),
        "client_longest_silence_days": 8 + 3 * silence,
        "client_days_since_last_activity": np.round(rng.exponential(2.0, N)),
    }, index=index)
    failed = rng.random(N) < 1 / (1 + np.exp(-(-1.0 + 1.0 * oversold + 0.8 * silence)))
    outcomes = pd.Series(np.where(failed, "failed", "success"), index=index)
    return frame, outcomes, failed.astype(int)


def _z(values: pd.Series) -> pd.Series:
    return (values - values.mean()) / values.std(ddof=1)


@pytest.fixture(scope="module")
def shadowed():
    return _shadowed()


@pytest.fixture(scope="module")
def result(shadowed, catalog):
    frame, outcomes, _ = shadowed
    return drivers.analyze(frame, outcomes=outcomes, catalog=catalog, n_repeats=1)


def test_adjusted_odds_ratios_are_one_joint_logistic_regression(shadowed, result):
    frame, _, y = shadowed
    families = result.families.set_index("family")
    assert list(families["signal"]) == ["effort_estimate_to_sold_ratio", "sponsor_steering_attendance_rate",
                                        "client_longest_silence_days"]
    design = pd.DataFrame({  # oriented so that higher is riskier, per SD
        "overselling": _z(frame["effort_estimate_to_sold_ratio"]),
        "sponsor_absence": _z(-frame["sponsor_steering_attendance_rate"]),
        "going_dark": _z(frame["client_longest_silence_days"]),
    })
    fit = sm.Logit(y, sm.add_constant(design)).fit(disp=0)
    ci = np.exp(fit.conf_int())
    for family in design.columns:
        assert families.at[family, "adjusted_odds_ratio"] == pytest.approx(np.exp(fit.params[family]), rel=1e-6)
        assert families.at[family, "adjusted_ci_low"] == pytest.approx(ci.at[family, 0], rel=1e-6)
        assert families.at[family, "adjusted_ci_high"] == pytest.approx(ci.at[family, 1], rel=1e-6)


def test_the_shadow_is_told_from_the_causes(result):
    families = result.families.set_index("family")
    # One at a time the sponsor's attendance "goes with failure"; adjusted it does not.
    assert families.at["sponsor_absence", "q_value"] < 0.001
    assert families.at["sponsor_absence", "adjusted_ci_low"] < 1 < families.at["sponsor_absence", "adjusted_ci_high"]
    assert families.at["sponsor_absence", "shadow_of"] == "overselling"
    for cause in ("overselling", "going_dark"):
        assert families.at[cause, "adjusted_ci_low"] > 1
        assert families.at[cause, "shadow_of"] is None
    sentences = result.findings
    shadow = next(s for s in sentences if s.startswith("An absent executive sponsor goes with failure"))
    assert "but not once the other patterns are accounted for (adjusted odds ratio" in shadow
    assert shadow.endswith("it looks like a shadow of overselling, not a separate cause.")
    assert "Overselling still goes with failure once the other patterns are accounted for" in " ".join(sentences)
    # the caveat is said once, after the adjusted sentences
    caveats = [s for s in sentences if "not proof" in s]
    assert len(caveats) == 1
    assert sentences.index(caveats[0]) > sentences.index(shadow)


def test_json_families_carry_the_adjusted_view(result):
    families = json.loads(json.dumps(result.to_dict(), allow_nan=False))["families"]
    assert set(families[0]) == {"family", "signal", "odds_ratio", "q_value", "adjusted_odds_ratio",
                                "adjusted_ci_low", "adjusted_ci_high"}
    assert all(isinstance(f["adjusted_odds_ratio"], float) for f in families)


def test_missing_values_get_an_indicator_or_leave_the_fit(shadowed, catalog):
    frame, outcomes, y = shadowed
    frame = frame.copy()
    gaps = np.random.default_rng(9).random(N) < 0.2  # both outcomes among them
    frame.loc[gaps, "sponsor_steering_attendance_rate"] = np.nan
    result = drivers.analyze(frame, outcomes=outcomes, catalog=catalog, n_repeats=1)
    attendance = -frame["sponsor_steering_attendance_rate"]
    measured = attendance.notna()
    design = pd.DataFrame({
        "overselling": _z(frame["effort_estimate_to_sold_ratio"]),
        "sponsor_absence": ((attendance - attendance[measured].mean())
                            / attendance[measured].std(ddof=1)).fillna(0.0),
        "going_dark": _z(frame["client_longest_silence_days"]),
        "sponsor_absence not measured": (~measured).astype(float),
    })
    fit = sm.Logit(y, sm.add_constant(design)).fit(disp=0)
    adjusted = result.families.set_index("family")["adjusted_odds_ratio"]
    assert adjusted["sponsor_absence"] == pytest.approx(np.exp(fit.params["sponsor_absence"]), rel=1e-6)

    # Three engagements without a value, all failed: no term can be estimated for them,
    # so they leave the adjusted fit (and a warning says so).
    few = frame.assign(sponsor_steering_attendance_rate=frame["sponsor_steering_attendance_rate"].fillna(0.6))
    failed_ids = outcomes.index[outcomes == "failed"][:3]
    few.loc[failed_ids, "sponsor_steering_attendance_rate"] = np.nan
    result = drivers.analyze(few, outcomes=outcomes, catalog=catalog, n_repeats=1)
    assert any("leave out 3 engagements" in w for w in result.warnings)
    kept = ~few.index.isin(failed_ids)
    design = pd.DataFrame({
        "overselling": _z(few["effort_estimate_to_sold_ratio"])[kept],
        "sponsor_absence": _z(-few["sponsor_steering_attendance_rate"].dropna()),
        "going_dark": _z(few["client_longest_silence_days"])[kept],
    })
    fit = sm.Logit(y[kept], sm.add_constant(design)).fit(disp=0)
    adjusted = result.families.set_index("family")["adjusted_odds_ratio"]
    assert adjusted["going_dark"] == pytest.approx(np.exp(fit.params["going_dark"]), rel=1e-6)


def test_a_joint_separation_leaves_nulls_and_a_reason(catalog):
    rng = np.random.default_rng(4)
    index = pd.Index([f"E{i:04d}" for i in range(300)], name="engagement_id")
    a, c = rng.standard_normal(300), rng.standard_normal(300)
    frame = pd.DataFrame({
        "effort_estimate_to_sold_ratio": a, "deliverables_per_sold_day": rng.random(300),
        "sponsor_steering_attendance_rate": rng.random(300), "sponsor_decline_rate": rng.random(300),
        "client_longest_silence_days": c, "client_days_since_last_activity": rng.random(300),
    }, index=index)
    # failed exactly when a + c > 0: no signal separates alone, the two together do
    outcomes = pd.Series(np.where(a + c > 0, "failed", "success"), index=index)
    result = drivers.analyze(frame, outcomes=outcomes, catalog=catalog, n_repeats=1)
    assert result.families["adjusted_odds_ratio"].isna().all()
    assert "adjusted odds ratios not computed: the signals together separate the outcome perfectly" in result.warnings
    families = json.loads(json.dumps(result.to_dict(), allow_nan=False))["families"]
    assert all(f["adjusted_odds_ratio"] is None and f["adjusted_ci_low"] is None for f in families)
    assert not any("accounted for" in s for s in result.findings)
