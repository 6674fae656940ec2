"""The drivers on generated portfolios of 900 engagements, the planted truth read from the generator.

Going dark planted alone and among other causes must be found at the default
window, its shadows told apart by the adjusted view, the all-signal model must
separate the outcome at least as well as a plain one, and a pattern that starts
late must not "predict" early (the lead-time leak detector).

These bundles are ones on which the old measurement (the longest silence as a
share of the window) missed going dark or the model fell below the plain one;
how often each holds over many generated portfolios is measured by
``benchmarks/bench_drivers_power.py`` and quoted in ``docs/signals.md``.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold

from engagement_analytics import drivers, load_bundle, signals
from engagement_analytics.sample import generate

OTHERS = {"overselling": 1.0, "sponsor_absence": 1.0, "champion_engagement": 1.0}


@functools.cache
def _portfolio(seed: int, dark: float, others: bool = False, onset: float = 0.0):
    sample = generate(n_engagements=900, seed=seed, dark_onset=onset,
                      planted={**(OTHERS if others else {}), "going_dark": dark})
    return sample, load_bundle(sample.tables, pseudonymize=False)


def _planted(sample) -> set[str]:
    return set(sample.planted.loc[sample.planted["planted"] == "yes", "family"])


@functools.cache
def _analyzed(seed: int, dark: float, others: bool = False, n_repeats: int = 1):
    return drivers.analyze(_portfolio(seed, dark, others)[1], n_repeats=n_repeats)


def test_going_dark_planted_alone_is_found_and_its_shadow_told_apart():
    sample, _ = _portfolio(3, 1.5)
    assert _planted(sample) == {"going_dark"}
    families = _analyzed(3, 1.5).families.set_index("family")
    dark = families.loc["going_dark"]
    assert dark["q_value"] < 0.001 and dark["odds_ratio"] > 1
    assert dark["adjusted_ci_low"] > 1  # it holds once the others are accounted for
    # The change agent stops coming when the client goes dark: one at a time it "goes with
    # failure", adjusted it does not, and going dark is named as what it shadows.
    found = families[(families["q_value"] < 0.05) & (families["odds_ratio"] > 1)]
    shadows = found.drop(index="going_dark")
    assert list(shadows.index) == ["client_ownership"]
    assert (shadows["adjusted_ci_low"] < 1).all()
    assert (shadows["shadow_of"] == "going_dark").all()


def test_going_dark_among_three_other_causes_is_found_and_holds_adjusted():
    sample, _ = _portfolio(4, 1.0, others=True)
    planted = _planted(sample)
    assert planted == {"going_dark", *OTHERS}
    families = _analyzed(4, 1.0, others=True).families.set_index("family")
    found = families[(families["q_value"] < 0.05) & (families["odds_ratio"] > 1)]
    assert set(found.index) == planted  # every cause, and nothing else
    assert (found["adjusted_ci_low"] > 1).all()


def _compared(bundle) -> tuple[pd.DataFrame, np.ndarray]:
    """Signals and outcome of the engagements the drivers compare, in their order (by hand)."""
    table = signals.compute(bundle, at_fraction=0.4)
    engagements = bundle.engagements.set_index("engagement_id")
    ends = signals.windows(bundle, at_fraction=0.4)["window_end"].reindex(engagements.index)
    running = engagements["outcome"].notna() & (engagements["closed_date"] > ends)
    ids = engagements.index[running]
    return table.loc[ids], (engagements.loc[ids, "outcome"] == "failed").to_numpy(dtype=int)


def _plain_auc(table: pd.DataFrame, y: np.ndarray, n_repeats: int) -> float:
    """Plain L2 logistic regression on each family's strongest signal, chosen on the training rows.

    Strongest = smallest p-value of a one-signal logistic regression on the rows where it is
    measured; missing values take the training median; C = 1. Same folds as ``analyze``.
    """
    families = signals.catalog().set_index("signal")["family"]
    table = table.loc[:, table.notna().any() & (table.nunique() > 1)]
    folds = RepeatedStratifiedKFold(n_splits=5, n_repeats=n_repeats, random_state=0)
    aucs = []
    for train, test in folds.split(table, y):
        best: dict[str, tuple[float, str]] = {}
        for name in table.columns:
            x = table[name].iloc[train]
            measured = x.notna().to_numpy()
            if x[measured].nunique() < 2:
                continue
            fit = sm.Logit(y[train][measured], sm.add_constant(x[measured].to_numpy())).fit(disp=0)
            if best.get(families[name], (np.inf, ""))[0] > fit.pvalues[1]:
                best[families[name]] = (fit.pvalues[1], name)
        chosen = [name for _, name in best.values()]
        train_x, test_x = table[chosen].iloc[train], table[chosen].iloc[test]
        median = train_x.median()
        train_x, test_x = train_x.fillna(median), test_x.fillna(median)
        mean, sd = train_x.mean(), train_x.std(ddof=0)
        model = LogisticRegression(C=1.0, max_iter=1000).fit((train_x - mean) / sd, y[train])
        aucs.append(roc_auc_score(y[test], model.predict_proba((test_x - mean) / sd)[:, 1]))
    return float(np.mean(aucs))


@pytest.mark.parametrize("seed", [2, 3])
def test_the_model_is_not_worse_than_a_plain_one(seed):
    table, y = _compared(_portfolio(seed, 1.0, others=True)[1])
    result = _analyzed(seed, 1.0, others=True)
    assert result.n == len(y) and result.events == int(y.sum())
    plain = _plain_auc(table, y, n_repeats=1)
    assert result.model.cv_auc >= plain, (result.model.cv_auc, plain)


def test_a_pattern_that_starts_late_does_not_predict_early():
    # Going dark drives failure strongly, but only from 20% of each plan on.
    sample, bundle = _portfolio(1, 2.0, onset=0.2)
    lead = drivers.lead_time(bundle, fractions=(0.1, 0.4), n_repeats=1)
    dark = lead.families[lead.families["family"] == "going_dark"].set_index("fraction")
    assert dark.at[0.1, "q_value"] > 0.5  # nothing to see in the first 10%
    assert dark.at[0.4, "q_value"] < 0.01 and dark.at[0.4, "odds_ratio"] > 1  # but it is there
    early = lead.summary.set_index("fraction").loc[0.1]
    assert early["cv_auc_low"] < 0.5 < early["cv_auc_high"]  # nothing else predicts either
    assert sample.dark_onset == 0.2


def test_the_leak_detector_catches_a_window_that_reads_too_far(monkeypatch):
    # The same bundle with a leaky window: each fraction measured 30% of the plan too far.
    _, bundle = _portfolio(1, 2.0, onset=0.2)
    honest = signals.window_options

    def leaky(*, as_of=None, first_weeks=None, at_fraction=None, **kwargs):
        return honest(as_of=as_of, first_weeks=first_weeks, at_fraction=at_fraction + 0.3, **kwargs)

    monkeypatch.setattr(signals, "window_options", leaky)
    lead = drivers.lead_time(bundle, fractions=(0.1,), n_repeats=1)
    dark = lead.families[lead.families["family"] == "going_dark"].iloc[0]
    assert dark["q_value"] < 0.05  # the late pattern "predicts" at 10%: a leak, and it shows
