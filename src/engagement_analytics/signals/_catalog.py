"""The signal catalog, declared once as data.

Every signal the toolkit measures is one :class:`SignalSpec`. The order of
:data:`SIGNALS` is the column order of :func:`engagement_analytics.signals.compute`,
and ``needs`` decides which signals are unavailable when an optional table is
absent from the bundle. Descriptions are the sentences a practice lead reads in
a report, so they speak of engagements, sponsors and meetings, not of columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .._contract import FAMILIES

__all__ = ["FAMILIES", "HIGHER", "LABELS", "LOWER", "SIGNALS", "SignalSpec", "catalog_frame"]


HIGHER = "higher_is_riskier"
LOWER = "lower_is_riskier"

# The tables every meeting-based signal reads.
_MEETINGS = ("stakeholders", "meetings", "attendance")


@dataclass(frozen=True)
class SignalSpec:
    """One signal: its name, family, risk direction, unit, tables and meaning."""

    signal: str
    family: str
    direction: str
    unit: str
    needs: tuple[str, ...]
    description: str


SIGNALS: tuple[SignalSpec, ...] = (
    # overselling
    SignalSpec(
        "effort_estimate_to_sold_ratio", "overselling", HIGHER, "ratio", ("engagements",),
        "The delivery team's own effort estimate at handover divided by the effort sold; "
        "above 1 means the work was sold for less than delivery thinks it takes.",
    ),
    SignalSpec(
        "sales_promises_per_100_sold_days", "overselling", HIGHER, "per 100 sold days",
        ("engagements", "commitments"),
        "Promises the vendor made during the sale, per 100 effort-days sold.",
    ),
    SignalSpec(
        "deliverables_per_sold_day", "overselling", HIGHER, "per sold day", ("engagements",),
        "Deliverables promised in the statement of work per effort-day sold.",
    ),
    # sponsor_absence
    SignalSpec(
        "sponsor_named", "sponsor_absence", LOWER, "yes (1) / no (0)", ("stakeholders",),
        "Whether the client had named an executive sponsor by the end of the window.",
    ),
    SignalSpec(
        "sponsor_steering_attendance_rate", "sponsor_absence", LOWER, "share", _MEETINGS,
        "Share of the steering meetings the client side attended at which an executive "
        "sponsor was present.",
    ),
    SignalSpec(
        "sponsor_decline_rate", "sponsor_absence", HIGHER, "share", _MEETINGS,
        "Share of the executive sponsor's invitations that were declined, among meetings "
        "other client people attended.",
    ),
    # going_dark
    SignalSpec(
        "client_longest_silence_days", "going_dark", HIGHER, "days", _MEETINGS,
        "The longest stretch, in days, with no client person at a meeting and no message "
        "from the client.",
    ),
    SignalSpec(
        "client_days_since_last_activity", "going_dark", HIGHER, "days", _MEETINGS,
        "Days since a client person last attended a meeting or sent a message.",
    ),
    # client_ownership
    SignalSpec(
        "client_organized_meeting_share", "client_ownership", LOWER, "share", _MEETINGS,
        "Share of the meetings held (ad hoc meetings aside) that a client person organised.",
    ),
    SignalSpec(
        "change_agent_attendance_rate", "client_ownership", LOWER, "share", _MEETINGS,
        "Share of the client change agents' invitations they attended, among meetings other "
        "client people attended.",
    ),
    # commitment_reciprocity
    SignalSpec(
        "client_commitment_share", "commitment_reciprocity", LOWER, "share",
        ("commitments",),
        "Share of the delivery actions logged that the client took on, rather than the vendor.",
    ),
    SignalSpec(
        "client_on_time_rate", "commitment_reciprocity", LOWER, "share", ("commitments",),
        "Share of the client's actions that fell due which the client completed on time.",
    ),
    SignalSpec(
        "client_overdue_share", "commitment_reciprocity", HIGHER, "share", ("commitments",),
        "Share of the client's actions that fell due which were still not done.",
    ),
    # reactivity
    SignalSpec(
        "vendor_median_reply_hours", "reactivity", LOWER, "hours",
        ("stakeholders", "communications"),
        "Median time the vendor took to answer a client message, in hours; very fast "
        "answers suggest a team on permanent call.",
    ),
    SignalSpec(
        "vendor_instant_or_after_hours_reply_share", "reactivity", HIGHER, "share",
        ("stakeholders", "communications"),
        "Share of the vendor's answers to client messages sent within 15 minutes or "
        "outside business hours (Monday-Friday 08:00-18:00 on the sender's clock, "
        "from the offset of sent_at; UTC where none is given).",
    ),
    SignalSpec(
        "adhoc_meetings_per_week", "reactivity", HIGHER, "per week", ("meetings",),
        "Ad-hoc meetings held, per week elapsed, whoever sent the invitation.",
    ),
    # champion_engagement
    SignalSpec(
        "champions_per_client_stakeholder", "champion_engagement", LOWER, "share",
        ("stakeholders",),
        "Champions (respected users who advocate the change) per client stakeholder named.",
    ),
    SignalSpec(
        "champion_session_attendance_rate", "champion_engagement", LOWER, "share", _MEETINGS,
        "Share of the champions' invitations to workshops, demos and trainings they attended, "
        "among sessions other client people attended.",
    ),
    SignalSpec(
        "champion_led_session_share", "champion_engagement", LOWER, "share",
        ("stakeholders", "meetings"),
        "Share of the workshops, demos and trainings the client organised that a champion led.",
    ),
    SignalSpec(
        "champion_turnover_share", "champion_engagement", HIGHER, "share", ("stakeholders",),
        "Share of the champions named who have since left the engagement.",
    ),
    # discovery
    SignalSpec(
        "purpose_statement_agreed", "discovery", LOWER, "yes (1) / no (0)", ("engagements",),
        "Whether a one-sentence purpose was agreed with the client.",
    ),
    SignalSpec(
        "discovery_meetings_first_3_weeks", "discovery", LOWER, "meetings", ("meetings",),
        "Discovery meetings held in the first three weeks.",
    ),
    SignalSpec(
        "days_to_first_steering_share", "discovery", HIGHER, "share of elapsed time",
        ("meetings",),
        "Time from kickoff to the first steering meeting held, as a share of the time "
        "elapsed (1 when there has been none yet).",
    ),
    # stakeholder_breadth
    SignalSpec(
        "client_people_per_meeting", "stakeholder_breadth", LOWER, "people per meeting",
        _MEETINGS,
        "Client people (executive sponsor and change agent aside) attending a typical meeting "
        "the client side came to: their attendances per meeting at least one of them attended.",
    ),
    SignalSpec(
        "top_client_attendee_share", "stakeholder_breadth", HIGHER, "share", _MEETINGS,
        "Share of the client team's attendances (executive sponsor and change agent aside) made "
        "by its single most present person.",
    ),
)


#: The short, plain name of each signal that tables and figure axes show (the code name
#: stays available as a tooltip). Kept apart from the specs so that a signal added
#: without one still gets a readable label (its name with spaces); the catalog test
#: asks for one per signal.
LABELS: dict[str, str] = {
    "effort_estimate_to_sold_ratio": "delivery's effort estimate against effort sold",
    "sales_promises_per_100_sold_days": "sales promises per 100 days sold",
    "deliverables_per_sold_day": "deliverables per day sold",
    "sponsor_named": "executive sponsor named",
    "sponsor_steering_attendance_rate": "sponsor attendance at steering meetings",
    "sponsor_decline_rate": "invitations the sponsor declined",
    "client_longest_silence_days": "client's longest silence (days)",
    "client_days_since_last_activity": "days since the client's last activity",
    "client_organized_meeting_share": "meetings organised by the client",
    "change_agent_attendance_rate": "change agents' attendance",
    "client_commitment_share": "client's share of delivery actions",
    "client_on_time_rate": "client actions done on time",
    "client_overdue_share": "client actions overdue",
    "vendor_median_reply_hours": "team's median reply time (hours)",
    "vendor_instant_or_after_hours_reply_share": "team replies sent instantly or after hours",
    "adhoc_meetings_per_week": "ad hoc meetings per week",
    "champions_per_client_stakeholder": "champions per client stakeholder",
    "champion_session_attendance_rate": "champions' attendance at workshops, demos, trainings",
    "champion_led_session_share": "client-organised sessions led by a champion",
    "champion_turnover_share": "champions who left",
    "purpose_statement_agreed": "purpose statement agreed",
    "discovery_meetings_first_3_weeks": "discovery meetings in the first 3 weeks",
    "days_to_first_steering_share": "wait for the first steering meeting (share of time)",
    "client_people_per_meeting": "client people per meeting",
    "top_client_attendee_share": "client attendance by its most present person",
}

def catalog_frame() -> pd.DataFrame:
    """The catalog as a DataFrame (``needs`` joined with commas)."""
    rows = [
        {
            "signal": s.signal,
            "label": LABELS.get(s.signal, s.signal.replace("_", " ")),
            "family": s.family,
            "direction": s.direction,
            "unit": s.unit,
            "description": s.description,
            "needs": ",".join(s.needs),
        }
        for s in SIGNALS
    ]
    return pd.DataFrame(
        rows, columns=["signal", "label", "family", "direction", "unit", "description", "needs"]
    )
