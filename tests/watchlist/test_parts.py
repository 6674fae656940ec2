"""The parts, each against numbers worked out by hand or by another implementation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from engagement_analytics import signals, watchlist
from engagement_analytics.watchlist._landmarks import TrainingSet, training_set
from engagement_analytics.watchlist._reasons import contributions, explain
from engagement_analytics.watchlist._risk import _newton_refits, fit_landmark
from engagement_analytics.watchlist._timeline import Timeline


def test_closed_engagements_are_weighted_by_the_chance_their_close_was_seen():
    # Four engagements with 100-day plans, as of day 100. a and b started on day 0 and
    # closed on days 50 and 90; c and d started on days 60 and 40 and are running.
    # Each can be seen to close up to (100 - start) / 100 of its plan: 1, 1, 0.4, 0.6.
    # a's close (at 0.5) was visible to a, b, d (3 of 4); b's (at 0.9) to a and b (2 of 4):
    # weights 4/3 and 2, scaled to mean 1: 0.8 and 1.2.
    timeline = Timeline(
        ids=pd.Index(["a", "b", "c", "d"], name="engagement_id"),
        start=np.array([0.0, 0.0, 60.0, 40.0]), planned_end=np.array([100.0, 100.0, 160.0, 140.0]),
        closed=np.array([50.0, 90.0, np.nan, np.nan]), event=np.array([True, False, False, False]),
    )
    training = training_set(timeline, 100.0, 0.1, pool=np.ones(4, dtype=bool))
    assert list(training.ids) == ["a", "b"]
    assert training.y.tolist() == [1, 0]
    np.testing.assert_allclose(training.weights, [0.8, 1.2])
    assert (training.running, training.closed) == (2, 2)
    # At 60% of plan a (closed at 50%) is out of the cohort; d reaches it on day 100, c has not.
    later = training_set(timeline, 100.0, 0.6, pool=np.ones(4, dtype=bool))
    assert list(later.ids) == ["b"] and later.running == 1


def test_bootstrap_refits_solve_the_same_problem_as_scikit_learn():
    rng = np.random.default_rng(3)
    design = np.column_stack([rng.normal(size=(300, 4)), np.ones(300)])
    y = (rng.random(300) < 1 / (1 + np.exp(-design[:, 0] + 0.5))).astype(float)
    weights = np.vstack([np.ones(300), rng.integers(0, 3, 300).astype(float)])
    solved, converged = _newton_refits(design, y, weights, np.zeros(5), 0.1)
    assert converged
    for row, w in zip(solved, weights, strict=True):
        reference = LogisticRegression(C=0.1, tol=1e-10, max_iter=10_000).fit(
            design[:, :4], y, sample_weight=w)
        np.testing.assert_allclose(row[:4], reference.coef_.ravel(), atol=1e-5)
        np.testing.assert_allclose(row[4], reference.intercept_[0], atol=1e-5)


def _stand_in_model(attendance_sign: float):
    """A landmark model on two signals where failure rises with the effort ratio and goes
    with sponsor attendance as ``attendance_sign`` says (the catalog: lower is riskier)."""
    rng = np.random.default_rng(5)
    n = 400
    frame = pd.DataFrame({
        "effort_estimate_to_sold_ratio": rng.lognormal(0.1, 0.3, n),
        "sponsor_steering_attendance_rate": rng.beta(3, 2, n),
    }, index=pd.Index([f"E{i}" for i in range(n)], name="engagement_id"))
    frame.loc[frame.index[:40], "sponsor_steering_attendance_rate"] = np.nan
    z = (frame - frame.mean()) / frame.std()
    logit = -1 + 1.5 * z["effort_estimate_to_sold_ratio"] + attendance_sign * z[
        "sponsor_steering_attendance_rate"].fillna(0)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    training = TrainingSet(0.3, frame.index, y.to_numpy(), np.ones(n), running=0, closed=n)
    return fit_landmark(training, frame, random_state=0), frame


def test_contributions_add_up_to_the_gap_with_the_typical_engagement():
    model, frame = _stand_in_model(-1.0)
    parts = contributions(model, frame)
    reference = model.reference.to_frame().T[model.columns].to_numpy(dtype=float)
    gap = model.log_odds(frame[model.columns].to_numpy()) - model.log_odds(reference)[0]
    np.testing.assert_allclose(parts.sum(axis=1), gap, atol=1e-9)
    # A high effort ratio pushes risk up, a low one down.
    high = frame["effort_estimate_to_sold_ratio"].idxmax()
    assert parts.at[high, "effort_estimate_to_sold_ratio"] > 0.3


def test_a_signal_on_its_healthy_side_is_never_a_reason():
    # Here failure goes with *more* sponsor attendance, against the catalog's direction: the
    # model raises the risk of a well-attended engagement, but that is no reason to act.
    model, frame = _stand_in_model(+1.5)
    parts = contributions(model, frame)
    catalog = signals.catalog()
    why = explain(model, frame, catalog=catalog, advice=watchlist.load_advice())
    well_attended = frame["sponsor_steering_attendance_rate"] > model.typical[
        "sponsor_steering_attendance_rate"]
    pushed = parts["sponsor_steering_attendance_rate"] > 0.05
    assert (well_attended & pushed).sum() > 20
    assert not why.loc[well_attended & pushed, "reason_signals"].map(
        lambda names: "sponsor_steering_attendance_rate" in names).any()
    # The effort ratio, on its risky side, is given, with its numbers.
    top = frame["effort_estimate_to_sold_ratio"].idxmax()
    assert why.at[top, "reason_signals"][0] == "effort_estimate_to_sold_ratio"
    assert why.at[top, "reasons"][0].startswith("The delivery team's estimate is ")
    assert why.at[top, "family"] == "overselling"
    assert why.at[top, "action"] == "Re-baseline scope with the sponsor before the next milestone."


def test_advice_covers_every_family_and_names_only_catalog_signals():
    advice = watchlist.load_advice()
    catalog = signals.catalog()
    assert set(advice.families) == set(signals.FAMILIES)
    for family, entry in advice.families.items():
        assert entry["action"].endswith(".")
        for signal in entry.get("signals", {}):
            assert signal in set(catalog["signal"]), signal
            assert catalog.set_index("signal").at[signal, "family"] == family


def test_a_signal_without_wording_gets_a_plain_sentence_with_its_numbers():
    advice = watchlist.load_advice()
    text = advice.reason("going_dark", "client_days_quiet", unit="days", value=12.0, typical=3.0,
                         share_yes=np.nan, measured=0.9)
    assert text == "Client days quiet: 12 days (median in past engagements at this stage: 3 days)."
    missing = advice.reason("going_dark", "client_days_quiet", unit="days", value=np.nan,
                            typical=3.0, share_yes=np.nan, measured=0.9)
    assert missing == ("Client days quiet could not be measured yet (it could in 90% of past "
                       "engagements at this stage).")


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (0.4, "share", "40%"), (0.333, "share of elapsed time", "33%"), (0.0, "yes (1) / no (0)", "no"),
    (1.0, "yes (1) / no (0)", "yes"), (1.254, "ratio", "1.25"), (0.052, "per sold day", "0.052"),
    (2.0, "meetings", "2"), (14.6, "hours", "15"), (np.nan, "share", "not measured"),
])
def test_values_read_as_their_unit(value, unit, shown):
    assert watchlist.format_value(value, unit) == shown
