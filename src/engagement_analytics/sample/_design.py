"""The sample generator's design: families, planted effects and behaviour knobs.

Every number that shapes the synthetic bundle lives here, so that the README,
the tests and the generator read the same values. Latent traits are oriented
so that a higher value means *more of what the family is named after* (more
overselling, more sponsor absence, more client reciprocity, more champion
engagement, ...).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .._contract import FAMILIES

#: The export date of generated bundles unless another is given: no row is dated after it.
DEFAULT_AS_OF = "2026-06-30"

#: Change in failure log-odds per SD of the latent trait (sign: latent orientation).
#: The default planted truth (``generate(planted=None)``).
PLANTED_BETAS = {
    "overselling": 1.0,
    "sponsor_absence": 1.0,
    "commitment_reciprocity": -1.0,
    "champion_engagement": -1.0,
}

#: Failure log-odds when every planted latent is 0; puts the base rate near 29 %.
INTERCEPT = -1.55

#: +1 where a higher latent (more of what the family is named after) is the risky
#: side, -1 where less is: a strength given to ``generate(planted=...)`` is turned
#: into a signed beta with it.
RISK_SIGN = {
    "overselling": 1.0,
    "sponsor_absence": 1.0,
    "going_dark": 1.0,
    "client_ownership": -1.0,
    "commitment_reciprocity": -1.0,
    "reactivity": 1.0,
    "champion_engagement": -1.0,
    "discovery": -1.0,
    "stakeholder_breadth": -1.0,
}

#: Gauss-Hermite nodes for the mean failure probability over standard-normal latents.
_HERMITE = np.polynomial.hermite_e.hermegauss(64)

#: Share of the engagements that do not fail which end up challenged.
CHALLENGED_SHARE_OF_NON_FAILED = 0.32

#: Close date as a fraction of the planned duration, per outcome (uniform range).
CLOSE_FRACTION = {"failed": (0.40, 0.80), "success": (0.90, 1.10), "challenged": (1.10, 1.50)}

#: Window used by the independence check: outcome-free because no engagement
#: closes before 40 % of its plan.
CHECK_FRACTION = 0.35

PRACTICES = ("Digital Strategy", "Data & Analytics", "ERP Transformation", "Change & Adoption")
PRACTICE_WEIGHTS = (0.25, 0.30, 0.30, 0.15)

#: Client time zones: name, weight. Offsets follow the zone's daylight saving rule.
ZONES = ("europe_central", "united_kingdom", "us_eastern")
ZONE_WEIGHTS = (0.62, 0.10, 0.28)


def planted_betas(planted: Mapping[str, float] | None = None) -> dict[str, float]:
    """Signed betas (latent orientation) from strengths in each family's risky direction.

    ``None`` is the default truth, :data:`PLANTED_BETAS`. Otherwise ``planted``
    maps a family to the increase in failure log-odds per SD of its trait taken
    in the risky direction (more overselling, less champion engagement, ...);
    families left out, or given 0, carry no effect.

    Raises
    ------
    ValueError
        An unknown family, or a strength that is not a finite number >= 0.
    """
    if planted is None:
        return dict(PLANTED_BETAS)
    if not isinstance(planted, Mapping):
        raise ValueError(f"planted must map family names to strengths, got {planted!r}")
    betas = {}
    for family, strength in planted.items():
        if family not in RISK_SIGN:
            raise ValueError(f"planted: unknown family {family!r}; families are {', '.join(FAMILIES)}")
        if isinstance(strength, bool) or not isinstance(strength, (int, float, np.integer, np.floating)):
            raise ValueError(f"planted[{family!r}]: {strength!r} is not a number")
        if not np.isfinite(strength) or strength < 0:
            raise ValueError(
                f"planted[{family!r}]: {strength!r} must be a finite number >= 0 "
                "(the effect in the family's risky direction)"
            )
        if strength > 0:
            betas[family] = RISK_SIGN[family] * float(strength)
    return {family: betas[family] for family in FAMILIES if family in betas}


def _mean_failure_probability(intercept: float, spread: float) -> float:
    nodes, weights = _HERMITE
    return float(np.sum(weights * sigmoid(intercept + spread * nodes)) / np.sum(weights))


def intercept_for(betas: Mapping[str, float]) -> float:
    """The intercept that keeps the default truth's mean failure probability.

    With independent standard-normal latents the mean failure probability
    depends only on the spread ``sqrt(sum of beta^2)``; the intercept is solved
    (bisection) so that every planted set fails about as often as the default
    (base rate near 29%), and power comparisons across strengths are not
    comparisons across base rates. The default truth keeps :data:`INTERCEPT`.
    """
    spread = float(np.sqrt(sum(beta**2 for beta in betas.values())))
    default_spread = float(np.sqrt(sum(beta**2 for beta in PLANTED_BETAS.values())))
    if np.isclose(spread, default_spread, rtol=0, atol=1e-12):
        return INTERCEPT
    target = _mean_failure_probability(INTERCEPT, default_spread)
    low, high = -30.0, 30.0
    for _ in range(200):
        middle = (low + high) / 2
        if _mean_failure_probability(middle, spread) < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def planted_table(planted: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The planted truth, one row per family.

    Parameters
    ----------
    planted : mapping, optional
        Strengths as given to :func:`engagement_analytics.sample.generate`
        (family to effect in its risky direction); default: the default truth.

    Returns
    -------
    pandas.DataFrame
        Columns ``family, planted, direction, beta_per_sd``. ``beta_per_sd`` is
        the increase in failure log-odds per SD of the latent trait taken in
        the risky direction (0 for families that are not planted).
    """
    betas = planted_betas(planted)
    rows = []
    for family in FAMILIES:
        beta = betas.get(family, 0.0)
        if beta > 0:
            direction = "higher_risk_when_more"
        elif beta < 0:
            direction = "higher_risk_when_less"
        else:
            direction = "none"
        rows.append(
            {
                "family": family,
                "planted": "yes" if beta else "no",
                "direction": direction,
                "beta_per_sd": abs(beta),
            }
        )
    return pd.DataFrame(rows)


def failure_log_odds(
    latents: np.ndarray, betas: Mapping[str, float] = PLANTED_BETAS, intercept: float = INTERCEPT
) -> np.ndarray:
    """Failure log-odds of each engagement from its latent traits (n x families)."""
    vector = np.array([betas.get(f, 0.0) for f in FAMILIES])
    return intercept + latents @ vector


def sigmoid(x: np.ndarray | float) -> np.ndarray:
    """Logistic function."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))
