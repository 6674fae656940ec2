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
from ._model import make_model

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
