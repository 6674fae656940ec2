"""Stakeholders of the sample: client people from per-client pools, vendor staff.

Each engagement holds a block of people: client slots first, then vendor
slots. Slot 0 is the steering-level person (the executive sponsor, or an
``other`` delegate when no sponsor is named), slot 1 the client lead (the
change agent, or ``other``), slot 2 a resource owner or end user, slots 3+
champions and end users. Keeping the slots fixed means the planted traits
change *roles* and *behaviour*, never how many client people are involved.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from ._design import sigmoid
from ._engagements import EngagementPlan
from ._names import FIRST_NAMES, LAST_NAMES
from ._time import expand, join_text, pick

# Behaviour classes (finer than contract roles: they carry the slot's duty).
SPONSOR, STEER_OTHER, CHANGE_AGENT, LEAD_OTHER, RESOURCE_OWNER = 0, 1, 2, 3, 4
CHAMPION, END_USER, CLIENT_OTHER = 5, 6, 7
PARTNER, ENGAGEMENT_MANAGER, CONSULTANT, SALES = 8, 9, 10, 11
CLASS_ROLE = (
    "executive_sponsor", "other", "change_agent", "other", "resource_owner",
    "champion", "end_user", "other", "partner", "engagement_manager", "consultant", "sales",
)
CLIENT_CLASSES = 8

NEVER = np.iinfo(np.int64).max // 4  # "no left_on": present until the end
ALWAYS = -NEVER  # "no joined_on": present from the start


@dataclass
class People:
    """One entry per person per engagement, grouped by engagement."""

    eng: np.ndarray
    cls: np.ndarray
    person_id: pa.Array
    name: pa.Array
    join: np.ndarray
    left: np.ndarray
    show_join: np.ndarray
    listed: np.ndarray
    first: np.ndarray
    n_client: np.ndarray
    n_vendor: np.ndarray
    n_champions: np.ndarray

    @property
    def is_client(self) -> np.ndarray:
        return self.cls < CLIENT_CLASSES

    def client_slot(self, eng: np.ndarray, slot) -> np.ndarray:
        return self.first[eng] + slot

    def vendor_slot(self, eng: np.ndarray, slot) -> np.ndarray:
        return self.first[eng] + self.n_client[eng] + slot

    def present(self, person: np.ndarray, day: np.ndarray) -> np.ndarray:
        return (self.join[person] <= day) & (day <= self.left[person])


def _name_pool(rng: np.random.Generator, domain: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Unique e-mail ids and display names for one pool member per ``domain`` entry."""
    size = len(domain)
    first = rng.integers(0, len(FIRST_NAMES), size)
    last = rng.integers(0, len(LAST_NAMES), size)
    local = join_text(
        pick([a for _, a in FIRST_NAMES], first), pick([a for _, a in LAST_NAMES], last), separator="."
    )
    # Namesakes within a domain get a number, as mail systems do.
    base = pd.Series(join_text(local, domain, separator="@").to_numpy(zero_copy_only=False))
    repeat = base.groupby(base, sort=False).cumcount().to_numpy()
    suffix = pa.array(np.where(repeat > 0, (repeat + 1).astype(str), ""))
    person_id = join_text(join_text(local, suffix), domain, separator="@")
    name = join_text(
        pick([d for d, _ in FIRST_NAMES], first), pick([d for d, _ in LAST_NAMES], last), separator=" "
    )
    return person_id, name


def _client_members(rng, plan: EngagementPlan, n_client: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """Pick ``n_client[i]`` distinct people from the pool of engagement i's client."""
    n_clients = len(plan.client_names)
    per_client = np.bincount(plan.client, minlength=n_clients)
    pool_size = 6 + 4 * per_client
    pool_first = np.cumsum(pool_size) - pool_size
    owner, _ = expand(pool_size)
    pool_id, pool_name = _name_pool(rng, pick(plan.client_domains, owner))

    eng, member = expand(pool_size[plan.client])
    order = np.lexsort((rng.random(eng.size), eng))
    eng, member = eng[order], member[order]
    rank = np.arange(eng.size) - (np.cumsum(pool_size[plan.client]) - pool_size[plan.client])[eng]
    keep = rank < n_client[eng]
    chosen = pool_first[plan.client[eng[keep]]] + member[keep]
    return pool_id.take(pa.array(chosen)), pool_name.take(pa.array(chosen))


def _distinct_across_pools(person_id: pa.Array) -> pa.Array:
    """Number namesakes across the vendor pools (each pool is only unique in itself).

    Without this a manager and a consultant of one engagement can share an
    address, which duplicates their invitations to a meeting.
    """
    ids = pd.Series(person_id.to_numpy(zero_copy_only=False))
    repeat = ids.groupby(ids, sort=False).cumcount().to_numpy()
    if not repeat.any():
        return person_id
    local, _, domain = ids.str.partition("@").T.to_numpy()
    renamed = np.where(repeat > 0, local + ".v" + (repeat + 1).astype(str) + "@" + domain, ids.to_numpy())
    return pa.array(renamed, type=pa.string())


def _vendor_members(rng, n: int, n_consultants: np.ndarray, has_sales: np.ndarray):
    """Partner, engagement manager, 1-3 distinct consultants and maybe a sales lead."""
    sizes = {"partner": max(4, n // 40), "manager": max(6, n // 12),
             "consultant": max(12, n // 3), "sales": max(3, n // 60)}
    pools = {}
    for key, size in sizes.items():
        pools[key] = _name_pool(rng, pa.array(["vendor.example"] * size))
    offsets = np.cumsum([0] + list(sizes.values()))
    all_id = _distinct_across_pools(pa.concat_arrays([pools[k][0] for k in sizes]))
    all_name = pa.concat_arrays([pools[k][1] for k in sizes])

    n_vendor = 2 + n_consultants + has_sales
    eng, slot = expand(n_vendor)
    size_c = sizes["consultant"]
    # Distinct consultants: a random start and a random stride smaller than a third of the pool.
    start_c = rng.integers(0, size_c, n)
    stride = rng.integers(1, max(2, size_c // 3), n)
    member = np.select(
        [slot == 0, slot == 1, slot < 2 + n_consultants[eng]],
        [offsets[0] + rng.integers(0, sizes["partner"], n)[eng],
         offsets[1] + rng.integers(0, sizes["manager"], n)[eng],
         offsets[2] + (start_c[eng] + (slot - 2) * stride[eng]) % size_c],
        default=offsets[3] + rng.integers(0, sizes["sales"], n)[eng],
    )
    cls = np.select(
        [slot == 0, slot == 1, slot < 2 + n_consultants[eng]],
        [PARTNER, ENGAGEMENT_MANAGER, CONSULTANT],
        default=SALES,
    )
    return all_id.take(pa.array(member)), all_name.take(pa.array(member)), cls, n_vendor


def draw_people(rng: np.random.Generator, plan: EngagementPlan) -> People:
    """Draw every engagement's stakeholders and their presence intervals."""
    n = plan.n
    z_sponsor = plan.z("sponsor_absence")
    z_champion = plan.z("champion_engagement")
    z_ownership = plan.z("client_ownership")

    n_client = rng.integers(4, 11, n)
    has_sponsor = rng.random(n) < sigmoid(2.4 - 0.9 * z_sponsor)
    has_change_agent = rng.random(n) < sigmoid(2.0 + 0.8 * z_ownership)
    has_resource_owner = rng.random(n) < 0.75
    wanted = np.round(1.5 + 1.1 * z_champion + rng.normal(0.0, 0.5, n))
    n_champions = np.clip(wanted, 0, 4).astype(np.int64)
    n_champions = np.minimum(n_champions, n_client - 3)

    eng_c, slot_c = expand(n_client)
    cls_c = np.select(
        [slot_c == 0, slot_c == 1, slot_c == 2, slot_c < 3 + n_champions[eng_c]],
        [np.where(has_sponsor[eng_c], SPONSOR, STEER_OTHER),
         np.where(has_change_agent[eng_c], CHANGE_AGENT, LEAD_OTHER),
         np.where(has_resource_owner[eng_c], RESOURCE_OWNER, END_USER),
         CHAMPION],
        default=np.where(rng.random(eng_c.size) < 0.85, END_USER, CLIENT_OTHER),
    )
    id_c, name_c = _client_members(rng, plan, n_client)

    n_consultants = rng.integers(1, 4, n)
    has_sales = (rng.random(n) < 0.7).astype(np.int64)
    id_v, name_v, cls_v, n_vendor = _vendor_members(rng, n, n_consultants, has_sales)
    eng_v, _ = expand(n_vendor)

    # Interleave into one block per engagement: client slots, then vendor slots.
    eng = np.concatenate([eng_c, eng_v])
    order = np.argsort(eng, kind="stable")
    eng = eng[order]
    cls = np.concatenate([cls_c, cls_v])[order]
    person_id = pa.concat_arrays([id_c, id_v]).take(pa.array(order))
    name = pa.concat_arrays([name_c, name_v]).take(pa.array(order))
    count = n_client + n_vendor
    first = np.cumsum(count) - count

    start, span, end = plan.start[eng], plan.planned_days[eng], plan.end[eng]
    size = eng.size
    # Champion turnover (champion latent only); dates use the plan, not the outcome.
    leaves = (cls == CHAMPION) & (rng.random(size) < sigmoid(-1.5 - 1.0 * z_champion[eng]))
    left = start + np.floor(rng.uniform(0.15, 0.9, size) * span).astype(np.int64)
    left = np.where(leaves & (left <= end), left, NEVER)
    # Some end users join later; people who had not joined by the end are not listed.
    # (Slots 0-2 write messages from day one, so only slots 3+ join late.)
    slot = np.arange(size) - first[eng]
    joins = np.isin(cls, (END_USER, CLIENT_OTHER)) & (slot >= 3) & (rng.random(size) < 0.12)
    join_day = start + np.floor(rng.uniform(0.1, 0.5, size) * span).astype(np.int64)
    join = np.where(joins, join_day, ALWAYS)
    listed = join <= end
    show_join = joins | (rng.random(size) < 0.3)
    return People(
        eng=eng, cls=cls, person_id=person_id, name=name, join=join, left=left,
        show_join=show_join, listed=listed, first=first, n_client=n_client,
        n_vendor=n_vendor, n_champions=n_champions,
    )
