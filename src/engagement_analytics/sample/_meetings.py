"""Meetings of the sample: cadences by kind, organisers, titles, cancellations.

Which latent drives what (and nothing else):

- discovery: discovery meetings in the first weeks, day of the first steering;
- reactivity: the rate of ad-hoc meetings;
- client_ownership: the chance that a client person organises a meeting;
- champion_engagement: the chance that a client-organised session is led by a champion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._contract import MEETING_KIND_CODES, SESSION_KIND_CODES
from ._design import sigmoid
from ._engagements import EngagementPlan
from ._names import AWKWARD_TITLES, HOSTILE_TITLES, TITLES
from ._people import People
from ._time import expand, poisson_days, snap_to_workday, weekday

K = MEETING_KIND_CODES
SESSION_KINDS = np.array(SESSION_KIND_CODES)

#: Base chance that the client organises a meeting, by kind (MEETING_KINDS order).
_CLIENT_ORGANISES = np.array([0.30, 0.15, 0.35, 0.10, 0.20, 0.30, 0.55, 0.30])
_DURATIONS = {
    "steering": (60, 90), "status": (30, 45), "workshop": (120, 180, 240),
    "discovery": (60, 90), "demo": (60,), "training": (120, 240),
    "ad_hoc": (15, 30), "other": (30, 60),
}
_LOCAL_MINUTES = {
    "steering": (840, 960), "status": (540, 600, 840), "workshop": (540, 570, 600, 780, 840),
    "discovery": (540, 600, 660, 840, 900), "demo": (600, 660, 900), "training": (540, 780),
    "ad_hoc": tuple(range(480, 1051, 30)), "other": (720, 960),
}
CANCELLED_SHARE = 0.05


@dataclass
class Meetings:
    """Meetings sorted by engagement and local start; index = meeting number - 1."""

    eng: np.ndarray
    day: np.ndarray
    minute: np.ndarray
    kind: np.ndarray
    duration: np.ndarray
    cancelled: np.ndarray
    organizer: np.ndarray
    title: pa.Array


def _cadence(plan: EngagementPlan, first: np.ndarray, every: np.ndarray):
    count = np.where(first <= plan.end, (plan.end - first) // every + 1, 0)
    eng, k = expand(count)
    return eng, first[eng] + every[eng] * k


def _schedule(rng, plan: EngagementPlan):
    """(engagement, day, kind) of every meeting, unsorted."""
    n = plan.n
    parts = []
    # Weekly status on a fixed weekday (Tue-Thu), some weeks skipped.
    status_day = rng.integers(1, 4, n)
    first = plan.start + 3 + (status_day - weekday(plan.start + 3)) % 7
    eng, day = _cadence(plan, first, np.full(n, 7))
    keep = rng.random(eng.size) > 0.08
    parts.append((eng[keep], day[keep], K["status"]))
    # Steering every 3-5 weeks; how soon the first one comes is a discovery trait.
    z_discovery = plan.z("discovery")
    to_first = np.clip(np.round(21 * np.exp(-0.6 * z_discovery + rng.normal(0, 0.25, n))), 3, 150)
    every = np.array([21, 28, 28, 28, 35])[rng.integers(0, 5, n)]
    eng, day = _cadence(plan, plan.start + to_first.astype(np.int64), every)
    parts.append((eng, snap_to_workday(day, plan.start[eng], plan.end[eng]), K["steering"]))
    # Discovery: mostly in the first three weeks, a few later.
    for count, lo, hi in (
        (rng.poisson(2.2 * np.exp(0.55 * z_discovery - 0.15)), 0, 21),
        (rng.poisson(0.4, n), 21, 56),
    ):
        eng, _ = expand(count)
        day = plan.start[eng] + rng.integers(lo, hi, eng.size)
        day = snap_to_workday(day, plan.start[eng] + lo, plan.start[eng] + hi - 1)
        inside = day <= plan.end[eng]
        parts.append((eng[inside], day[inside], K["discovery"]))
    # Workshops early, demos in the middle, trainings late (position in the plan).
    eng, day = poisson_days(rng, plan.start, plan.end, np.full(n, 0.8))
    position = np.clip((day - plan.start[eng]) / plan.planned_days[eng], 0.0, 1.2)
    p_workshop = 0.7 - 0.5 * position
    p_demo = 0.2 + 0.2 * position
    draw = rng.random(eng.size)
    kind = np.where(draw < p_workshop, K["workshop"],
                    np.where(draw < p_workshop + p_demo, K["demo"], K["training"]))
    parts.append((eng, day, kind))
    eng, day = poisson_days(rng, plan.start, plan.end, 0.3 * np.exp(0.7 * plan.z("reactivity") - 0.245))
    parts.append((eng, day, K["ad_hoc"]))
    eng, day = poisson_days(rng, plan.start, plan.end, np.full(n, 0.04))
    parts.append((eng, day, K["other"]))

    eng = np.concatenate([p[0] for p in parts])
    day = np.concatenate([p[1] for p in parts])
    kind = np.concatenate([np.broadcast_to(p[2], p[0].shape) for p in parts])
    return eng, day, kind


def _by_kind(rng, kind: np.ndarray, options: dict[str, tuple[int, ...]]) -> np.ndarray:
    out = np.zeros(kind.size, dtype=np.int64)
    for name, values in options.items():
        mask = kind == K[name]
        out[mask] = np.asarray(values)[rng.integers(0, len(values), int(mask.sum()))]
    return out


def _organizers(rng, plan: EngagementPlan, people: People, eng, day, kind) -> np.ndarray:
    size = eng.size
    logit = np.log(_CLIENT_ORGANISES / (1 - _CLIENT_ORGANISES))[kind]
    by_client = rng.random(size) < sigmoid(logit + 1.0 * plan.z("client_ownership")[eng])
    client_person = people.client_slot(eng, np.where(rng.random(size) < 0.7, 1, 2))
    # A champion leads some client-organised sessions (champion latent only).
    n_champions = people.n_champions[eng]
    champion = people.client_slot(eng, 3 + np.floor(rng.random(size) * n_champions).astype(np.int64))
    leads = (
        np.isin(kind, SESSION_KINDS)
        & (n_champions > 0)
        & (rng.random(size) < sigmoid(-0.3 + 1.3 * plan.z("champion_engagement")[eng]))
    )
    leads &= people.present(np.where(leads, champion, 0), day)
    client_person = np.where(leads, champion, client_person)

    draw = rng.random(size)
    vendor_slot = np.select(
        [kind == K["steering"], np.isin(kind, SESSION_KINDS), kind == K["ad_hoc"]],
        [np.where(draw < 0.3, 0, 1), np.where(draw < 0.7, 2, 1), np.where(draw < 0.5, 2, 1)],
        default=1,
    )
    return np.where(by_client, client_person, people.vendor_slot(eng, vendor_slot))


def _titles(rng, plan_ids: pa.Array, eng: np.ndarray, kind: np.ndarray) -> pa.Array:
    templates: list[str] = []
    code = np.zeros(kind.size, dtype=np.int64)
    for name, options in TITLES.items():
        mask = kind == K[name]
        code[mask] = len(templates) + rng.integers(0, len(options), int(mask.sum()))
        templates.extend(options)
    draw = rng.random(kind.size)
    awkward = draw < 0.015
    hostile = (draw >= 0.015) & (draw < 0.0175)
    code = np.where(awkward, len(templates) + rng.integers(0, len(AWKWARD_TITLES), kind.size), code)
    templates.extend(AWKWARD_TITLES)
    code = np.where(hostile, len(templates) + rng.integers(0, len(HOSTILE_TITLES), kind.size), code)
    templates.extend(HOSTILE_TITLES)
    empty = rng.random(kind.size) < 0.01
    tag = pc.binary_join_element_wise("[", plan_ids.take(pa.array(eng)), "] ", "")
    text = pa.array(templates, type=pa.string()).take(pa.array(code, mask=empty))
    return pc.binary_join_element_wise(tag, text, "")


def draw_meetings(rng, plan: EngagementPlan, people: People, engagement_ids: pa.Array) -> Meetings:
    """Draw every meeting of every engagement, sorted by engagement and time."""
    eng, day, kind = _schedule(rng, plan)
    minute = _by_kind(rng, kind, _LOCAL_MINUTES)
    order = np.lexsort((kind, minute, day, eng))
    eng, day, kind, minute = eng[order], day[order], kind[order], minute[order]
    duration = _by_kind(rng, kind, _DURATIONS)
    cancelled = rng.random(eng.size) < CANCELLED_SHARE
    organizer = _organizers(rng, plan, people, eng, day, kind)
    title = _titles(rng, engagement_ids, eng, kind)
    return Meetings(eng=eng, day=day, minute=minute, kind=kind, duration=duration,
                    cancelled=cancelled, organizer=organizer, title=title)
