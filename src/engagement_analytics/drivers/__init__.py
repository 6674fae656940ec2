"""Which relationship patterns go with failed engagements, how strongly, and how sure we are.

:func:`analyze` compares closed engagements over the same stretch of their life
(by default the first 40% of each planned schedule, since failed engagements
often end early; closed engagements that ended before their window are left
out, a landmark analysis, so an early close never stands in for the outcome),
one signal at a time (logistic regression per standard
deviation, Benjamini-Hochberg q-values), each family adjusted for the others
(one logistic regression of the families' strongest signals, evidence for
telling a shadow from a cause) and all together (cross-validated regularised logistic
regression, with gradient boosting and a plain one-signal-per-family model as
comparisons). :func:`lead_time` repeats the comparison at 10%, 20%, ..., 80%
of the planned schedule: how early each pattern shows.

Examples
--------
>>> from engagement_analytics import load_bundle, drivers
>>> result = drivers.analyze(load_bundle("data/sample"), random_state=0)
>>> result.n, result.events  # closed engagements still running at 40% of plan; failed ones
(239, 76)
>>> result.families.loc[0, ["family", "signal"]].tolist()
['overselling', 'effort_estimate_to_sold_ratio']
"""

from sklearn.linear_model import LogisticRegression

from ._analyze import (
    OUTCOME_KINDS,
    SIGNIFICANCE,
    DriversResult,
    Finding,
    InsufficientOutcomes,
    ModelSummary,
    analyze,
)
from ._lead_time import DEFAULT_LEAD_FRACTIONS, LeadTimeResult, lead_time
from ._model import logistic_pipeline

__all__ = [
    "DEFAULT_LEAD_FRACTIONS",
    "OUTCOME_KINDS",
    "SIGNIFICANCE",
    "DriversResult",
    "Finding",
    "InsufficientOutcomes",
    "ModelSummary",
    "LeadTimeResult",
    "analyze",
    "lead_time",
    "make_model",
]


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
