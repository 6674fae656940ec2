"""Fixtures of the report tests: a tiny, deterministic bundle whose free text and ids are hostile HTML."""

import csv
import datetime as dt
import random
from pathlib import Path

import pytest

HOSTILE = "<img src=x onerror=alert(1)>"
#: Appended to every engagement id: breaks out of an HTML attribute, then of a script block.
HOSTILE_ID = "\"'><img src=x onerror=alert(1)></script><script>alert(1)</script>"
PERSON_ID_DOMAIN = "@tiny-client.example"


def write_tiny_bundle(folder: Path, *, n: int = 30, seed: int = 7, commitments: bool = True) -> dict:
    """Write engagements, stakeholders, meetings, attendance (and commitments) CSVs.

    Returns the raw person ids and names written, for privacy checks.
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    tables = {k: [] for k in ("engagements", "stakeholders", "meetings", "attendance", "commitments")}
    people = {"ids": [], "names": []}
    start0 = dt.date(2024, 1, 1)
    for i in range(n):
        eid = f"E{i:03d}{HOSTILE_ID}"
        start = start0 + dt.timedelta(days=7 * i)
        end = start + dt.timedelta(days=120)
        closed = i < n - 5
        outcome = ("failed" if i % 3 == 0 else "success") if closed else ""
        tables["engagements"].append({
            "engagement_id": eid, "client": f"Client {HOSTILE}", "practice": f"P{i % 2} {HOSTILE}",
            "start_date": start, "planned_end_date": end, "closed_date": end if closed else "",
            "outcome": outcome, "sold_effort_days": 100, "estimated_effort_days": 100 + rng.randint(0, 60),
            "sold_deliverables": rng.randint(1, 9), "purpose_statement": HOSTILE if i % 2 else "",
        })
        roles = [("client", "executive_sponsor"), ("client", "champion"), ("client", "change_agent"),
                 ("vendor", "engagement_manager")]
        ids = []
        for j, (side, role) in enumerate(roles):
            pid = f"person.{i}.{j}{PERSON_ID_DOMAIN}"
            name = f"Zelda Quuxworth{i}x{j}"
            people["ids"].append(pid)
            people["names"].append(name)
            ids.append(pid)
            tables["stakeholders"].append({"engagement_id": eid, "person_id": pid, "side": side,
                                           "role": role, "name": name})
        for k in range(12):
            mid = f"{eid}-M{k:02d}"
            when = dt.datetime.combine(start + dt.timedelta(days=7 * k), dt.time(9, 0))
            kind = ["steering", "workshop", "status", "discovery"][k % 4]
            tables["meetings"].append({
                "meeting_id": mid, "engagement_id": eid, "start": when.isoformat() + "Z",
                "duration_minutes": 60, "kind": kind, "organizer_id": ids[rng.randrange(4)],
                "title": HOSTILE, "status": "held",
            })
            for pid in ids:
                tables["attendance"].append({
                    "meeting_id": mid, "person_id": pid,
                    "response": "accepted" if rng.random() < 0.7 else "declined",
                })
        for k in range(4):
            made = start + dt.timedelta(days=10 * k)
            done = rng.random() < 0.6
            tables["commitments"].append({
                "commitment_id": f"{eid}-C{k}", "engagement_id": eid, "made_on": made,
                "owner_side": "client" if k % 2 else "vendor", "owner_id": ids[k % 4],
                "phase": "delivery" if k else "sales", "due_date": made + dt.timedelta(days=14),
                "done_on": made + dt.timedelta(days=10) if done else "",
                "status": "done" if done else "open", "description": HOSTILE,
            })
    if not commitments:
        del tables["commitments"]
    for name, rows in tables.items():
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return people


@pytest.fixture(scope="session")
def tiny_bundle_writer():
    """The function that writes the tiny hostile bundle (see :func:`write_tiny_bundle`)."""
    return write_tiny_bundle


@pytest.fixture(scope="session")
def hostile_text():
    """The hostile free text written into every text column of the tiny bundle."""
    return HOSTILE
