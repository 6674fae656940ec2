"""A tiny valid bundle, written as CSV text, that each test breaks in one place."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

VALID = {
    "engagements": [
        ["engagement_id", "client", "practice", "start_date", "planned_end_date", "closed_date",
         "outcome", "contract_value", "sold_effort_days", "estimated_effort_days",
         "sold_deliverables", "purpose_statement"],
        ["E1", "Acme", "Data", "2025-01-06", "2025-03-28", "2025-03-20", "failed", "120000", "100",
         "130", "4", "Cut month-end close from 10 to 5 days"],
        ["E2", "Birch", "Cloud", "2025-02-03", "2025-06-27", "", "", "", "80", "", "", ""],
    ],
    "stakeholders": [
        ["engagement_id", "person_id", "side", "role", "name", "joined_on", "left_on"],
        ["E1", "Ann.Sponsor@acme.example", "client", "executive_sponsor", "Ann Sponsor", "", ""],
        ["E1", "carl@acme.example", "client", "champion", "Carl Champ", "2025-01-06", "2025-02-14"],
        ["E1", "vic@vendor.example", "vendor", "engagement_manager", "Vic Vendor", "", ""],
        ["E2", "bea@birch.example", "client", "change_agent", "Bea Birch", "", ""],
    ],
    "meetings": [
        ["meeting_id", "engagement_id", "start", "duration_minutes", "kind", "organizer_id",
         "title", "status"],
        ["M1", "E1", "2025-01-07T09:00:00+01:00", "60", "steering", "vic@vendor.example",
         "Steering, with \"quotes\"", "held"],
        ["M2", "E1", "2025-01-14T09:00:00Z", "30", "status", "carl@acme.example", "Status", ""],
        ["M3", "E2", "2025-02-04T15:00:00-05:00", "90", "workshop", "", "Kickoff", "cancelled"],
    ],
    "attendance": [
        ["meeting_id", "person_id", "response", "attended"],
        ["M1", "ann.sponsor@acme.example", "accepted", ""],
        ["M1", "vic@vendor.example", "accepted", "true"],
        ["M2", "carl@acme.example", "declined", "no"],
        ["M3", "bea@birch.example", "tentative", ""],
    ],
    "commitments": [
        ["commitment_id", "engagement_id", "made_on", "owner_side", "owner_id", "phase",
         "due_date", "done_on", "status", "description"],
        ["C1", "E1", "2024-12-15", "vendor", "vic@vendor.example", "sales", "", "", "open", "Go-live by March"],
        ["C2", "E1", "2025-01-07", "client", "ann.sponsor@acme.example", "", "2025-01-20", "2025-01-22", "done", ""],
    ],
    "communications": [
        ["message_id", "engagement_id", "sent_at", "from_id", "channel", "in_reply_to"],
        ["X1", "E1", "2025-01-08T10:00:00+01:00", "ann.sponsor@acme.example", "email", ""],
        ["X2", "E1", "2025-01-08T10:05:00+01:00", "vic@vendor.example", "", "X1"],
    ],
}


def fresh_rows(table: str) -> list[list[str]]:
    """A fresh, mutable copy of one table's rows (header first)."""
    return [list(r) for r in VALID[table]]


@pytest.fixture
def rows():
    return fresh_rows


@pytest.fixture
def valid_frames():
    """The valid bundle as raw DataFrames of strings."""
    return {name: pd.DataFrame(r[1:], columns=r[0]) for name, r in VALID.items()}


@pytest.fixture(name="write_csv")
def write_csv_fixture():
    return write_csv


def write_csv(path: Path, table_rows: list[list[str]], *, newline: str = "\n", bom: bool = False) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows(table_rows)
    path.write_bytes((("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8"))
    return path


@pytest.fixture
def make_bundle(tmp_path):
    """Write the valid bundle, with per-table overrides (rows, or None to omit)."""

    def make(**overrides: list[list[str]] | None) -> Path:
        folder = tmp_path / "bundle"
        folder.mkdir(exist_ok=True)
        for name in VALID:
            table_rows = overrides.get(name, fresh_rows(name))
            if table_rows is not None:
                write_csv(folder / f"{name}.csv", table_rows)
        return folder

    return make
