"""client_people_per_month counts people per complete 30-day block only.

A hand-built engagement starting Monday 2025-01-06 (day 0) with a weekly
status meeting on days 0, 7, ..., 84 organised by the vendor's ``em``:
``u`` attends every one, ``v`` only day 7 (block d0-29), ``w`` only day 63
(block d60-89). Blocks: d0-29 {u, v}, d30-59 {u}, d60-89 {u, w}.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from engagement_analytics import signals

DAY0 = pd.Timestamp("2025-01-06")


def _weekly_tables() -> dict[str, pd.DataFrame]:
    days = range(0, 85, 7)
    meetings = [
        (f"W{d}", "X", f"{(DAY0 + pd.Timedelta(days=d)).date()}T10:00:00Z", "30", "status", "em",
         "held")
        for d in days
    ]
    attendance = [(f"W{d}", "u", "accepted", "true") for d in days]
    attendance += [("W7", "v", "accepted", "true"), ("W63", "w", "accepted", "true")]
    frame = pd.DataFrame
    return {
        "engagements": frame(
            [("X", "Acme", "2025-01-06", "2025-12-31", None, None, "100", "100", "2", "p")],
            columns=["engagement_id", "client", "start_date", "planned_end_date", "closed_date",
                     "outcome", "sold_effort_days", "estimated_effort_days",
                     "sold_deliverables", "purpose_statement"], dtype=object),
        "stakeholders": frame(
            [("X", "u", "client", "end_user", None, None),
             ("X", "v", "client", "resource_owner", None, None),
             ("X", "w", "client", "end_user", None, None),
             ("X", "em", "vendor", "engagement_manager", None, None)],
            columns=["engagement_id", "person_id", "side", "role", "joined_on", "left_on"],
            dtype=object),
        "meetings": frame(meetings, columns=["meeting_id", "engagement_id", "start",
                                             "duration_minutes", "kind", "organizer_id",
                                             "status"], dtype=object),
        "attendance": frame(attendance, columns=["meeting_id", "person_id", "response",
                                                 "attended"], dtype=object),
    }


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2025-02-03", math.nan),  # day 28: 29 days elapsed, no complete block
        ("2025-02-04", 2 / 1),  # day 29: 30 days, block d0-29 {u, v}
        ("2025-02-09", 2 / 1),  # day 34: 35 days, d30-34 partial and left out
        ("2025-03-06", (2 + 1) / 2),  # day 59: 60 days, blocks {u, v} and {u}
        # day 66: 67 days; w on day 63 is in the partial block d60-66, not counted yet
        ("2025-03-13", (2 + 1) / 2),
        ("2025-04-05", (2 + 1 + 2) / 3),  # day 89: 90 days, third block {u, w} complete
    ],
)
def test_people_per_complete_block(loader, as_of, expected):
    result = signals.compute(loader(_weekly_tables()), as_of=as_of)
    assert result.loc["X", "client_people_per_month"] == pytest.approx(
        expected, rel=1e-12, nan_ok=True
    )


@pytest.mark.parametrize("as_of", ["2025-02-09", "2025-03-06", "2025-03-13"])
def test_one_weekly_person_is_one_person_per_month(loader, as_of):
    tables = _weekly_tables()
    attendance = tables["attendance"]
    tables["attendance"] = attendance.loc[attendance["person_id"] == "u"]
    # only u attends, in every block: 1 person per block at 35, 60 and 67 days alike
    result = signals.compute(loader(tables), as_of=as_of)
    assert result.loc["X", "client_people_per_month"] == 1.0
