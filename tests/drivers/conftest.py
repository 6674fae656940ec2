"""Synthetic signal frames with a planted truth, and a stand-in catalog from the agreed spec."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

H, L = "higher_is_riskier", "lower_is_riskier"

# A slice of the catalog: three families, six signals.
STAND_IN_CATALOG = pd.DataFrame(
    [
        ("effort_estimate_to_sold_ratio", "overselling", H, "ratio", "estimate / sold effort"),
        ("deliverables_per_sold_day", "overselling", H, "per sold day", "deliverables per day"),
        ("sponsor_steering_attendance_rate", "sponsor_absence", L, "share", "sponsor at steering"),
        ("sponsor_decline_rate", "sponsor_absence", H, "share", "sponsor declines"),
        ("client_longest_silence_days", "going_dark", H, "days", "silence"),
        ("client_days_since_last_activity", "going_dark", H, "days", "days since last activity"),
    ],
    columns=["signal", "family", "direction", "unit", "description"],
)


def planted_frame(n: int = 400, seed: int = 7) -> tuple[pd.DataFrame, pd.Series]:
    """Signals and outcomes where only overselling (up) and sponsor attendance (down) matter.

    The true log-odds is ``-1 + 1.0 * z(effort ratio) - 1.0 * z(sponsor attendance)``;
    the other four signals are independent noise.
    """
    rng = np.random.default_rng(seed)
    index = pd.Index([f"E{i:04d}" for i in range(n)], name="engagement_id")
    effort = rng.lognormal(0.1, 0.3, n)
    attendance = rng.beta(3, 2, n)
    frame = pd.DataFrame(
        {
            "effort_estimate_to_sold_ratio": effort,
            "deliverables_per_sold_day": rng.gamma(2.0, 0.05, n),
            "sponsor_steering_attendance_rate": attendance,
            "sponsor_decline_rate": rng.beta(1, 6, n),
            "client_longest_silence_days": np.round(rng.gamma(3.0, 3.0, n)),
            "client_days_since_last_activity": np.round(rng.exponential(2.0, n)),
        },
        index=index,
    )
    # Some signals are not measurable for every engagement.
    frame.loc[rng.random(n) < 0.15, "client_days_since_last_activity"] = np.nan
    frame.loc[rng.random(n) < 0.10, "sponsor_steering_attendance_rate"] = np.nan
    z_effort = (effort - effort.mean()) / effort.std()
    z_attendance = (attendance - attendance.mean()) / attendance.std()
    logit = -1.0 + 1.0 * z_effort - 1.0 * z_attendance
    failed = rng.random(n) < 1 / (1 + np.exp(-logit))
    # Among the others, a third were challenged: they count as events only for
    # outcome="failed_or_challenged".
    challenged = ~failed & (rng.random(n) < 1 / 3)
    outcomes = pd.Series(
        np.where(failed, "failed", np.where(challenged, "challenged", "success")),
        index=index, name="outcome",
    )
    return frame, outcomes


# Session-scoped so that module-scoped results can share them: tests must not mutate them.
@pytest.fixture(scope="session")
def catalog() -> pd.DataFrame:
    return STAND_IN_CATALOG.copy()


@pytest.fixture(scope="session")
def planted() -> tuple[pd.DataFrame, pd.Series]:
    return planted_frame()


@pytest.fixture
def make_planted():
    """The frame builder itself, for tests that need another size or seed."""
    return planted_frame


def tiny_bundle_tables(outcomes: list[str | None], *, failed_close: str = "2025-03-02",
                       ) -> dict[str, pd.DataFrame]:
    """Raw contract tables of a minimal bundle: one engagement per outcome (None = active).

    Closed engagements close on their planned end date, failed ones on ``failed_close``.

    Every engagement runs 8 weeks from 2025-01-06, has a sponsor and a consultant and
    one weekly steering meeting the sponsor attends on even weeks (odd-numbered
    engagements) or all weeks (even-numbered ones).
    """
    engagements, stakeholders, meetings, attendance = [], [], [], []
    for i, outcome in enumerate(outcomes):
        eid = f"ENG{i:03d}"
        engagements.append({
            "engagement_id": eid, "client": f"Client {i}", "start_date": "2025-01-06",
            "planned_end_date": "2025-03-02", "sold_effort_days": "100",
            "estimated_effort_days": str(90 + 5 * (i % 7)), "sold_deliverables": "4",
            "closed_date": (failed_close if outcome == "failed" else "2025-03-02") if outcome else "",
            "outcome": outcome or "",
        })
        stakeholders += [
            {"engagement_id": eid, "person_id": f"sponsor{i}", "side": "client",
             "role": "executive_sponsor"},
            {"engagement_id": eid, "person_id": f"consultant{i}", "side": "vendor",
             "role": "consultant"},
        ]
        for week in range(8):
            mid = f"{eid}-M{week}"
            day = pd.Timestamp("2025-01-07") + pd.Timedelta(weeks=week)
            meetings.append({"meeting_id": mid, "engagement_id": eid,
                             "start": f"{day.date()}T10:00:00Z", "duration_minutes": "60",
                             "kind": "steering", "organizer_id": f"consultant{i}"})
            attended = i % 2 == 0 or week % 2 == 0
            attendance += [
                {"meeting_id": mid, "person_id": f"sponsor{i}", "response": "accepted",
                 "attended": "true" if attended else "false"},
                {"meeting_id": mid, "person_id": f"consultant{i}", "response": "accepted",
                 "attended": "true"},
            ]
    return {"engagements": pd.DataFrame(engagements), "stakeholders": pd.DataFrame(stakeholders),
            "meetings": pd.DataFrame(meetings), "attendance": pd.DataFrame(attendance)}


@pytest.fixture
def make_tiny_bundle():
    """The raw-table builder itself (for ``load_bundle`` of a dict)."""
    return tiny_bundle_tables


@pytest.fixture
def write_tiny_bundle(tmp_path):
    """Write :func:`tiny_bundle_tables` as CSV files into a folder and return its path."""

    def write(outcomes: list[str | None]):
        folder = tmp_path / "bundle"
        folder.mkdir()
        for name, frame in tiny_bundle_tables(outcomes).items():
            frame.to_csv(folder / f"{name}.csv", index=False)
        return folder

    return write
