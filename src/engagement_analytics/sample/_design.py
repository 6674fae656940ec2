"""The sample generator's design: families, planted effects and behaviour knobs.

Every number that shapes the synthetic bundle lives here, so that the README,
the tests and the generator read the same values. Latent traits are oriented
so that a higher value means *more of what the family is named after* (more
overselling, more sponsor absence, more client reciprocity, more champion
engagement, ...).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._contract import FAMILIES

#: Change in failure log-odds per SD of the latent trait (sign: latent orientation).
#: The export date of generated bundles unless another is given: no row is dated after it.
DEFAULT_AS_OF = "2026-06-30"

PLANTED_BETAS = {
    "overselling": 1.0,
    "sponsor_absence": 1.0,
    "commitment_reciprocity": -1.0,
    "champion_engagement": -1.0,
}

#: Failure log-odds when every planted latent is 0; puts the base rate near 29 %.
INTERCEPT = -1.55

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


def planted_table() -> pd.DataFrame:
    """The planted truth, one row per family.

    Returns
    -------
    pandas.DataFrame
        Columns ``family, planted, direction, beta_per_sd``. ``beta_per_sd`` is
        the increase in failure log-odds per SD of the latent trait taken in
        the risky direction (0 for families that are not planted).
    """
    rows = []
    for family in FAMILIES:
        beta = PLANTED_BETAS.get(family, 0.0)
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


def failure_log_odds(latents: np.ndarray) -> np.ndarray:
    """Failure log-odds of each engagement from its latent traits (n x families)."""
    betas = np.array([PLANTED_BETAS.get(f, 0.0) for f in FAMILIES])
    return INTERCEPT + latents @ betas


def sigmoid(x: np.ndarray | float) -> np.ndarray:
    """Logistic function."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))
