"""Commitments of the sample: sales-phase promises and the delivery RAID log.

Overselling drives promises per sold day; commitment reciprocity drives the
client's share of delivery commitments and its on-time completion; client
ownership drives the share owned by the client's lead roles. The three are
kept apart: the lead roles' share is fixed by ownership, reciprocity only
moves commitments between other client people and the vendor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._design import sigmoid
from ._engagements import EngagementPlan
from ._people import CHANGE_AGENT, RESOURCE_OWNER, SALES, SPONSOR, People
from ._time import choice_codes, expand, poisson_days

NO_DATE = np.iinfo(np.int64).min
STATUSES = ("open", "done", "dropped")
_LEAD_SLOT_WEIGHTS = (0.15, 0.60, 0.25)  # sponsor, change agent, resource owner slots


@dataclass
class Commitments:
    """Commitments sorted by engagement and made_on; ``owner`` -1 = no owner named."""

    eng: np.ndarray
    made: np.ndarray
    due: np.ndarray
    done: np.ndarray
    status: np.ndarray
    client: np.ndarray
    sales: np.ndarray
    owner: np.ndarray


def _sales_promises(rng, plan: EngagementPlan, people: People):
    rate = plan.sold_days / 100.0 * 3.0 * np.exp(0.5 * plan.z("overselling") - 0.125)
    eng, _ = expand(rng.poisson(rate))
    size = eng.size
    made = plan.start[eng] - rng.integers(10, 91, size)
    due = plan.start[eng] + np.floor(rng.random(size) * plan.planned_days[eng]).astype(np.int64)
    done = np.maximum(due + rng.integers(-10, 16, size), plan.start[eng])
    fate = choice_codes(rng, (0.30, 0.55, 0.15), size)  # open, kept, dropped
    # The sales lead (last vendor slot, when there is one) made the promise, else the partner.
    last = people.vendor_slot(eng, people.n_vendor[eng] - 1)
    owner = np.where(people.cls[last] == SALES, last, people.vendor_slot(eng, 0))
    return eng, made, due, done, fate, owner


def _lead_owner(rng, people: People, eng: np.ndarray) -> np.ndarray:
    preferred = choice_codes(rng, _LEAD_SLOT_WEIGHTS, eng.size)
    owner = people.client_slot(eng, preferred)
    for slot in (1, 0, 2):
        is_lead = np.isin(people.cls[owner], (SPONSOR, CHANGE_AGENT, RESOURCE_OWNER))
        owner = np.where(is_lead, owner, people.client_slot(eng, slot))
    return owner


def draw_commitments(rng, plan: EngagementPlan, people: People) -> Commitments:
    """Draw sales-phase promises and delivery-phase commitments."""
    s_eng, s_made, s_due, s_done, s_fate, s_owner = _sales_promises(rng, plan, people)

    eng, made = poisson_days(rng, plan.start, plan.end, np.full(plan.n, 1.2))
    size = eng.size
    q_lead = 0.05 + 0.25 * sigmoid(1.2 * plan.z("client_ownership")[eng])
    s_client = 0.15 + 0.55 * sigmoid(1.2 * plan.z("commitment_reciprocity")[eng])
    draw = rng.random(size)
    lead = draw < q_lead
    client = draw < q_lead + (1 - q_lead) * s_client
    other_slot = 3 + np.floor(rng.random(size) * (people.n_client[eng] - 3)).astype(np.int64)
    other = people.client_slot(eng, other_slot)
    other = np.where(people.present(other, made), other, -1)
    vendor = people.vendor_slot(eng, np.where(rng.random(size) < 0.5, 1, 2))
    owner = np.where(lead, _lead_owner(rng, people, eng), np.where(client, other, vendor))

    due = made + rng.integers(5, 31, size)
    on_time_chance = np.where(
        client, sigmoid(0.6 + 1.3 * plan.z("commitment_reciprocity")[eng]), 0.75
    )
    on_time = rng.random(size) < on_time_chance
    early = made + np.floor(rng.random(size) * (due - made + 1)).astype(np.int64)
    late = due + 1 + rng.geometric(1 / 12, size)
    done = np.where(on_time, early, late)
    never = ~on_time & (rng.random(size) < 0.25)
    fate = np.where(rng.random(size) < 0.05, 2, np.where(never, 0, 1))

    eng_all = np.concatenate([s_eng, eng])
    made_all = np.concatenate([s_made, made])
    fate_all = np.concatenate([s_fate, fate])
    done_all = np.concatenate([s_done, done])
    # Work not finished by the end of the activity window is still open.
    finished = (fate_all == 1) & (done_all <= plan.end[eng_all])
    status = np.where(fate_all == 2, 2, np.where(finished, 1, 0))
    order = np.lexsort((made_all, eng_all))
    return Commitments(
        eng=eng_all[order],
        made=made_all[order],
        due=np.concatenate([s_due, due])[order],
        done=np.where(finished, done_all, NO_DATE)[order],
        status=status[order],
        client=np.concatenate([np.zeros(s_eng.size, bool), client])[order],
        sales=np.concatenate([np.ones(s_eng.size, bool), np.zeros(size, bool)])[order],
        owner=np.concatenate([s_owner, owner])[order],
    )
