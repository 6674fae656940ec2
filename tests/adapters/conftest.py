"""Shared helpers: write small iCalendar files and rules for adapter tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from engagement_analytics.adapters import parse_rules

RULES = {
    "vendor_domains": ["vendor.example"],
    "engagement_rules": [
        {"title_regex": r"\[(ENG-\d+)\]"},
        {"category": "Falcon", "engagement": "ENG-2"},
        {"attendee_domain": "globex.example", "engagement": "ENG-3"},
    ],
    "meeting_kinds": {"steering": ["steering", "steerco"], "status": ["status"]},
}


@pytest.fixture
def rules():
    return parse_rules(RULES, source="test-rules")


@pytest.fixture
def bundle_dir(tmp_path) -> Path:
    """A bundle folder with engagement ENG-1 and its champion Ann, for imports to extend."""
    out = tmp_path / "bundle"
    out.mkdir()
    (out / "engagements.csv").write_text(
        "engagement_id,client,start_date,planned_end_date,sold_effort_days\n"
        "ENG-1,Acme,2025-01-01,2025-12-31,100\n"
    )
    (out / "stakeholders.csv").write_text(
        "engagement_id,person_id,side,role,name\nENG-1,ann@client.example,client,champion,Ann\n"
    )
    return out


@pytest.fixture
def make_ics(tmp_path):
    """``make_ics(name, *vevent_bodies)`` writes a calendar file and returns its path."""

    def make(name: str, *events: str) -> Path:
        return write_ics(tmp_path / name, *events)

    return make


def write_ics(path: Path, *events: str) -> Path:
    """A VCALENDAR around the given VEVENT bodies (lines joined with CRLF)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for body in events:
        lines += ["BEGIN:VEVENT", *body.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    path.write_bytes(("\r\n".join(line.strip() for line in lines) + "\r\n").encode())
    return path


def write_eng1_bundle(out: Path) -> Path:
    """A bundle folder with engagement ENG-1 and its one stakeholder, ann@client.example."""
    out.mkdir()
    (out / "engagements.csv").write_text(
        "engagement_id,client,start_date,planned_end_date,sold_effort_days\n"
        "ENG-1,Acme,2025-01-01,2025-12-31,100\n"
    )
    (out / "stakeholders.csv").write_text(
        "engagement_id,person_id,side,role,name\nENG-1,ann@client.example,client,champion,Ann\n"
    )
    return out
