"""An engagement with no client stakeholder named: client signals are NaN, not invented.

E4 is added to the tiny bundle (conftest.py) and measured as of 2025-03-02.
It starts on Monday 2025-01-06 (day 0), so its window is days 0..55 (56
days). Its stakeholders are vendor people (em4, sa4) plus a client person
``cl4`` who joins on 2025-03-10, after the as-of date. ``cx`` takes part but
is named nowhere (an unknown person).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from engagement_analytics import signals

VENDOR_SIDE = {
    "effort_estimate_to_sold_ratio": 120 / 100,  # estimate 120 / sold 100
    "sales_promises_per_100_sold_days": 100 * 2 / 100,  # k41, k42 vendor sales promises
    "deliverables_per_sold_day": 3 / 100,
    # commitments carry their own owner_side: k43 (client, due d14, done d12) is the only
    # delivery commitment
    "client_commitment_share": 1 / 1,
    "client_on_time_rate": 1 / 1,
    "client_overdue_share": 0 / 1,
    "purpose_statement_agreed": 1.0,
    "discovery_meetings_first_3_weeks": 1.0,  # M42 on d3
    "days_to_first_steering_share": 2 / 56,  # M41 on d2
    # every ad hoc meeting counts, whoever organised it: M43 (organiser cx, unknown)
    "adhoc_meetings_per_week": 1 / 8,
}


def _add(frame: pd.DataFrame, rows: list[tuple]) -> pd.DataFrame:
    extra = pd.DataFrame(rows, columns=frame.columns, dtype=object)
    return pd.concat([frame, extra], ignore_index=True)


def _with_vendor_only_engagement(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {
        "engagements": _add(tables["engagements"], [
            ("E4", "Dyn", "2025-01-06", "2025-04-27", None, None, "100", "120", "3", "Ship it"),
        ]),
        "stakeholders": _add(tables["stakeholders"], [
            ("E4", "em4", "vendor", "engagement_manager", None, None),
            ("E4", "sa4", "vendor", "sales", None, None),
            ("E4", "cl4", "client", "end_user", "2025-03-10", None),  # after the as-of date
        ]),
        "meetings": _add(tables["meetings"], [
            ("M41", "E4", "2025-01-08T10:00:00Z", "60", "steering", "em4", "held"),  # d2
            ("M42", "E4", "2025-01-09T10:00:00Z", "60", "discovery", "em4", "held"),  # d3
            ("M43", "E4", "2025-02-10T10:00:00Z", "30", "ad_hoc", "cx", "held"),  # d35
        ]),
        "attendance": _add(tables["attendance"], [
            ("M41", "em4", "accepted", "true"),
            ("M41", "cx", "accepted", "true"),
            ("M43", "cx", "accepted", "true"),
            ("M43", "em4", "accepted", "true"),
        ]),
        "commitments": _add(tables["commitments"], [
            ("k41", "E4", "2024-12-01", "vendor", "sa4", "sales", None, None, "open"),
            ("k42", "E4", "2024-12-10", "vendor", "sa4", "sales", None, None, "open"),
            ("k43", "E4", "2025-01-10", "client", "cx", "delivery", "2025-01-20", "2025-01-18",
             "done"),
        ]),
        "communications": _add(tables["communications"], [
            ("m41", "E4", "2025-01-21T09:00:00Z", "cx", None),
            ("r41", "E4", "2025-01-21T09:05:00Z", "em4", "m41"),
        ]),
    }


def _signals(tiny_tables, loader, as_of):
    return signals.compute(loader(_with_vendor_only_engagement(tiny_tables)), as_of=as_of)


def test_client_signals_are_nan_without_a_client_named(tiny_tables, loader, as_of):
    e4 = _signals(tiny_tables, loader, as_of).loc["E4"]
    client_side = [name for name in e4.index if name not in VENDOR_SIDE]
    # before the rule these read a made-up client: e.g. 56 days of silence, 0 of 2 meetings
    # organised by the client
    assert len(client_side) == 15
    assert e4[client_side].isna().all(), e4[client_side][e4[client_side].notna()].to_dict()


@pytest.mark.parametrize(("signal", "expected"), sorted(VENDOR_SIDE.items()))
def test_other_signals_keep_their_values(tiny_tables, loader, as_of, signal, expected):
    e4 = _signals(tiny_tables, loader, as_of).loc["E4"]
    assert e4[signal] == pytest.approx(expected, rel=1e-12)


def test_other_engagements_unchanged(tiny_tables, loader, tiny_signals, as_of):
    result = _signals(tiny_tables, loader, as_of)
    pd.testing.assert_frame_equal(result.loc[["E1", "E2"]], tiny_signals)


def test_client_signals_return_once_a_client_is_named(tiny_tables, loader):
    # as of 2025-03-10 (day 63, 64 days) cl4 is named: the client is recognisable, and
    # the rows say it was silent and organised none of the 3 held meetings
    e4 = _signals(tiny_tables, loader, "2025-03-10").loc["E4"]
    assert e4["client_longest_silence_days"] == 64.0
    assert e4["client_days_since_last_activity"] == 64.0
    assert e4["client_organized_meeting_share"] == 0 / 2  # M41, M42 (M43 is ad hoc)
    assert e4["sponsor_named"] == 0.0
    # no client attendance: no meeting the client came to, and a share of 0/0
    assert math.isnan(e4["client_people_per_meeting"])
    assert math.isnan(e4["top_client_attendee_share"])


def test_client_dependent_list_matches_the_catalog():
    # docs/signals.md: the masked signals are exactly those that read the stakeholder list
    from engagement_analytics.signals._families import CLIENT_DEPENDENT

    catalog = signals.catalog()
    reads_stakeholders = catalog.loc[catalog["needs"].str.contains("stakeholders"), "signal"]
    assert set(reads_stakeholders) == CLIENT_DEPENDENT
    assert CLIENT_DEPENDENT.isdisjoint(VENDOR_SIDE)
