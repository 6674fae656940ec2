"""``drivers.make_model``: the drivers' pipeline for other jobs, with the penalty chosen or fixed."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV

from engagement_analytics import drivers


def test_the_fixed_penalty_twin_fits_what_the_chooser_fits_at_its_penalty(planted):
    frame, outcomes = planted
    X, y = frame.to_numpy(), (outcomes == "failed").astype(int).to_numpy()
    chooser = drivers.make_model(random_state=0).fit(X, y)
    assert isinstance(chooser.steps[-1][1], LogisticRegressionCV)
    twin = drivers.make_model(random_state=0, C=chooser.steps[-1][1].C_)
    assert isinstance(twin.steps[-1][1], LogisticRegression)
    twin.fit(X, y)
    # Same optimum up to the solver tolerance (the chooser refits from its folds' average).
    np.testing.assert_allclose(twin.predict_proba(X), chooser.predict_proba(X), atol=2e-3)
    # Sample weights, passed by the last step's name, reach the logistic regression.
    weights = np.where(np.arange(len(y)) < 50, 3.0, 1.0)
    step = twin.steps[-1][0]
    weighted = drivers.make_model(C=0.1).fit(X, y, **{f"{step}__sample_weight": weights})
    features = weighted[:-1].transform(X)
    reference = LogisticRegression(C=0.1, max_iter=1000).fit(features, y, sample_weight=weights)
    np.testing.assert_allclose(weighted.steps[-1][1].coef_, reference.coef_, atol=1e-4)
    unweighted = drivers.make_model(C=0.1).fit(X, y)
    assert not np.allclose(unweighted.steps[-1][1].coef_, reference.coef_, atol=1e-3)
