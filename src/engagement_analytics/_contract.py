"""The bundle contract, declared once.

Every table and column of ``shared/DATA_CONTRACT.md`` is written down here as
data. The loader validates against these declarations, the docs and the
``validate`` command print them, and the sample generator writes them. Nothing
else in the package re-states a column type or an allowed value.

Typed frames (what every module downstream of the loader receives):

========  =====================================================================
type      pandas dtype after loading
========  =====================================================================
string    ``str`` (pandas' default string dtype), missing is NaN
enum      ``str``, trimmed and lower-cased, one of ``values``
date      ``datetime64[ns]`` (naive, midnight)
datetime  ``datetime64[ns, UTC]``
bool      ``boolean`` (nullable)
number    ``float64``
integer   ``Int64`` (nullable)
========  =====================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CLIENT_ROLES",
    "VENDOR_ROLES",
    "ColumnSpec",
    "TableSpec",
    "TABLES",
    "PERSON_COLUMNS",
    "utc_offset_column",
    "OUTCOMES",
    "MEETING_KINDS",
    "MEETING_KIND_CODES",
    "SESSION_KINDS",
    "SESSION_KIND_CODES",
    "FAMILIES",
]

OUTCOMES = ("success", "challenged", "failed")
CLIENT_ROLES = (
    "executive_sponsor",
    "change_agent",
    "champion",
    "resource_owner",
    "end_user",
    "other",
)
VENDOR_ROLES = ("partner", "engagement_manager", "consultant", "sales", "other")
MEETING_KINDS = (
    "steering",
    "status",
    "workshop",
    "discovery",
    "demo",
    "training",
    "ad_hoc",
    "other",
)
#: ``meetings.kind`` as integer codes, in the order of MEETING_KINDS (the signals and the
#: sample generator both work on codes).
MEETING_KIND_CODES = {kind: code for code, kind in enumerate(MEETING_KINDS)}
#: Hands-on sessions, where champions show up: workshops, demos and trainings.
SESSION_KINDS = ("workshop", "demo", "training")
SESSION_KIND_CODES = tuple(MEETING_KIND_CODES[kind] for kind in SESSION_KINDS)

#: The nine relationship-pattern families, in report order: one definition for the package.
FAMILIES = (
    "overselling",
    "sponsor_absence",
    "going_dark",
    "client_ownership",
    "commitment_reciprocity",
    "reactivity",
    "champion_engagement",
    "discovery",
    "stakeholder_breadth",
)


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a contract table.

    Parameters
    ----------
    name : str
        Column name, lower case (files are matched case-insensitively).
    type : str
        One of ``string, enum, date, datetime, bool, number, integer``.
    required : bool
        Whether the column must exist and every cell must be non-empty.
    values : tuple of str, optional
        Allowed values of an ``enum`` column.
    minimum : float, optional
        Smallest allowed number.
    exclusive_minimum : bool
        Whether ``minimum`` itself is excluded (``> 0`` rather than ``>= 0``).
    default : str, optional
        Value filled into empty cells (counted in the load report).
    personal : bool
        Whether the column holds personal data (person ids, names).
    key : bool
        An identifier (``*_id``, ``in_reply_to``): trimmed, so that references
        match; otherwise a text column is kept exactly as typed.
    case_folded : bool
        Compared case-insensitively (lower-cased at load): person ids, which
        are usually e-mail addresses.
    references : tuple of (table, column), optional
        Foreign key: every non-empty value must exist in that table's column.
    """

    name: str
    type: str
    required: bool = False
    values: tuple[str, ...] = ()
    minimum: float | None = None
    exclusive_minimum: bool = False
    default: str | None = None
    personal: bool = False
    key: bool = False
    case_folded: bool = False
    references: tuple[str, str] | None = None
    description: str = ""

    @property
    def person_key(self) -> bool:
        """Whether the column identifies a person (pseudonymised at load)."""
        return self.personal and self.key


@dataclass(frozen=True)
class TableSpec:
    """One table of the bundle: its columns, key and row-level rules."""

    name: str
    required: bool
    columns: tuple[ColumnSpec, ...]
    unique: tuple[tuple[str, ...], ...] = ()
    description: str = ""
    # Rules that involve several columns of a row live in _validate.py.

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


_ENG = ("engagements", "engagement_id")

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        TableSpec(
            name="engagements",
            required=True,
            description="One row per engagement (a client project).",
            unique=(("engagement_id",),),
            columns=(
                ColumnSpec("engagement_id", "string", key=True, required=True, description="unique key"),
                ColumnSpec("client", "string", required=True, description="client organisation"),
                ColumnSpec("practice", "string", description="the practice that delivers it"),
                ColumnSpec("start_date", "date", required=True, description="kickoff"),
                ColumnSpec(
                    "planned_end_date",
                    "date",
                    required=True,
                    description="end date in the signed statement of work",
                ),
                ColumnSpec("closed_date", "date", description="empty while active"),
                ColumnSpec("outcome", "enum", values=OUTCOMES, description="empty while active"),
                ColumnSpec("contract_value", "number", minimum=0),
                ColumnSpec(
                    "sold_effort_days",
                    "number",
                    required=True,
                    minimum=0,
                    exclusive_minimum=True,
                    description="effort priced in the signed statement of work",
                ),
                ColumnSpec(
                    "estimated_effort_days",
                    "number",
                    minimum=0,
                    exclusive_minimum=True,
                    description="delivery team's own estimate at handover",
                ),
                ColumnSpec(
                    "sold_deliverables",
                    "integer",
                    minimum=0,
                    description="deliverables promised in the statement of work",
                ),
                ColumnSpec(
                    "purpose_statement",
                    "string",
                    description="one-sentence purpose agreed with the client",
                ),
            ),
        ),
        TableSpec(
            name="stakeholders",
            required=True,
            description="One row per person per role per engagement.",
            unique=(("engagement_id", "person_id", "role"),),
            columns=(
                ColumnSpec("engagement_id", "string", key=True, required=True, references=_ENG),
                ColumnSpec("person_id", "string", key=True, case_folded=True, required=True, personal=True),
                ColumnSpec("side", "enum", required=True, values=("client", "vendor")),
                ColumnSpec(
                    "role",
                    "enum",
                    required=True,
                    values=tuple(dict.fromkeys(CLIENT_ROLES + VENDOR_ROLES)),
                ),
                ColumnSpec("name", "string", personal=True),
                ColumnSpec("joined_on", "date"),
                ColumnSpec("left_on", "date"),
            ),
        ),
        TableSpec(
            name="meetings",
            required=True,
            description="One row per meeting.",
            unique=(("meeting_id",),),
            columns=(
                ColumnSpec("meeting_id", "string", key=True, required=True),
                ColumnSpec("engagement_id", "string", key=True, required=True, references=_ENG),
                ColumnSpec("start", "datetime", required=True),
                ColumnSpec(
                    "duration_minutes", "number", required=True, minimum=0, exclusive_minimum=True
                ),
                ColumnSpec("kind", "enum", required=True, values=MEETING_KINDS),
                ColumnSpec("organizer_id", "string", key=True, case_folded=True, personal=True),
                ColumnSpec("title", "string", description="free text: may hold anything"),
                ColumnSpec("status", "enum", values=("held", "cancelled"), default="held"),
            ),
        ),
        TableSpec(
            name="attendance",
            required=True,
            description="One row per invitee per meeting.",
            unique=(("meeting_id", "person_id"),),
            columns=(
                ColumnSpec(
                    "meeting_id", "string", required=True, references=("meetings", "meeting_id")
                ),
                ColumnSpec("person_id", "string", key=True, case_folded=True, required=True, personal=True),
                ColumnSpec(
                    "response", "enum", values=("accepted", "declined", "tentative", "none")
                ),
                ColumnSpec("attended", "bool"),
            ),
        ),
        TableSpec(
            name="commitments",
            required=False,
            description="The RAID / action log.",
            unique=(("commitment_id",),),
            columns=(
                ColumnSpec("commitment_id", "string", key=True, required=True),
                ColumnSpec("engagement_id", "string", key=True, required=True, references=_ENG),
                ColumnSpec("made_on", "date", required=True),
                ColumnSpec("owner_side", "enum", required=True, values=("client", "vendor")),
                ColumnSpec("owner_id", "string", key=True, case_folded=True, personal=True),
                ColumnSpec("phase", "enum", values=("sales", "delivery"), default="delivery"),
                ColumnSpec("due_date", "date"),
                ColumnSpec("done_on", "date"),
                ColumnSpec("status", "enum", required=True, values=("open", "done", "dropped")),
                ColumnSpec("description", "string", description="free text"),
            ),
        ),
        TableSpec(
            name="communications",
            required=False,
            description="Message metadata, never bodies.",
            unique=(("message_id",),),
            columns=(
                ColumnSpec("message_id", "string", key=True, required=True),
                ColumnSpec("engagement_id", "string", key=True, required=True, references=_ENG),
                ColumnSpec("sent_at", "datetime", required=True),
                ColumnSpec("from_id", "string", key=True, case_folded=True, required=True, personal=True),
                ColumnSpec(
                    "channel", "enum", values=("email", "chat", "call"), default="email"
                ),
                ColumnSpec("in_reply_to", "string", key=True),
            ),
        ),
    )
}

#: Columns holding person ids, per table (pseudonymised at load).
PERSON_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(c.name for c in spec.columns if c.person_key)
    for name, spec in TABLES.items()
}


def utc_offset_column(column: str) -> str:
    """The column the loader derives from datetime ``column``: the UTC offset each value was
    written with, in minutes (NaN where none was given). Converting to UTC loses the
    writer's wall clock; signals that judge working hours need it back.
    """
    return f"{column}_utc_offset_minutes"
