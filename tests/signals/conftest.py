"""Hand-built bundles for the signal tests.

``tiny_tables`` is the bundle every per-signal expectation in
``test_signal_values.py`` was worked out on by hand; its layout is described
next to each row so the arithmetic there can be checked against it. Days are
counted from E1's start (Monday 2025-01-06 = day 0); the tests measure as of
2025-03-02 = day 55, so E1's window has 56 days (8 weeks).

``random_tables`` is a seeded, irregular bundle for the as-of and
outcome-blind rules, where hand arithmetic is not the point.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engagement_analytics import load_bundle

AS_OF = "2025-03-02"


def _frame(columns: list[str], rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns, dtype=object)


def make_tiny_tables() -> dict[str, pd.DataFrame]:
    engagements = _frame(
        ["engagement_id", "client", "start_date", "planned_end_date", "closed_date", "outcome",
         "sold_effort_days", "estimated_effort_days", "sold_deliverables", "purpose_statement"],
        [
            ("E1", "Acme", "2025-01-06", "2025-04-27", None, None, "200", "250", "4", "Cut churn"),
            # E2: starts on day 42, nothing but two stakeholders
            ("E2", "Bolt", "2025-02-17", "2025-06-30", None, None, "50", None, None, "  "),
            # E3: starts after the as-of date: left out
            ("E3", "Core", "2025-03-10", "2025-06-30", None, None, "80", "80", "2", "x"),
        ],
    )
    stakeholders = _frame(
        ["engagement_id", "person_id", "side", "role", "joined_on", "left_on"],
        [
            ("E1", "sp", "client", "executive_sponsor", None, None),
            ("E1", "ca", "client", "change_agent", "2025-01-06", None),
            ("E1", "ch1", "client", "champion", None, None),
            ("E1", "ch2", "client", "champion", None, "2025-02-10"),
            ("E1", "eu", "client", "end_user", None, None),
            ("E1", "ru", "client", "resource_owner", None, None),
            ("E1", "late", "client", "end_user", "2025-03-10", None),  # joins after as-of
            ("E1", "em", "vendor", "engagement_manager", None, None),
            ("E1", "co", "vendor", "consultant", None, None),
            ("E1", "sa", "vendor", "sales", None, None),
            ("E2", "u2", "client", "end_user", None, None),
            ("E2", "em2", "vendor", "engagement_manager", None, None),
            ("E3", "u3", "client", "executive_sponsor", None, None),
        ],
    )
    meetings = _frame(
        ["meeting_id", "engagement_id", "start", "duration_minutes", "kind", "organizer_id",
         "status"],
        [
            ("M1", "E1", "2025-01-08T10:00:00Z", "60", "steering", "em", "held"),  # day 2
            ("M2", "E1", "2025-01-09T10:00:00Z", "60", "discovery", "ca", None),  # day 3
            ("M3", "E1", "2025-01-16T10:00:00Z", "60", "discovery", "em", "held"),  # day 10
            ("M4", "E1", "2025-01-20T10:00:00Z", "60", "workshop", "ch1", "held"),  # day 14
            ("M5", "E1", "2025-02-03T10:00:00Z", "60", "steering", "em", "cancelled"),  # day 28
            ("M6", "E1", "2025-01-31T10:00:00Z", "60", "discovery", "co", "held"),  # day 25
            ("M7", "E1", "2025-02-10T10:00:00Z", "30", "ad_hoc", "ca", "held"),  # day 35
            ("M8", "E1", "2025-02-17T10:00:00Z", "60", "steering", "em", "held"),  # day 42
            ("M9", "E1", "2025-02-24T10:00:00Z", "60", "demo", "co", "held"),  # day 49
            ("M10", "E1", "2025-03-07T10:00:00Z", "60", "status", "em", "held"),  # day 60: after
            # day 55 in UTC although local time is already 3 March
            ("M11", "E1", "2025-03-03T00:30:00+02:00", "60", "training", None, "held"),
            ("M12", "E3", "2025-03-11T10:00:00Z", "60", "steering", "u3", "held"),
        ],
    )
    attendance = _frame(
        ["meeting_id", "person_id", "response", "attended"],
        [
            ("M1", "sp", "accepted", None),  # empty + accepted = attended
            ("M1", "ca", "accepted", "true"),
            ("M1", "em", "accepted", "true"),
            ("M2", "ca", "accepted", "yes"),
            ("M2", "eu", "none", "false"),
            ("M2", "co", "accepted", "true"),
            ("M3", "ch1", "accepted", None),
            ("M3", "eu", "accepted", "true"),
            ("M3", "ca", "tentative", None),  # empty + tentative = not attended
            ("M4", "ch1", "accepted", "true"),
            ("M4", "ch2", "declined", "false"),
            ("M4", "ca", "accepted", "true"),
            ("M4", "x1", "accepted", "true"),  # unknown person
            ("M5", "sp", "accepted", "true"),  # cancelled meeting: never attended
            ("M6", "eu", "accepted", "true"),
            ("M7", "ca", "accepted", "true"),
            ("M7", "co", "accepted", "true"),
            ("M8", "sp", "declined", "false"),
            ("M8", "ca", "accepted", None),
            ("M8", "ru", "none", "false"),
            ("M9", "ch1", "accepted", "false"),
            ("M9", "ch2", "accepted", None),
            ("M9", "sp", "accepted", "true"),
            ("M10", "sp", "accepted", "true"),
            ("M11", "ch1", "accepted", "true"),
            ("M12", "u3", "accepted", "true"),
        ],
    )
    commitments = _frame(
        ["commitment_id", "engagement_id", "made_on", "owner_side", "owner_id", "phase",
         "due_date", "done_on", "status"],
        [
            ("c1", "E1", "2024-12-01", "vendor", "sa", "sales", None, None, "open"),
            ("c2", "E1", "2024-12-15", "vendor", "sa", "sales", None, None, "done"),
            ("c3", "E1", "2025-01-10", "vendor", "em", None, "2025-01-30", None, "open"),
            ("c4", "E1", "2025-01-10", "client", "ca", "delivery", "2025-01-20", "2025-01-18",
             "done"),
            ("c5", "E1", "2025-01-15", "client", "ca", "delivery", "2025-02-01", "2025-02-05",
             "done"),
            ("c6", "E1", "2025-01-20", "client", "ca", "delivery", "2025-02-20", "2025-03-10",
             "done"),
            ("c7", "E1", "2025-02-01", "client", "eu", "delivery", "2025-03-15", None, "open"),
            ("c8", "E1", "2025-02-10", "client", "ru", "delivery", "2025-02-25", None, "dropped"),
            ("c9", "E1", "2025-03-05", "client", "ca", "delivery", "2025-03-06", None, "open"),
            ("c10", "E1", "2025-01-12", "client", "ca", "delivery", None, None, "open"),
        ],
    )
    communications = _frame(
        ["message_id", "engagement_id", "sent_at", "from_id", "in_reply_to"],
        [
            ("m1", "E1", "2025-01-21T09:00:00Z", "sp", None),  # Tuesday, day 15
            ("r1", "E1", "2025-01-21T09:10:00Z", "co", "m1"),  # 10 minutes: instant
            ("m2", "E1", "2025-02-05T10:00:00Z", "ca", None),  # Wednesday, day 30
            ("r2", "E1", "2025-02-05T14:00:00Z", "em", "m2"),  # 4 h, business hours
            ("r3", "E1", "2025-02-08T11:00:00Z", "em", "m2"),  # Saturday, 73 h
            ("m3", "E1", "2025-02-06T10:00:00Z", "x2", None),  # unknown sender
            ("r4", "E1", "2025-02-06T11:00:00Z", "co", "m3"),  # reply to a non-client
            ("m4", "E1", "2025-03-05T10:00:00Z", "eu", None),  # after as-of
            ("r5", "E1", "2025-03-03T00:30:00Z", "co", "m1"),  # after as-of (UTC day 56)
        ],
    )
    return {
        "engagements": engagements,
        "stakeholders": stakeholders,
        "meetings": meetings,
        "attendance": attendance,
        "commitments": commitments,
        "communications": communications,
    }


def load(tables: dict[str, pd.DataFrame]):
    return load_bundle({k: v.copy() for k, v in tables.items()}, pseudonymize=False)


@pytest.fixture
def tiny_tables() -> dict[str, pd.DataFrame]:
    return make_tiny_tables()


@pytest.fixture(scope="module")
def tiny_signals() -> pd.DataFrame:
    """Signals of the tiny bundle as of :data:`AS_OF`."""
    from engagement_analytics import signals

    return signals.compute(load(make_tiny_tables()), as_of=AS_OF)


@pytest.fixture
def as_of() -> str:
    return AS_OF


@pytest.fixture
def loader():
    """``load(tables)``: load raw tables without pseudonymising ids."""
    return load


def make_random_tables(seed: int = 7, n_engagements: int = 8) -> dict[str, pd.DataFrame]:
    """A seeded irregular bundle: every table, offsets, cancellations, unknown people."""
    rng = np.random.default_rng(seed)
    base = pd.Timestamp("2025-01-01")
    kinds = ["steering", "status", "workshop", "discovery", "demo", "training", "ad_hoc", "other"]
    client_roles = ["executive_sponsor", "change_agent", "champion", "resource_owner", "end_user"]
    eng_rows, st_rows, m_rows, a_rows, c_rows, msg_rows = [], [], [], [], [], []
    for e in range(n_engagements):
        eid = f"E{e}"
        start = base + pd.Timedelta(days=int(rng.integers(0, 40)))
        planned = start + pd.Timedelta(days=int(rng.integers(30, 150)))
        closed = start + pd.Timedelta(days=int(rng.integers(20, 160))) if e % 2 else None
        eng_rows.append((
            eid, "C", start.date().isoformat(), planned.date().isoformat(),
            closed.date().isoformat() if closed is not None else None,
            rng.choice(["success", "challenged", "failed"]) if closed is not None else None,
            str(int(rng.integers(20, 300))), str(int(rng.integers(20, 300))),
            str(int(rng.integers(0, 9))), "p" if rng.random() < 0.5 else None,
        ))
        people = [(f"{eid}c{i}", "client", client_roles[i % 5]) for i in range(6)]
        people += [(f"{eid}v{i}", "vendor", "consultant") for i in range(3)]
        for pid, side, role in people:
            joined = start + pd.Timedelta(days=int(rng.integers(-10, 60)))
            left = joined + pd.Timedelta(days=int(rng.integers(5, 90))) if rng.random() < 0.3 else None
            st_rows.append((eid, pid, side, role, joined.date().isoformat() if rng.random() < 0.6
                            else None, left.date().isoformat() if left is not None else None))
        ids = [p[0] for p in people] + ["stranger"]
        for k in range(int(rng.integers(5, 40))):
            mid = f"{eid}m{k}"
            when = start + pd.Timedelta(minutes=int(rng.integers(-3 * 1440, 170 * 1440)))
            offset = rng.choice(["Z", "+05:00", "-08:00"])
            stamp = (when.tz_localize("UTC").tz_convert(
                "UTC" if offset == "Z" else ("Etc/GMT-5" if offset == "+05:00" else "Etc/GMT+8"))
            ).isoformat()
            m_rows.append((mid, eid, stamp, "45", rng.choice(kinds), rng.choice(ids),
                           "cancelled" if rng.random() < 0.1 else None))
            for pid in rng.choice(ids, size=int(rng.integers(1, 6)), replace=False):
                a_rows.append((mid, pid, rng.choice(["accepted", "declined", "tentative", "none"]),
                               rng.choice(["true", "false", None])))
        for k in range(int(rng.integers(0, 12))):
            made = start + pd.Timedelta(days=int(rng.integers(-30, 120)))
            due = made + pd.Timedelta(days=int(rng.integers(0, 30)))
            status = rng.choice(["open", "done", "dropped"])
            done = made + pd.Timedelta(days=int(rng.integers(0, 40))) if status == "done" else None
            c_rows.append((f"{eid}k{k}", eid, made.date().isoformat(), rng.choice(["client", "vendor"]),
                           rng.choice(ids), rng.choice(["sales", "delivery", None]),
                           due.date().isoformat() if rng.random() < 0.8 else None,
                           done.date().isoformat() if done is not None else None, status))
        sent = []
        for k in range(int(rng.integers(0, 30))):
            when = start + pd.Timedelta(minutes=int(rng.integers(0, 160 * 1440)))
            parent = sent[int(rng.integers(0, len(sent)))] if sent and rng.random() < 0.6 else None
            if parent is not None and parent[1] > when:
                when = parent[1] + pd.Timedelta(minutes=int(rng.integers(1, 3000)))
            mid = f"{eid}x{k}"
            sent.append((mid, when))
            msg_rows.append((mid, eid, when.tz_localize("UTC").isoformat(), rng.choice(ids),
                             parent[0] if parent is not None else None))
    return {
        "engagements": _frame(
            ["engagement_id", "client", "start_date", "planned_end_date", "closed_date",
             "outcome", "sold_effort_days", "estimated_effort_days", "sold_deliverables",
             "purpose_statement"], eng_rows),
        "stakeholders": _frame(
            ["engagement_id", "person_id", "side", "role", "joined_on", "left_on"], st_rows),
        "meetings": _frame(
            ["meeting_id", "engagement_id", "start", "duration_minutes", "kind", "organizer_id",
             "status"], m_rows),
        "attendance": _frame(["meeting_id", "person_id", "response", "attended"], a_rows),
        "commitments": _frame(
            ["commitment_id", "engagement_id", "made_on", "owner_side", "owner_id", "phase",
             "due_date", "done_on", "status"], c_rows),
        "communications": _frame(
            ["message_id", "engagement_id", "sent_at", "from_id", "in_reply_to"], msg_rows),
    }


@pytest.fixture
def random_tables() -> dict[str, pd.DataFrame]:
    return make_random_tables()
