"""Engagement-level draws of the sample: latent traits, plan, outcome, commercials.

The outcome depends on the planted latent traits only, and it decides nothing
but the close date: activity is generated from the latent traits and simply
stops at ``min(closed_date, as_of)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .._contract import OUTCOMES
from ._design import (
    CHALLENGED_SHARE_OF_NON_FAILED,
    CLOSE_FRACTION,
    FAMILIES,
    INTERCEPT,
    PLANTED_BETAS,
    PRACTICE_WEIGHTS,
    ZONE_WEIGHTS,
    failure_log_odds,
    sigmoid,
)
from ._names import COMPANY_FORMS, COMPANY_HEADS, COMPANY_TRADES, PURPOSES
from ._time import choice_codes

#: Outcome codes used internally, in the order of ``_contract.OUTCOMES``.
#: Outcome codes 0, 1, 2 of the plan, in the contract's order.
OUTCOME_NAMES = OUTCOMES


@dataclass
class EngagementPlan:
    """Per-engagement arrays (index ``i`` is engagement ``i``); days since epoch."""

    latents: np.ndarray
    client: np.ndarray
    client_names: list[str]
    client_domains: list[str]
    practice: np.ndarray
    zone: np.ndarray
    start: np.ndarray
    planned_days: np.ndarray
    close_day: np.ndarray
    closed: np.ndarray
    end: np.ndarray
    outcome: np.ndarray
    log_odds: np.ndarray
    sold_days: np.ndarray
    estimated_days: np.ndarray
    deliverables: np.ndarray
    contract_value: np.ndarray
    purpose: np.ndarray

    @property
    def n(self) -> int:
        return int(self.start.size)

    def z(self, family: str) -> np.ndarray:
        """The standardised latent trait of ``family``."""
        return self.latents[:, FAMILIES.index(family)]


def _whitened(draws: np.ndarray) -> np.ndarray:
    """Exactly mean 0, SD 1 and uncorrelated in the sample, so that any link
    between families seen in the data comes from the generator, not from chance."""
    if draws.shape[0] <= 2 * draws.shape[1]:
        return draws
    centred = draws - draws.mean(axis=0)
    cholesky = np.linalg.cholesky(np.cov(centred, rowvar=False))
    return np.linalg.solve(cholesky, centred.T).T


def _balanced(latents: np.ndarray, outcome: np.ndarray, closed: np.ndarray,
              planted: Mapping[str, float]) -> np.ndarray:
    """Give the non-planted latents the same mean in every outcome group of the closed engagements.

    The outcome is drawn from the planted latents only, but in a finite sample a
    non-planted latent still differs between failed and other engagements by
    chance (|r| of 0.1 or more at 240 closed engagements), and a faithful
    signal then reports that chance link. Centring each outcome group on the
    closed engagements' mean (a balanced design, like stratified assignment)
    removes it, so a non-planted family that comes out in the drivers points at
    leakage, not luck. The failure odds are untouched.
    """
    balanced = latents.copy()
    not_planted = [i for i, family in enumerate(FAMILIES) if family not in planted]
    if closed.sum() < 2 or not not_planted:
        return balanced
    overall = latents[closed][:, not_planted].mean(axis=0)
    for group in np.unique(outcome[closed]):
        members = closed & (outcome == group)
        balanced[np.ix_(members, not_planted)] += overall - latents[members][:, not_planted].mean(axis=0)
    return balanced


def _clients(rng: np.random.Generator, n_clients: int) -> tuple[list[str], list[str]]:
    n_heads, n_trades, n_forms = len(COMPANY_HEADS), len(COMPANY_TRADES), len(COMPANY_FORMS)
    space = n_heads * n_trades * n_forms
    if n_clients > space:
        raise ValueError(f"n_engagements too large: at most {3 * space} engagements supported")
    combo = rng.choice(space, size=n_clients, replace=False)
    head, rest = np.divmod(combo, n_trades * n_forms)
    trade, form = np.divmod(rest, n_forms)
    names, domains = [], []
    for h, t, f in zip(head.tolist(), trade.tolist(), form.tolist(), strict=True):
        legal = COMPANY_FORMS[f]
        sep = "" if legal.startswith(",") else " "
        names.append(f"{COMPANY_HEADS[h]} {COMPANY_TRADES[t]}{sep}{legal}")
        slug = "".join(ch for ch in legal.lower() if ch.isalnum())
        domains.append(f"{COMPANY_HEADS[h]}-{COMPANY_TRADES[t]}-{slug}.example".lower())
    return names, domains


def draw_engagements(
    rng: np.random.Generator, n: int, as_of: int, *,
    betas: Mapping[str, float] = PLANTED_BETAS, intercept: float = INTERCEPT,
) -> EngagementPlan:
    """Draw the engagement plan for ``n`` engagements ending no later than ``as_of``.

    ``betas`` (signed, latent orientation) and ``intercept`` set the failure odds.
    """
    latents = _whitened(rng.standard_normal((n, len(FAMILIES))))
    z_over = latents[:, FAMILIES.index("overselling")]

    n_clients = max(3, round(n / 3))
    client_names, client_domains = _clients(rng, n_clients)
    client = rng.integers(0, n_clients, n)

    # Starts spread over 2.5 years, denser recently (a growing practice).
    start = as_of - 14 - np.floor(900 * rng.random(n) ** 1.25).astype(np.int64)
    weeks = np.clip(np.round(np.exp(rng.normal(np.log(22.0), 0.45, n))), 8, 52).astype(np.int64)
    planned_days = 7 * weeks

    log_odds = failure_log_odds(latents, betas, intercept)
    failed = rng.random(n) < sigmoid(log_odds)
    challenged = ~failed & (rng.random(n) < CHALLENGED_SHARE_OF_NON_FAILED)
    outcome = np.where(failed, 2, np.where(challenged, 1, 0))
    bounds = np.array([CLOSE_FRACTION[name] for name in OUTCOME_NAMES])
    fraction = bounds[outcome, 0] + (bounds[outcome, 1] - bounds[outcome, 0]) * rng.random(n)
    close_day = start + np.maximum(np.round(fraction * planned_days).astype(np.int64), 1) - 1
    closed = close_day <= as_of
    end = np.minimum(close_day, as_of)

    latents = _balanced(latents, outcome, closed, betas)

    full_time_equivalents = rng.uniform(0.8, 4.0, n)
    sold_days = np.maximum(np.round(weeks * 5 * full_time_equivalents), 5).astype(np.int64)
    # Overselling: the delivery team's estimate exceeds what sales priced, and
    # the statement of work promises many deliverables per sold day.
    ratio = np.exp(0.12 + 0.25 * z_over + rng.normal(0.0, 0.06, n))
    estimated_days = np.maximum(np.round(sold_days * ratio), 1).astype(np.int64)
    deliverables = rng.poisson(sold_days / 45.0 * np.exp(0.35 * z_over - 0.06))
    day_rate = np.array([950, 1100, 1250, 1400, 1600])[rng.integers(0, 5, n)]

    # The balanced trait: the raw one still carries its chance link to the outcome.
    agreed = rng.random(n) < sigmoid(1.0 + 1.1 * latents[:, FAMILIES.index("discovery")])
    purpose = np.where(agreed, rng.integers(0, len(PURPOSES), n), -1)

    return EngagementPlan(
        latents=latents,
        client=client,
        client_names=client_names,
        client_domains=client_domains,
        practice=choice_codes(rng, PRACTICE_WEIGHTS, n),
        zone=choice_codes(rng, ZONE_WEIGHTS, n),
        start=start,
        planned_days=planned_days,
        close_day=close_day,
        closed=closed,
        end=end,
        outcome=outcome,
        log_odds=log_odds,
        sold_days=sold_days,
        estimated_days=estimated_days,
        deliverables=deliverables,
        contract_value=sold_days * day_rate,
        purpose=purpose,
    )
