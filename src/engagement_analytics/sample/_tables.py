"""Turn the generator's arrays into the six contract tables (raw string cells)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from .._contract import MEETING_KINDS, TABLES
from ._attendance import RESPONSES, Attendance
from ._commitments import STATUSES, Commitments
from ._design import PRACTICES
from ._engagements import OUTCOME_NAMES, EngagementPlan
from ._meetings import Meetings
from ._messages import CHANNELS, Messages
from ._names import COMMITMENT_TEXT, PURPOSES
from ._people import CLASS_ROLE, People
from ._time import (
    date_cells,
    datetime_cells,
    id_cells,
    int_cells,
    pick,
    utc_offset_minutes,
)


def _width(count: int, minimum: int) -> int:
    return max(minimum, len(str(count)))


def _frame(name: str, columns: dict[str, pa.Array]) -> pd.DataFrame:
    order = TABLES[name].column_names
    table = pa.table({col: columns[col] for col in order})
    return table.to_pandas()


def engagement_ids(n: int) -> pa.Array:
    """``ENG-0001`` ... (at least four digits)."""
    return id_cells("ENG-", np.arange(1, n + 1), _width(n, 4))


def engagements_table(plan: EngagementPlan, ids: pa.Array) -> pd.DataFrame:
    active = ~plan.closed
    return _frame("engagements", {
        "engagement_id": ids,
        "client": pick(plan.client_names, plan.client),
        "practice": pick(PRACTICES, plan.practice),
        "start_date": date_cells(plan.start),
        "planned_end_date": date_cells(plan.start + plan.planned_days - 1),
        "closed_date": date_cells(plan.close_day, active),
        "outcome": pick(OUTCOME_NAMES, plan.outcome, active),
        "contract_value": int_cells(plan.contract_value),
        "sold_effort_days": int_cells(plan.sold_days),
        "estimated_effort_days": int_cells(plan.estimated_days),
        "sold_deliverables": int_cells(plan.deliverables),
        "purpose_statement": pick(PURPOSES, np.maximum(plan.purpose, 0), plan.purpose < 0),
    })


def stakeholders_table(plan: EngagementPlan, people: People, ids: pa.Array) -> pd.DataFrame:
    rows = pa.array(np.flatnonzero(people.listed))
    eng = people.eng[people.listed]
    join = np.where(people.join > plan.start[people.eng], people.join, plan.start[people.eng])
    left = people.left
    return _frame("stakeholders", {
        "engagement_id": ids.take(pa.array(eng)),
        "person_id": people.person_id.take(rows),
        "side": pick(("client", "vendor"), (~people.is_client[people.listed]).astype(np.int64)),
        "role": pick(CLASS_ROLE, people.cls[people.listed]),
        "name": people.name.take(rows),
        "joined_on": date_cells(join[people.listed], ~people.show_join[people.listed]),
        "left_on": date_cells(
            np.where(left < plan.end.max() + 1, left, 0)[people.listed],
            (left > plan.end.max())[people.listed],
        ),
    })


def meetings_table(
    plan: EngagementPlan, people: People, meetings: Meetings, ids: pa.Array, meeting_ids: pa.Array
) -> pd.DataFrame:
    offset = utc_offset_minutes(plan.zone[meetings.eng], meetings.day)
    local_seconds = meetings.day * 86_400 + meetings.minute * 60
    return _frame("meetings", {
        "meeting_id": meeting_ids,
        "engagement_id": ids.take(pa.array(meetings.eng)),
        "start": datetime_cells(local_seconds, offset),
        "duration_minutes": int_cells(meetings.duration),
        "kind": pick(MEETING_KINDS, meetings.kind),
        "organizer_id": people.person_id.take(pa.array(meetings.organizer)),
        "title": meetings.title,
        "status": pick(("held", "cancelled"), meetings.cancelled.astype(np.int64)),
    })


def meeting_ids(count: int) -> pa.Array:
    """``MTG-000001`` ... (at least six digits)."""
    return id_cells("MTG-", np.arange(1, count + 1), _width(count, 6))


def attendance_table(people: People, meeting_ids: pa.Array, attendance: Attendance) -> pd.DataFrame:
    unknown = attendance.attended < 0
    return _frame("attendance", {
        "meeting_id": meeting_ids.take(pa.array(attendance.meeting)),
        "person_id": people.person_id.take(pa.array(attendance.person)),
        "response": pick(RESPONSES, attendance.response),
        "attended": pick(("false", "true"), np.maximum(attendance.attended, 0), unknown),
    })


def commitments_table(people: People, commitments: Commitments, ids: pa.Array) -> pd.DataFrame:
    c = commitments
    text_kind = np.where(c.sales, 0, np.where(c.client, 2, 1))
    texts = COMMITMENT_TEXT["sales"] + COMMITMENT_TEXT["vendor"] + COMMITMENT_TEXT["client"]
    per_kind = len(COMMITMENT_TEXT["sales"])
    text_code = text_kind * per_kind + (np.arange(c.eng.size) * 7 + c.made) % per_kind
    no_owner = c.owner < 0
    return _frame("commitments", {
        "commitment_id": id_cells("CMT-", np.arange(1, c.eng.size + 1), _width(c.eng.size, 6)),
        "engagement_id": ids.take(pa.array(c.eng)),
        "made_on": date_cells(c.made),
        "owner_side": pick(("vendor", "client"), c.client.astype(np.int64)),
        "owner_id": people.person_id.take(pa.array(np.maximum(c.owner, 0), mask=no_owner)),
        "phase": pick(("delivery", "sales"), c.sales.astype(np.int64)),
        "due_date": date_cells(c.due),
        "done_on": date_cells(np.maximum(c.done, 0), c.status != 1),
        "status": pick(STATUSES, c.status),
        "description": pick(texts, text_code),
    })


def communications_table(people: People, messages: Messages, ids: pa.Array) -> pd.DataFrame:
    m = messages
    count = m.eng.size
    width = _width(count, 7)
    message_ids = id_cells("MSG-", np.arange(1, count + 1), width)
    is_reply = m.parent >= 0
    return _frame("communications", {
        "message_id": message_ids,
        "engagement_id": ids.take(pa.array(m.eng)),
        "sent_at": datetime_cells(m.utc_seconds + m.offset_minutes * 60, m.offset_minutes),
        "from_id": people.person_id.take(pa.array(m.sender)),
        "channel": pick(CHANNELS, m.channel),
        "in_reply_to": message_ids.take(pa.array(np.maximum(m.parent, 0), mask=~is_reply)),
    })
