"""All signals together: cross-validated regularised logistic regression and a boosted comparison.

Every number here is out-of-sample: models are fitted on the training folds of
a repeated stratified K-fold split and scored on the held-out fold.

The 95% interval of the cross-validated AUC uses the corrected resampled
t-interval of Nadeau & Bengio (2003) over the fold AUCs: the fold AUCs are not
independent (their training sets overlap), so the variance of their mean is
``(1/J + n_test/n_train) * s^2`` rather than ``s^2 / J`` (J folds in total,
``s^2`` their sample variance), with a t quantile on J - 1 degrees of freedom.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.metrics import brier_score_loss
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

__all__ = [
    "AUC_INTERVAL_METHOD", "CALIBRATION_BINS", "C_GRID", "ModelReport", "ModelSummary", "cross_validate",
    "make_model",
]

#: Inverse L2 penalties tried by the inner 3-fold CV; strong shrinkage first, as
#: portfolios are small and events per signal few.
C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
#: Equal-count bins of the calibration table (fewer when engagements are few).
CALIBRATION_BINS = 5
#: Shuffles per signal and held-out fold in the permutation importance.
PERMUTATION_REPEATS = 5
AUC_INTERVAL_METHOD = (
    "mean of fold AUCs; 95% corrected resampled t-interval (Nadeau & Bengio 2003)"
)
#: Rule of thumb for stable logistic regression coefficients.
MIN_EVENTS_PER_SIGNAL = 10


def auc(y: np.ndarray, predicted: np.ndarray) -> float:
    """Area under the ROC curve as the Mann-Whitney statistic (ties count one half).

    Equal to :func:`sklearn.metrics.roc_auc_score` for a binary outcome, without
    its input validation, which dominates the hundreds of small scorings here.
    """
    ranks = stats.rankdata(predicted)
    events = int(y.sum())
    non_events = len(y) - events
    return float((ranks[y == 1].sum() - events * (events + 1) / 2) / (events * non_events))


def auc_scorer(estimator, X, y) -> float:
    """Scorer (sklearn signature) of the held-out AUC."""
    return auc(np.asarray(y), estimator.predict_proba(X)[:, 1])


def log_likelihood_scorer(estimator, X, y) -> float:
    """Scorer (sklearn signature) of the mean log-likelihood, i.e. minus the log loss."""
    p = np.clip(estimator.predict_proba(X)[:, 1], 1e-15, 1 - 1e-15)
    y = np.asarray(y)
    return float(np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


def logistic_pipeline(random_state: int):
    """Median imputation, scaling, L2 logistic regression (C by CV).

    No missing-value indicators: a signal is mostly missing for a reason another
    signal already measures (no sponsor named, no champion, a window too short),
    so the indicators added a dozen near-duplicate columns that the one penalty
    shrank together with the signals. Without them the held-out AUC was higher
    on 10 of 12 generated portfolios (mean +0.006) and never below the plain
    one-signal-per-family model (see docs/signals.md, "The joint model").
    """
    return make_pipeline(
        SimpleImputer(strategy="median"),
        StandardScaler(),
        LogisticRegressionCV(
            Cs=list(C_GRID), l1_ratios=(0.0,), scoring=log_likelihood_scorer,
            cv=StratifiedKFold(3, shuffle=True, random_state=random_state),
            use_legacy_attributes=False, max_iter=1000,
        ),
    )


def plain_pipeline():
    """The plain comparison: median imputation, scaling, L2 logistic regression at C = 1."""
    return make_pipeline(
        SimpleImputer(strategy="median"), StandardScaler(), LogisticRegression(C=1.0, max_iter=1000)
    )


def one_signal_per_family(features: np.ndarray, target: np.ndarray, families: np.ndarray) -> np.ndarray:
    """Column positions of each family's strongest signal on these rows (for the plain model).

    Strongest = largest score statistic of a one-signal logistic regression,
    ``n * r^2`` over the rows where the signal is measured (``r``: its
    correlation with the outcome there), the same ranking as the univariate
    p-values up to the likelihood's curvature. Chosen on the training rows only,
    so the plain model's held-out AUC is not flattered by the choice.
    """
    best: dict[str, tuple[float, int]] = {}
    for column in range(features.shape[1]):
        measured = ~np.isnan(features[:, column])
        x, y = features[measured, column], target[measured]
        if measured.sum() < 3 or x.std() == 0 or y.std() == 0:
            continue
        score = measured.sum() * np.corrcoef(x, y)[0, 1] ** 2
        family = families[column]
        if family not in best or score > best[family][0]:
            best[family] = (score, column)
    return np.array(sorted(column for _, column in best.values()), dtype=int)


def _chosen_fit_unconverged(model) -> bool:
    """Whether any inner-CV fit at the chosen C stopped at ``max_iter`` (not converged)."""
    chosen = int(np.flatnonzero(np.isclose(model.Cs_, model.C_))[0])
    return bool((np.asarray(model.n_iter_)[..., chosen] >= model.max_iter).any())


def boosting_model(random_state: int) -> HistGradientBoostingClassifier:
    """A small, shallow boosted model: handles missing values and interactions natively."""
    return HistGradientBoostingClassifier(
        learning_rate=0.1, max_iter=100, max_leaf_nodes=8, min_samples_leaf=20,
        l2_regularization=1.0, random_state=random_state,
    )


def _auc_interval(fold_aucs: np.ndarray, test_to_train: float) -> tuple[float, float, float]:
    if len(fold_aucs) == 0:
        return np.nan, np.nan, np.nan
    mean = float(fold_aucs.mean())
    if len(fold_aucs) < 2:
        return mean, np.nan, np.nan
    spread = np.sqrt((1 / len(fold_aucs) + test_to_train) * fold_aucs.var(ddof=1))
    half = stats.t.ppf(0.975, len(fold_aucs) - 1) * spread
    return mean, float(max(0.0, mean - half)), float(min(1.0, mean + half))


def calibration_table(predicted: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    """Observed event rate against mean predicted probability in equal-count bins."""
    bins = max(1, min(CALIBRATION_BINS, len(y) // 20))
    ranks = pd.Series(predicted).rank(method="first")
    labels = pd.qcut(ranks, bins, labels=False)
    table = (
        pd.DataFrame({"bin": labels.to_numpy() + 1, "predicted": predicted, "y": y})
        .groupby("bin")
        .agg(mean_predicted=("predicted", "mean"), observed_rate=("y", "mean"), n=("y", "size"))
        .reset_index()
    )
    return table


@dataclass(frozen=True)
class ModelSummary:
    """The cross-validated all-signal model, in numbers.

    Attributes
    ----------
    cv_auc, cv_auc_low, cv_auc_high : float
        Mean held-out AUC of the regularised logistic regression and its 95%
        interval (``auc_interval_method``); NaN when a chosen fit did not converge.
    brier : float
        Mean Brier score of the out-of-fold predictions.
    base_rate : float
        Share of events among the engagements modelled.
    n, events : int
        Engagements modelled and events among them.
    gb_cv_auc, gb_cv_auc_low, gb_cv_auc_high : float
        The same for the gradient-boosting comparison.
    n_signals : int
        Signal columns the model used.
    events_per_signal : float
        Smaller outcome class per signal column.
    n_splits, n_repeats : int
        The repeated stratified K-fold cross-validation.
    regularisation_c_median : float
        Median inverse L2 penalty chosen by the inner CV across folds.
    auc_interval_method : str
        How the AUC interval is computed.
    plain_cv_auc, plain_cv_auc_low, plain_cv_auc_high : float
        The same for a plain comparison on the same folds: L2 logistic regression
        (C = 1, median imputation) on one signal per family, each family's
        strongest on the training rows. NaN when not computed.
    warnings : tuple of str
        What a reader should know about the model.
    """

    cv_auc: float
    cv_auc_low: float
    cv_auc_high: float
    brier: float
    base_rate: float
    n: int
    events: int
    gb_cv_auc: float
    gb_cv_auc_low: float
    gb_cv_auc_high: float
    n_signals: int
    events_per_signal: float
    n_splits: int
    n_repeats: int
    regularisation_c_median: float
    auc_interval_method: str
    warnings: tuple[str, ...]
    plain_cv_auc: float = np.nan
    plain_cv_auc_low: float = np.nan
    plain_cv_auc_high: float = np.nan


@dataclass(frozen=True)
class ModelReport:
    """Out-of-fold results of :func:`cross_validate`."""

    model: ModelSummary
    calibration: pd.DataFrame
    importance: pd.DataFrame


def _family_importance(per_signal: pd.DataFrame, families: pd.Series) -> pd.DataFrame:
    frame = per_signal.mean(axis=0).rename("importance").to_frame()
    frame["family"] = families.reindex(frame.index).to_numpy()
    frame = frame.rename_axis("signal").reset_index()
    top = frame.sort_values(["importance", "signal"], ascending=[False, True], kind="stable")
    return (
        top.groupby("family", sort=False)
        .agg(importance=("importance", "sum"), top_signal=("signal", "first"),
             n_signals=("signal", "size"))
        .reset_index()
        .sort_values(["importance", "family"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )


def cross_validate(
    X: pd.DataFrame, y: pd.Series, families: pd.Series, *, random_state: int,
    n_splits: int, n_repeats: int, compare: bool = True,
) -> ModelReport:
    """Cross-validate the model; importance from the held-out folds of the first repeat.

    Parameters
    ----------
    X : DataFrame
        Signal columns (NaN allowed), none constant or empty.
    y : Series of int
        Outcome, 1 for an event.
    families : Series
        Family of each column of ``X``, indexed by signal name.
    compare : bool, default True
        Also cross-validate the gradient-boosting and the plain comparisons on the
        same folds, and compute the permutation importance (False: the logistic
        model's AUC and calibration only, for the lead-time view).
    """
    target = y.to_numpy()
    # Plain arrays: pandas feature-name checks would dominate the many small predicts.
    features = X.to_numpy(dtype=float)
    events = int(target.sum())
    minority = min(events, len(target) - events)
    warnings_out: list[str] = []
    if minority < n_splits:
        warnings_out.append(
            f"only {minority} engagements in the smaller outcome class: "
            f"cross-validation uses {minority} folds instead of {n_splits}"
        )
        n_splits = minority
    splitter = RepeatedStratifiedKFold(
        n_splits=n_splits, n_repeats=n_repeats, random_state=random_state
    )
    logistic, boosting = logistic_pipeline(random_state), boosting_model(random_state)
    column_families = families.reindex(X.columns).to_numpy()
    oof = np.full((n_repeats, len(target)), np.nan)
    aucs, gb_aucs, plain_aucs, chosen_c, importances = [], [], [], [], []
    unconverged_folds = 0
    # One thread: the machine is shared, and this keeps results independent of it.
    with threadpool_limits(limits=1), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        for fold, (train, test) in enumerate(splitter.split(features, target)):
            fitted = clone(logistic).fit(features[train], target[train])
            predicted = fitted.predict_proba(features[test])[:, 1]
            oof[fold // n_splits, test] = predicted
            aucs.append(auc(target[test], predicted))
            chosen_c.append(float(fitted[-1].C_))
            unconverged_folds += int(_chosen_fit_unconverged(fitted[-1]))
            if not compare:
                continue
            boosted = clone(boosting).fit(features[train], target[train])
            gb_aucs.append(auc(target[test], boosted.predict_proba(features[test])[:, 1]))
            plain_columns = one_signal_per_family(features[train], target[train], column_families)
            plain = plain_pipeline().fit(features[np.ix_(train, plain_columns)], target[train])
            plain_aucs.append(auc(target[test], plain.predict_proba(
                features[np.ix_(test, plain_columns)])[:, 1]))
            if fold < n_splits:
                result = permutation_importance(
                    fitted, features[test], target[test], scoring=auc_scorer,
                    n_repeats=PERMUTATION_REPEATS, random_state=random_state + fold, n_jobs=1,
                )
                importances.append(result.importances_mean)
        # Warnings other than convergence (counted per fold above) are passed on.
        for caught_warning in caught:
            if not issubclass(caught_warning.category, ConvergenceWarning):
                warnings.warn_explicit(caught_warning.message, caught_warning.category,
                                       caught_warning.filename, caught_warning.lineno)
    test_to_train = 1 / (n_splits - 1)
    cv_auc, cv_low, cv_high = _auc_interval(np.asarray(aucs), test_to_train)
    if unconverged_folds:
        # Never report a score from a model that did not converge.
        warnings_out.append(
            f"the logistic regression did not converge at its chosen strength in "
            f"{unconverged_folds} of {len(aucs)} folds: no cross-validated AUC is reported"
        )
        cv_auc = cv_low = cv_high = np.nan
    gb_auc, gb_low, gb_high = _auc_interval(np.asarray(gb_aucs), test_to_train)
    plain_auc, plain_low, plain_high = _auc_interval(np.asarray(plain_aucs), test_to_train)
    events_per_signal = minority / X.shape[1]
    if events_per_signal < MIN_EVENTS_PER_SIGNAL:
        warnings_out.append(
            f"too few failures ({minority}) for {X.shape[1]} signals "
            f"({events_per_signal:.1f} per signal, fewer than {MIN_EVENTS_PER_SIGNAL}): "
            "estimates are shrunk, treat with caution"
        )
    mean_oof = oof.mean(axis=0)
    model = ModelSummary(
        cv_auc=cv_auc, cv_auc_low=cv_low, cv_auc_high=cv_high,
        brier=float(np.mean([brier_score_loss(target, row) for row in oof])),
        base_rate=float(target.mean()), n=len(target), events=events,
        gb_cv_auc=gb_auc, gb_cv_auc_low=gb_low, gb_cv_auc_high=gb_high,
        n_signals=X.shape[1], events_per_signal=events_per_signal,
        n_splits=n_splits, n_repeats=n_repeats,
        regularisation_c_median=float(np.median(chosen_c)),
        auc_interval_method=AUC_INTERVAL_METHOD,
        warnings=tuple(warnings_out),
        plain_cv_auc=plain_auc, plain_cv_auc_low=plain_low, plain_cv_auc_high=plain_high,
    )
    importance = (_family_importance(pd.DataFrame(importances, columns=X.columns), families)
                  if importances else pd.DataFrame(columns=["family", "importance", "top_signal", "n_signals"]))
    return ModelReport(model, calibration_table(mean_oof, target), importance)


def make_model(*, random_state: int = 0, C: float | None = None):
    """The drivers' regularised logistic pipeline, unfitted, for other jobs to reuse.

    Parameters
    ----------
    random_state : int
        Seed of the inner cross-validation that chooses the penalty.
    C : float, optional
        None (default): the drivers' own pipeline, whose last step chooses the
        inverse L2 penalty by inner cross-validation (its ``C_`` after fitting).
        A number: the same steps with the penalty fixed at ``C``, for refits on
        resamples or with sample weights (pass them as
        ``fit(X, y, **{model.steps[-1][0] + "__sample_weight": w})``).

    Returns
    -------
    sklearn.pipeline.Pipeline
        Plain float arrays in (NaN allowed), ``predict_proba`` out.
    """
    pipeline = logistic_pipeline(random_state)
    if C is None:
        return pipeline
    name, chooser = pipeline.steps[-1]
    # The fixed-penalty twin of the chooser: same solver, tolerance and iteration cap.
    pipeline.steps[-1] = (name, LogisticRegression(
        C=float(C), l1_ratio=0.0, solver=chooser.solver, tol=chooser.tol,
        max_iter=chooser.max_iter, class_weight=chooser.class_weight,
    ))
    return pipeline
