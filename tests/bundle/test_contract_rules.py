"""One test per contract rule: a bad cell in a valid bundle is found and located."""

from __future__ import annotations

import pytest

from engagement_analytics import BundleError, load_bundle

# (table, data row index (0-based), column, bad value, words of the rule)
CELL_RULES = [
    ("engagements", 0, "engagement_id", "", "required value is empty"),
    ("engagements", 0, "client", "", "required value is empty"),
    ("engagements", 1, "start_date", "2025-13-01", "not a date"),
    ("engagements", 1, "start_date", "03/02/2025", "not a date"),
    ("engagements", 1, "planned_end_date", "", "required value is empty"),
    ("engagements", 1, "planned_end_date", "2025-01-31", "planned_end_date is before start_date"),
    ("engagements", 0, "closed_date", "2025-01-01", "closed_date is before start_date"),
    ("engagements", 0, "outcome", "cancelled", "must be one of: success, challenged, failed"),
    ("engagements", 0, "outcome", "", "outcome is empty but closed_date is set"),
    ("engagements", 1, "outcome", "success", "outcome is set but closed_date is empty"),
    ("engagements", 0, "contract_value", "-5", "must be a number >= 0"),
    ("engagements", 0, "contract_value", "12,000", "must be a number >= 0"),
    ("engagements", 0, "sold_effort_days", "0", "must be a number > 0"),
    ("engagements", 0, "sold_effort_days", "ten", "must be a number > 0"),
    ("engagements", 0, "estimated_effort_days", "-1", "must be a number > 0"),
    ("engagements", 0, "sold_deliverables", "2.5", "must be a whole number >= 0"),
    ("stakeholders", 0, "engagement_id", "E9", "not found in engagements"),
    ("stakeholders", 0, "person_id", "", "required value is empty"),
    ("stakeholders", 0, "side", "partner", "must be one of: client, vendor"),
    ("stakeholders", 0, "role", "ceo", "must be one of"),
    ("stakeholders", 2, "role", "champion", "not a vendor role"),
    ("stakeholders", 0, "role", "partner", "not a client role"),
    ("stakeholders", 1, "left_on", "2025-01-01", "left_on is before joined_on"),
    ("stakeholders", 1, "joined_on", "2025/01/06", "not a date"),
    ("meetings", 0, "meeting_id", "", "required value is empty"),
    ("meetings", 0, "engagement_id", "E9", "not found in engagements"),
    ("meetings", 0, "start", "2025-01-07", "not an ISO 8601 datetime"),
    ("meetings", 0, "start", "next tuesday", "not an ISO 8601 datetime"),
    ("meetings", 0, "duration_minutes", "0", "must be a number > 0"),
    ("meetings", 0, "kind", "party", "must be one of: steering, status"),
    ("meetings", 0, "status", "postponed", "must be one of: held, cancelled"),
    ("attendance", 0, "meeting_id", "M9", "not found in meetings"),
    ("attendance", 0, "person_id", "", "required value is empty"),
    ("attendance", 0, "response", "yes", "must be one of: accepted, declined"),
    ("attendance", 0, "attended", "maybe", "not a boolean"),
    ("commitments", 0, "engagement_id", "E9", "not found in engagements"),
    ("commitments", 0, "made_on", "", "required value is empty"),
    ("commitments", 0, "owner_side", "both", "must be one of: client, vendor"),
    ("commitments", 0, "phase", "pre-sales", "must be one of: sales, delivery"),
    ("commitments", 0, "due_date", "soon", "not a date"),
    # An "open end" placeholder: outside the range pandas can hold, a bad cell, not a crash.
    ("commitments", 0, "due_date", "9999-12-31", "not a date in YYYY-MM-DD form (years 1678 to 2261)"),
    ("commitments", 0, "due_date", "２０２５-01-02", "not a date"),  # full-width digits
    ("communications", 0, "sent_at", "2262-06-01T10:00:00Z", "not an ISO 8601 datetime"),
    ("commitments", 0, "status", "", "required value is empty"),
    ("commitments", 0, "done_on", "2025-01-02", "done_on is set but status is not done"),
    ("communications", 0, "engagement_id", "E9", "not found in engagements"),
    ("communications", 0, "sent_at", "2025-01-08 25:00", "not an ISO 8601 datetime"),
    ("communications", 0, "from_id", "", "required value is empty"),
    ("communications", 0, "channel", "fax", "must be one of: email, chat, call"),
]


def _column_index(table_rows, column):
    return table_rows[0].index(column)


@pytest.mark.parametrize(("table", "row", "column", "value", "rule"), CELL_RULES)
def test_bad_cell_is_located_in_strict_mode(make_bundle, rows, table, row, column, value, rule):
    table_rows = rows(table)
    table_rows[row + 1][_column_index(table_rows, column)] = value
    folder = make_bundle(**{table: table_rows})
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    # A blanked key also orphans rows of other tables: those are checked elsewhere.
    problems = [p for p in caught.value.problems if p.table == table]
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.file == str(folder / f"{table}.csv")
    assert problem.row == row + 2  # header is line 1
    assert problem.column == column
    assert problem.value == value
    assert rule in problem.rule
    message = str(caught.value)
    assert f"{table}.csv, row {row + 2}, column '{column}'" in message


@pytest.mark.parametrize(("table", "row", "column", "value", "rule"), CELL_RULES)
def test_bad_cell_is_rejected_in_lenient_mode(make_bundle, rows, table, row, column, value, rule):
    table_rows = rows(table)
    table_rows[row + 1][_column_index(table_rows, column)] = value
    bundle = load_bundle(make_bundle(**{table: table_rows}), lenient=True)
    counts = bundle.report.tables[table]
    assert (counts.read, counts.kept, counts.rejected) == (len(table_rows) - 1, len(table_rows) - 2, 1)
    assert len(bundle.table(table)) == len(table_rows) - 2
    assert rule in bundle.rejects.loc[bundle.rejects["table"] == table, "rule"].iloc[0]


@pytest.mark.parametrize(
    ("table", "key_columns"),
    [
        ("engagements", ["engagement_id"]),
        ("stakeholders", ["engagement_id", "person_id", "role"]),
        ("meetings", ["meeting_id"]),
        ("attendance", ["meeting_id", "person_id"]),
        ("commitments", ["commitment_id"]),
        ("communications", ["message_id"]),
    ],
)
def test_duplicate_keys_name_the_first_row(make_bundle, rows, table, key_columns):
    table_rows = rows(table)
    duplicate = list(table_rows[1])
    table_rows.append(duplicate)
    with pytest.raises(BundleError) as caught:
        load_bundle(make_bundle(**{table: table_rows}))
    (problem,) = caught.value.problems
    assert problem.row == len(table_rows)  # the last line
    assert problem.column == "/".join(key_columns)
    assert problem.rule.startswith("duplicate") and "(first given at row 2)" in problem.rule


@pytest.mark.parametrize(
    ("table", "column"),
    [("engagements", "sold_effort_days"), ("meetings", "start"), ("attendance", "person_id"),
     ("stakeholders", "role"), ("commitments", "owner_side"), ("communications", "sent_at")],
)
def test_missing_required_column_names_the_header(make_bundle, rows, table, column):
    table_rows = rows(table)
    index = _column_index(table_rows, column)
    table_rows = [r[:index] + r[index + 1:] for r in table_rows]
    with pytest.raises(BundleError) as caught:
        load_bundle(make_bundle(**{table: table_rows}), lenient=True)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (1, column)
    assert "required column is missing" in problem.rule


@pytest.mark.parametrize("table", ["engagements", "stakeholders", "meetings", "attendance"])
def test_missing_required_table(make_bundle, table):
    with pytest.raises(BundleError) as caught:
        load_bundle(make_bundle(**{table: None}))
    assert f"required table '{table}' is missing" in str(caught.value)


def test_all_problems_are_listed_at_once(make_bundle, rows):
    engagements = rows("engagements")
    engagements[1][3] = "bad-date"
    meetings = rows("meetings")
    meetings[2][4] = "party"
    with pytest.raises(BundleError) as caught:
        load_bundle(make_bundle(engagements=engagements, meetings=meetings))
    located = {(p.table, p.row, p.column) for p in caught.value.problems}
    assert located == {("engagements", 2, "start_date"), ("meetings", 3, "kind")}


def test_error_message_is_capped(make_bundle, rows):
    attendance = rows("attendance") + [["M1", f"p{i}@x.example", "maybe", ""] for i in range(80)]
    with pytest.raises(BundleError) as caught:
        load_bundle(make_bundle(attendance=attendance))
    assert len(caught.value.problems) == 80
    assert "... and 30 more" in str(caught.value)


def test_rejected_meeting_takes_its_attendance_along(make_bundle, rows):
    meetings = rows("meetings")
    meetings[1][3] = "-10"  # M1 has two attendance rows
    bundle = load_bundle(make_bundle(meetings=meetings), lenient=True)
    attendance = bundle.report.tables["attendance"]
    assert (attendance.read, attendance.kept, attendance.rejected) == (4, 2, 2)
    cascade = bundle.rejects[bundle.rejects["table"] == "attendance"]
    assert list(cascade["row"]) == [2, 3]
    assert all("refers to a rejected meetings row" in r and "row 2)" in r for r in cascade["rule"])
    assert set(bundle.attendance["meeting_id"]) == {"M2", "M3"}


def test_rejected_engagement_takes_dependents_in_every_table(make_bundle, rows):
    engagements = rows("engagements")
    engagements[1][8] = "0"  # E1's sold effort
    bundle = load_bundle(make_bundle(engagements=engagements), lenient=True)
    kept = {name: c.kept for name, c in bundle.report.tables.items()}
    # E1 owned 3 stakeholders, M1+M2 (and their 3 attendance rows), both commitments and messages.
    assert kept == {"engagements": 1, "stakeholders": 1, "meetings": 1, "attendance": 1,
                    "commitments": 0, "communications": 0}
    for counts in bundle.report.tables.values():
        assert counts.read == counts.kept + counts.rejected
