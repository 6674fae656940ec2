"""Shared helpers: write small iCalendar files and rules for adapter tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from engagement_analytics.adapters import parse_rules
from engagement_analytics.cli import main

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


#: A rules file for the CLI: engagement ids in brackets, and ENG-1 to write.
CLI_RULES = (
    "engagement_rules:\n  - title_regex: '\\[(ENG-\\d+)\\]'\n"
    "engagements:\n  - {engagement_id: ENG-1, client: Acme, start_date: 2025-01-01,"
    " planned_end_date: 2025-12-31, sold_effort_days: 10}\n"
)


@pytest.fixture
def import_ics(tmp_path, capsys):
    """``import_ics(path, extra_rules="")`` runs ``import ics`` into a new bundle.

    Returns the exit code (0 for success), stdout, stderr and the bundle folder.
    """

    def run(path: Path, extra_rules: str = "") -> tuple[int, str, str, Path]:
        rules = tmp_path / "cli-rules.yaml"
        rules.write_text(CLI_RULES + extra_rules)
        out = tmp_path / "cli-bundle"
        with pytest.raises(SystemExit) as caught:
            main(["import", "ics", str(path), "--rules", str(rules), "--out", str(out)])
        printed = capsys.readouterr()
        return caught.value.code or 0, printed.out, printed.err, out

    return run


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
