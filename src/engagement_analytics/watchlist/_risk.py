"""One risk model per landmark: the drivers' regularised pipeline, IPCW-weighted, with intervals.

The penalty is chosen as in the drivers (inner cross-validation of the
log-likelihood, unweighted), then the model is refitted at that penalty with
the inverse-probability-of-censoring weights of ``_landmarks``. The interval
of a risk is the 2.5th to 97.5th percentile of the engagement's predicted
risk over bootstrap refits: resamples of the training engagements (with
replacement, keeping their weights), each refitted at the chosen penalty,
imputation and scaling included.

Where the training set cannot support a model the landmark says so:

- fewer than :data:`MIN_TRAINING` closed engagements: no risk at all;
- fewer than :data:`MIN_CLOSED_SHARE` of the engagements that reached the
  landmark have closed: no risk at all. The closed ones are then mostly the
  early closers, and the weights cannot make up for outcomes nobody has seen
  yet (on generated portfolios, backtest dates below this share overstated
  the failure rate by 7 to 35 points; above it, by under 1 point);
- enough engagements but fewer than :data:`MIN_PER_CLASS` events (or
  non-events): the landmark's weighted event rate, with a Jeffreys interval,
  as every engagement's risk there (no ranking within it, no reasons).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from .. import drivers
from ._landmarks import TrainingSet

__all__ = [
    "MIN_CLOSED_SHARE",
    "MIN_PER_CLASS",
    "MIN_TRAINING",
    "LandmarkModel",
    "bootstrap_interval",
    "fit_landmark",
]

#: Fewest closed engagements at a landmark for any risk estimate there.
MIN_TRAINING = 20
#: Fewest events and non-events at a landmark for a model (below: the base rate only).
MIN_PER_CLASS = 5
#: Smallest share of the engagements that reached a landmark that must have closed.
MIN_CLOSED_SHARE = 0.6

MODEL, BASE_RATE = "model", "base rate only"
TOO_FEW, TOO_YOUNG = "too few closed engagements", "too few outcomes known yet"
_NEWTON_STEPS = 50
_NEWTON_TOLERANCE = 1e-8


@dataclass
class LandmarkModel:
    """What a landmark knows on one day.

    Attributes
    ----------
    training : TrainingSet
    status : str
        ``model``, ``base rate only``, ``too few closed engagements`` or ``too few
        outcomes known yet``.
    base_rate, base_low, base_high : float
        Weighted event rate of the training engagements and its 95% Jeffreys interval.
    columns : list of str
        Signals the model uses (measured and varying in the training set).
    typical : Series
        Median of each signal over the training engagements where it was measured.
    reference : Series
        The typical engagement the reasons compare with: the median where most
        training engagements had the signal measured, NaN (not measured) where most did not.
    share_yes : Series
        Mean of each signal over the training engagements (the share of 1 for yes/no signals).
    measured : Series
        Share of the training engagements where each signal could be measured.
    penalty : float
        The inverse L2 penalty chosen by cross-validation (NaN without a model).
    refits : int
        Bootstrap refits behind the latest intervals (0 before any).
    notes : list of str
    """

    training: TrainingSet
    status: str
    base_rate: float
    base_low: float
    base_high: float
    columns: list[str] = field(default_factory=list)
    typical: pd.Series | None = None
    reference: pd.Series | None = None
    share_yes: pd.Series | None = None
    measured: pd.Series | None = None
    penalty: float = np.nan
    refits: int = 0
    notes: list[str] = field(default_factory=list)
    pipeline: object = None
    features: np.ndarray | None = None
    random_state: int = 0

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Predicted risk of each row of ``frame`` (signals of engagements at this landmark)."""
        if self.status in (TOO_FEW, TOO_YOUNG):
            return np.full(len(frame), np.nan)
        if self.status == BASE_RATE:
            return np.full(len(frame), self.base_rate)
        with threadpool_limits(limits=1):
            return self.pipeline.predict_proba(frame[self.columns].to_numpy(dtype=float))[:, 1]

    def log_odds(self, features: np.ndarray) -> np.ndarray:
        """The model's log-odds of rows of plain signal arrays (columns as :attr:`columns`)."""
        with threadpool_limits(limits=1):
            return self.pipeline.decision_function(features)


def _jeffreys(events: float, n: float) -> tuple[float, float]:
    if n <= 0:
        return np.nan, np.nan
    low = stats.beta.ppf(0.025, events + 0.5, n - events + 0.5) if events > 0 else 0.0
    high = stats.beta.ppf(0.975, events + 0.5, n - events + 0.5) if events < n else 1.0
    return float(low), float(high)


def _usable_columns(frame: pd.DataFrame) -> list[str]:
    return [name for name in frame.columns if frame[name].nunique(dropna=True) >= 2]


def _fit_weighted(pipeline, features: np.ndarray, y: np.ndarray, weights: np.ndarray):
    step = pipeline.steps[-1][0]
    return pipeline.fit(features, y, **{f"{step}__sample_weight": weights})


def fit_landmark(training: TrainingSet, frame: pd.DataFrame, *, random_state: int) -> LandmarkModel:
    """Fit the model of one landmark on one day.

    Parameters
    ----------
    training : TrainingSet
    frame : DataFrame
        Signals at this landmark, indexed by engagement_id (at least the training ids).
    random_state : int
        Seed of the inner cross-validation (and, offset, of the bootstrap).
    """
    n, events = training.n, training.events
    weighted_events = float(np.sum(training.weights * training.y)) if n else 0.0
    low, high = _jeffreys(weighted_events, float(n))
    model = LandmarkModel(training, TOO_FEW, training.base_rate, low, high, random_state=random_state)
    if n < MIN_TRAINING:
        return model
    if training.closed_share < MIN_CLOSED_SHARE:
        model.status = TOO_YOUNG
        return model
    if min(events, n - events) < MIN_PER_CLASS:
        model.status = BASE_RATE
        return model
    signals_at = frame.loc[training.ids]
    columns = _usable_columns(signals_at)
    if not columns:
        model.status = BASE_RATE
        model.notes.append("no signal varies among the training engagements")
        return model
    features = signals_at[columns].to_numpy(dtype=float)
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        chooser = drivers.make_model(random_state=random_state).fit(features, training.y)
        penalty = float(chooser.steps[-1][1].C_)
        pipeline = _fit_weighted(
            drivers.make_model(random_state=random_state, C=penalty), features, training.y,
            training.weights,
        )
    final = pipeline.steps[-1][1]
    if np.any(np.asarray(final.n_iter_) >= final.max_iter):
        model.notes.append("the model did not converge")
    model.status = MODEL
    model.columns = columns
    model.typical = signals_at[columns].median()
    model.share_yes = signals_at[columns].mean()
    model.measured = signals_at[columns].notna().mean()
    model.reference = model.typical.where(model.measured >= 0.5)
    model.penalty = penalty
    model.pipeline = pipeline
    model.features = features
    return model


def _newton_refits(design: np.ndarray, y: np.ndarray, weights: np.ndarray, start: np.ndarray,
                   penalty: float) -> tuple[np.ndarray, bool]:
    """Solve the pipeline's last-step objective for every row of ``weights`` at once.

    Minimises ``penalty * sum_i w_i * logloss_i + ||beta||^2 / 2`` (the intercept,
    the last column of ``design``, is not penalised), which is what
    :class:`sklearn.linear_model.LogisticRegression` minimises with ``C=penalty``
    and sample weights. Newton's method from ``start`` (the full-data fit).

    Returns
    -------
    coefficients : ndarray (replicates x columns)
    converged : bool
    """
    ridge = np.ones(design.shape[1])
    ridge[-1] = 0.0
    # Every replicate's Hessian is design' diag(c_b) design: with the products of each pair of
    # columns laid out once (upper triangle), all of them are one matrix product.
    upper_i, upper_j = np.triu_indices(design.shape[1])
    pairs = design[:, upper_i] * design[:, upper_j]
    hessian = np.empty((len(weights), design.shape[1], design.shape[1]))
    beta = np.repeat(start[np.newaxis], len(weights), axis=0)
    for _ in range(_NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-(beta @ design.T)))
        gradient = penalty * ((weights * (p - y)) @ design) + beta * ridge
        packed = (penalty * weights * p * (1.0 - p)) @ pairs
        hessian[:, upper_i, upper_j] = packed
        hessian[:, upper_j, upper_i] = packed
        hessian[:, np.arange(len(ridge)), np.arange(len(ridge))] += ridge
        step = np.linalg.solve(hessian, gradient[..., np.newaxis])[..., 0]
        beta -= step
        if np.abs(step).max() < _NEWTON_TOLERANCE:
            return beta, True
    return beta, False


def bootstrap_interval(
    model: LandmarkModel, frame: pd.DataFrame, *, n_bootstrap: int, seed: object
) -> tuple[np.ndarray, np.ndarray, int]:
    """95% percentile interval of the predicted risk of each row of ``frame``.

    Each refit resamples the training engagements with replacement (keeping
    their weights) and solves the fitted pipeline's penalised likelihood again
    at the chosen penalty, on the features as the pipeline's imputation and
    scaling (learnt on all training engagements) transform them. Resamples
    holding one outcome class only are skipped.

    Returns
    -------
    low, high : ndarray
    refits : int
    """
    if model.status == BASE_RATE:
        return np.full(len(frame), model.base_low), np.full(len(frame), model.base_high), 0
    if model.status != MODEL or n_bootstrap < 1 or not len(frame):
        return np.full(len(frame), np.nan), np.full(len(frame), np.nan), 0
    rng = np.random.default_rng(seed)
    y, weights = model.training.y.astype(float), model.training.weights
    counts = rng.multinomial(len(y), np.full(len(y), 1.0 / len(y)), size=n_bootstrap)
    both = ((counts * y) .sum(axis=1) > 0) & ((counts * (1 - y)).sum(axis=1) > 0)
    counts = counts[both]
    final = model.pipeline.steps[-1][1]
    with threadpool_limits(limits=1):
        prepare = model.pipeline[:-1]
        design = np.column_stack([prepare.transform(model.features), np.ones(len(y))])
        target = np.column_stack([
            prepare.transform(frame[model.columns].to_numpy(dtype=float)), np.ones(len(frame))
        ])
        start = np.append(final.coef_.ravel(), final.intercept_)
        coefficients, converged = _newton_refits(design, y, counts * weights, start, final.C)
        risk = 1.0 / (1.0 + np.exp(-(coefficients @ target.T)))
    if not converged and "some bootstrap refits did not converge" not in model.notes:
        model.notes.append("some bootstrap refits did not converge")
    low, high = np.percentile(risk, [2.5, 97.5], axis=0)
    return low, high, len(counts)
