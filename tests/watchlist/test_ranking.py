"""The watchlist against the generator's latent outcome: ranking, calibration, reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from engagement_analytics import plots, signals


def _latent(planted, ids) -> pd.Series:
    """1 where the generator's eventual outcome of the engagement is a failure."""
    truth = planted[0].truth.set_index("engagement_id")
    return truth.loc[ids, "eventual_outcome"].eq("failed").astype(int)


def _scored(result) -> pd.DataFrame:
    rows = result.engagements.set_index("engagement_id")
    return rows[rows["risk"].notna()]


def test_ranking_beats_the_flag_count_and_a_plain_model(planted, planted_result):
    sample, bundle = planted
    scored = _scored(planted_result)
    assert len(scored) >= 150
    y = _latent(planted, scored.index)
    assert y.sum() >= 25
    # Today's notebook 07: signals from each start to today, count of riskiest-third flags.
    today = signals.compute(bundle)
    flags, _ = plots.portfolio_numbers(today, plots.outcome_groups(bundle.engagements),
                                       catalog=signals.catalog())
    # A plain logistic regression on the same signals, trained on every closed engagement.
    closed = bundle.engagements.set_index("engagement_id")["outcome"].dropna()
    plain = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                          LogisticRegression(max_iter=2000))
    plain.fit(today.loc[closed.index], closed.eq("failed").astype(int))
    plain_risk = plain.predict_proba(today.loc[scored.index])[:, 1]

    ours = roc_auc_score(y, scored["risk"])
    flag_auc = roc_auc_score(y, flags["flags"].reindex(scored.index))
    plain_auc = roc_auc_score(y, plain_risk)
    assert ours >= flag_auc + 0.08, (ours, flag_auc)
    assert ours >= plain_auc - 0.02, (ours, plain_auc)


def test_risks_are_calibrated_in_the_large(planted, planted_result):
    scored = _scored(planted_result)
    y = _latent(planted, scored.index)
    observed, predicted = y.mean(), scored["risk"].mean()
    standard_error = np.sqrt(observed * (1 - observed) / len(y))
    assert abs(predicted - observed) <= 3 * standard_error, (predicted, observed)


def test_reasons_name_planted_families_more_often_than_not(planted, planted_result):
    sample, _ = planted
    planted_families = set(sample.planted.loc[sample.planted["planted"] == "yes", "family"])
    family_of = signals.catalog().set_index("signal")["family"]
    named = [s for reasons in planted_result.engagements["reason_signals"] for s in reasons]
    assert len(named) >= 100
    share = np.mean([family_of[s] in planted_families for s in named])
    assert share > 0.5, share
    acted_on = planted_result.engagements["family"].dropna()
    assert acted_on.isin(planted_families).mean() > 0.5


def test_each_reason_is_a_sentence_with_numbers_and_each_family_has_an_action(planted_result):
    rows = planted_result.engagements[planted_result.engagements["status"] == "model"]
    with_reasons = rows[rows["reasons"].map(len) > 0]
    assert len(with_reasons) >= 0.8 * len(rows)
    for reasons, family, action in with_reasons[["reasons", "family", "action"]].itertuples(index=False):
        assert 1 <= len(reasons) <= 3
        assert all(r.endswith(".") and any(ch.isdigit() for ch in r) for r in reasons)
        assert isinstance(family, str) and isinstance(action, str) and action.endswith(".")


def test_the_list_is_ranked_by_risk_with_unscored_engagements_last(planted_result):
    rows = planted_result.engagements
    risk = rows["risk"].to_numpy()
    scored = ~np.isnan(risk)
    assert scored[: scored.sum()].all()  # every unscored row comes after every scored one
    assert (np.diff(risk[scored]) <= 0).all()
    assert rows["rank"].tolist() == list(range(1, len(rows) + 1))
    low, high = rows["risk_low"].to_numpy()[scored], rows["risk_high"].to_numpy()[scored]
    assert (low <= risk[scored] + 1e-12).all() and (risk[scored] <= high + 1e-12).all()
