"""Message metadata of the sample: client messages, vendor replies, and back.

Volumes are engagement-specific but latent-free; dark spells (going-dark
latent) silence the client; the reactivity latent sets how fast, and how often
instantly, the vendor replies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._dark import DarkSpells
from ._design import sigmoid
from ._engagements import EngagementPlan
from ._people import People
from ._time import choice_codes, poisson_days, utc_offset_minutes

CHANNELS = ("email", "chat", "call")
_CHANNEL_WEIGHTS = (0.70, 0.25, 0.05)
_CLIENT_SENDER_SLOT_WEIGHTS = (0.10, 0.55, 0.35)  # steering level, client lead, slot 2
_DAY_SECONDS = 86_400


@dataclass
class Messages:
    """Messages sorted by engagement and send time; ``parent`` is -1 or an index."""

    eng: np.ndarray
    utc_seconds: np.ndarray
    offset_minutes: np.ndarray
    sender: np.ndarray
    channel: np.ndarray
    parent: np.ndarray


def _business_hours(rng, plan: EngagementPlan, eng: np.ndarray, day: np.ndarray):
    local = day * _DAY_SECONDS + rng.integers(8 * 3600, 18 * 3600, eng.size)
    offset = utc_offset_minutes(plan.zone[eng], day)
    return local - offset * 60, offset


def _replies(rng, plan, eng, parent_utc, delay_minutes, keep):
    utc = parent_utc + np.round(delay_minutes * 60).astype(np.int64)
    offset = utc_offset_minutes(plan.zone[eng], utc // _DAY_SECONDS)
    local_day = (utc + offset * 60) // _DAY_SECONDS
    inside = keep & (local_day <= plan.end[eng]) & (utc // _DAY_SECONDS <= plan.end[eng])
    return utc, offset, inside


def draw_messages(rng, plan: EngagementPlan, people: People, dark: DarkSpells) -> Messages:
    """Draw message threads for every engagement."""
    n = plan.n
    z_react = plan.z("reactivity")
    # Threads opened by the client; silenced in dark spells.
    eng_c, day_c = poisson_days(rng, plan.start, plan.end, 1.7 * np.exp(rng.normal(0, 0.35, n)))
    kept = ~dark.is_dark(eng_c, day_c) | (rng.random(eng_c.size) < 0.1)
    eng_c, day_c = eng_c[kept], day_c[kept]
    utc_c, off_c = _business_hours(rng, plan, eng_c, day_c)
    slot = choice_codes(rng, _CLIENT_SENDER_SLOT_WEIGHTS, eng_c.size)
    sender_c = people.client_slot(eng_c, slot)
    # Vendor replies: instant ones, or a log-normal delay around a reactivity-driven median.
    instant = rng.random(eng_c.size) < sigmoid(-1.8 + 0.9 * z_react[eng_c])
    delay = np.where(
        instant,
        rng.uniform(1.0, 15.0, eng_c.size),
        rng.lognormal(np.log(300.0) - 0.7 * z_react[eng_c], 0.9),
    )
    utc_r, off_r, ok_r = _replies(rng, plan, eng_c, utc_c, delay, rng.random(eng_c.size) < 0.85)
    sender_r = people.vendor_slot(eng_c, np.where(rng.random(eng_c.size) < 0.6, 1, 2))

    # Threads opened by the vendor; the client answers unless it has gone dark.
    eng_v, day_v = poisson_days(rng, plan.start, plan.end, np.full(n, 1.2))
    utc_v, off_v = _business_hours(rng, plan, eng_v, day_v)
    sender_v = people.vendor_slot(eng_v, np.where(rng.random(eng_v.size) < 0.6, 1, 2))
    answer = np.where(dark.is_dark(eng_v, day_v), 0.05, 0.6)
    delay = rng.lognormal(np.log(480.0), 1.0, eng_v.size)
    utc_a, off_a, ok_a = _replies(rng, plan, eng_v, utc_v, delay, rng.random(eng_v.size) < answer)
    slot = choice_codes(rng, _CLIENT_SENDER_SLOT_WEIGHTS, eng_v.size)
    sender_a = people.client_slot(eng_v, slot)

    n_c, n_v = eng_c.size, eng_v.size
    parts = [
        (eng_c, utc_c, off_c, sender_c, np.full(n_c, -1), np.ones(n_c, bool)),
        (eng_c, utc_r, off_r, sender_r, np.arange(n_c), ok_r),
        (eng_v, utc_v, off_v, sender_v, np.full(n_v, -1), np.ones(n_v, bool)),
        (eng_v, utc_a, off_a, sender_a, 2 * n_c + np.arange(n_v), ok_a),
    ]
    cols = [np.concatenate([p[i] for p in parts]) for i in range(5)]
    keep = np.concatenate([p[5] for p in parts])
    channel = choice_codes(rng, _CHANNEL_WEIGHTS, keep.size)
    channel = np.where(cols[4] >= 0, channel[np.maximum(cols[4], 0)], channel)  # reply in kind
    # Sort (kept rows only) and renumber the parents.
    kept_idx = np.flatnonzero(keep)
    order = kept_idx[np.lexsort((cols[1][kept_idx], cols[0][kept_idx]))]
    new_index = np.full(keep.size, -1)
    new_index[order] = np.arange(order.size)
    parent = cols[4][order]
    parent = np.where(parent >= 0, new_index[np.maximum(parent, 0)], -1)
    return Messages(
        eng=cols[0][order], utc_seconds=cols[1][order], offset_minutes=cols[2][order],
        sender=cols[3][order], channel=channel[order], parent=parent,
    )
