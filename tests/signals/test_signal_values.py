"""Every signal against a value worked out by hand on the tiny bundle (conftest.py).

E1 is measured as of 2025-03-02: days 0..55, elapsed 56 days (8 weeks).
Held meetings in E1's window: M1 d2 steering, M2 d3 discovery, M3 d10 discovery,
M4 d14 workshop, M6 d25 discovery, M7 d35 ad_hoc, M8 d42 steering, M9 d49 demo,
M11 d55 training (organizer empty). M5 (d28) is cancelled, M10 (d60) is after.
Client stakeholders named by then: sp, ca, ch1, ch2, eu, ru (6; "late" joins after).
Client attendances (held, attended): M1 sp ca | M2 ca | M3 ch1 eu | M4 ch1 ca |
M6 eu | M7 ca | M8 ca | M9 ch2 sp | M11 ch1  -> 13 in all. A role's attendance
counts only at meetings the rest of the client side came to: at least half of
the other client people invited attended (unknown people are not client).
E2 (days 42..55, elapsed 14) has no meetings, no commitments, no messages.
"""

from __future__ import annotations

import math

import pytest

from engagement_analytics import signals

E1 = [
    # overselling
    ("effort_estimate_to_sold_ratio", 250 / 200),  # estimate 250 / sold 200
    ("sales_promises_per_100_sold_days", 100 * 2 / 200),  # c1, c2 vendor sales promises
    ("deliverables_per_sold_day", 4 / 200),
    # sponsor_absence
    ("sponsor_named", 1.0),
    # held steering the rest of the client came to: M1 (ca of ca; sp there), M8 (ca of ca ru:
    # half; sp declined)
    ("sponsor_steering_attendance_rate", 1 / 2),
    # sp invitations where the rest came: M1 (ca of ca), M8 (ca of ca ru, declined), M9 (ch2 of
    # ch1 ch2); M5 cancelled (nobody invited to a held meeting), M10 after
    ("sponsor_decline_rate", 1 / 3),
    # going_dark: client activity days 2,3,10,14,15(msg m1),25,30(msg m2),35,42,49,55;
    # longest stretch d16-24 = 9 days; the last activity is on the last day (d55)
    ("client_longest_silence_days", 9.0),
    ("client_days_since_last_activity", 0.0),
    # client_ownership: held with organizer, ad hoc aside: M1 M2 M3 M4 M6 M8 M9 (7; M7 is
    # ad hoc); client: M2 ca, M4 ch1
    ("client_organized_meeting_share", 2 / 7),
    # ca invited to held M1 M2 M3 M4 M7 M8; the rest came to M1 (sp of sp), M3 (ch1 eu of
    # ch1 eu), M4 (ch1 of ch1 ch2), not M2 (eu absent), M7 (nobody else), M8 (sp ru absent);
    # ca attended M1, M4, not M3 (tentative, empty attended) -> 2 of 3
    ("change_agent_attendance_rate", 2 / 3),
    # commitment_reciprocity: delivery made by d55: c3 (vendor), c4 c5 c6 c7 c8 c10 (client)
    ("client_commitment_share", 6 / 7),
    # client due by 2025-03-02: c4 (done early), c5 (late), c6 (done 03-10: not yet), c8
    # (dropped, never done)
    ("client_on_time_rate", 1 / 4),
    ("client_overdue_share", 2 / 4),  # c6 and c8
    # reactivity: vendor replies to client messages in window: r1 10 min, r2 4 h, r3 73 h
    ("vendor_median_reply_hours", 4.0),
    ("vendor_instant_or_after_hours_reply_share", 2 / 3),  # r1 instant, r3 on a Saturday
    ("adhoc_meetings_per_week", 1 / 8),  # M7 over 8 weeks
    # champion_engagement
    ("champions_per_client_stakeholder", 2 / 6),  # ch1, ch2 of sp ca ch1 ch2 eu ru
    # champion invitations to held sessions the rest came to: M4 ch1 yes (ca of ca ch2), ch2 no
    # (ch1 ca); M9 ch1 no (ch2 sp), ch2 yes (empty + accepted; sp of ch1 sp: half);
    # M11 ch1 alone: left out
    ("champion_session_attendance_rate", 2 / 4),
    # sessions a client person organised: M4 (ch1); M9 is the vendor's (co), M11 has none
    ("champion_led_session_share", 1 / 1),
    ("champion_turnover_share", 1 / 2),  # ch2 left 2025-02-10
    # discovery
    ("purpose_statement_agreed", 1.0),
    ("discovery_meetings_first_3_weeks", 2.0),  # M2 d3, M3 d10 (M6 is d25)
    ("days_to_first_steering_share", 2 / 56),  # M1 on d2
    # stakeholder_breadth leaves the sponsor (sp) and the change agent (ca) out: attendances
    # M3 ch1 eu | M4 ch1 | M6 eu | M9 ch2 | M11 ch1 = 6 over 5 meetings
    ("client_people_per_meeting", 6 / 5),
    ("top_client_attendee_share", 3 / 6),  # ch1 3 (M3 M4 M11), eu 2, ch2 1
]

NAN = math.nan
E2 = [
    ("effort_estimate_to_sold_ratio", NAN),  # no estimate
    ("sales_promises_per_100_sold_days", 0.0),  # commitments table present, none for E2
    ("deliverables_per_sold_day", NAN),
    ("sponsor_named", 0.0),
    ("sponsor_steering_attendance_rate", NAN),
    ("sponsor_decline_rate", NAN),
    ("client_longest_silence_days", 14.0),  # nothing at all in 14 days
    ("client_days_since_last_activity", 14.0),  # never: the whole window
    ("client_organized_meeting_share", NAN),
    ("change_agent_attendance_rate", NAN),
    ("client_commitment_share", NAN),
    ("client_on_time_rate", NAN),
    ("client_overdue_share", NAN),
    ("vendor_median_reply_hours", NAN),
    ("vendor_instant_or_after_hours_reply_share", NAN),
    ("adhoc_meetings_per_week", 0.0),
    ("champions_per_client_stakeholder", 0 / 1),  # u2 only
    ("champion_session_attendance_rate", NAN),
    ("champion_led_session_share", NAN),
    ("champion_turnover_share", NAN),
    ("purpose_statement_agreed", 0.0),  # blank purpose
    ("discovery_meetings_first_3_weeks", NAN),  # 14 days < 21
    ("days_to_first_steering_share", 1.0),  # none yet
    ("client_people_per_meeting", NAN),  # no meeting
    ("top_client_attendee_share", NAN),
]


def test_every_signal_has_an_expectation():
    names = list(signals.catalog()["signal"])
    assert [name for name, _ in E1] == names
    assert [name for name, _ in E2] == names


@pytest.mark.parametrize(("signal", "expected"), E1, ids=[s for s, _ in E1])
def test_e1(tiny_signals, signal, expected):
    assert tiny_signals.loc["E1", signal] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("signal", "expected"), E2, ids=[s for s, _ in E2])
def test_e2(tiny_signals, signal, expected):
    assert tiny_signals.loc["E2", signal] == pytest.approx(expected, rel=1e-12, nan_ok=True)


def test_shape_and_types(tiny_signals):
    assert list(tiny_signals.index) == ["E1", "E2"]  # E3 starts after the as-of date
    assert tiny_signals.index.name == "engagement_id"
    assert list(tiny_signals.columns) == list(signals.catalog()["signal"])
    assert all(str(dtype) == "float64" for dtype in tiny_signals.dtypes)


def test_unknown_people_are_counted(tiny_signals):
    counts = tiny_signals.attrs["unknown_person_rows"]
    assert counts["attendance"] == 1  # x1 at M4
    assert counts["communications"] == 1  # m3 from x2
    assert counts["meetings (organizer)"] == 0
