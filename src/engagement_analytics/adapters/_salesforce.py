"""Salesforce exports: Opportunity rows to engagements, OpportunityContactRole to stakeholders.

Field names are matched ignoring case, spaces and dots, so a Data Loader
export (``Account.Name``) and a report export (``Account Name``) both work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .._contract import TABLES
from ._clock import CellRef, parse_date
from ._csv import ColumnFinder, read_text_csv
from ._result import AdapterError, AdapterResult, ImportReport
from ._rules import MappingRules

__all__ = ["read_salesforce", "split_salesforce_exports"]

_REQUIRED = [c.name for c in TABLES["engagements"].columns if c.required]
_DATES = [c.name for c in TABLES["engagements"].columns if c.type == "date"]
_NUMBERS = [c.name for c in TABLES["engagements"].columns if c.type in ("number", "integer")]
_NOT_A_NUMBER = re.compile(r"[^0-9.\-]")


def read_salesforce(
    opportunities: str | Path | None = None,
    contact_roles: str | Path | None = None,
    *,
    rules: MappingRules,
    engagement_ids: Iterable[str] | None = None,
) -> AdapterResult:
    """Read Salesforce Opportunity and OpportunityContactRole CSV exports.

    Parameters
    ----------
    opportunities : path, optional
        Opportunity export. Rows whose ``StageName`` is not one of
        ``salesforce.won_stages`` (default ``Closed Won``) are skipped
        (``stage_not_won``); fields map to engagement columns through
        ``salesforce.opportunity_fields``.
    contact_roles : path, optional
        OpportunityContactRole export (OpportunityId, Role, Contact.Email or
        ContactId, Contact.Name). Roles map through ``salesforce.roles``
        (Executive Sponsor, Economic Buyer, Decision Maker, Influencer,
        Business User by default); other roles become ``default_role``.
    rules : MappingRules
    engagement_ids : iterable of str, optional
        Engagements already in the bundle: contact roles may refer to them
        as well as to the opportunities read here.

    Returns
    -------
    AdapterResult
        ``engagements`` and/or ``stakeholders``; the report counts CSV rows.

    Raises
    ------
    AdapterError
        A missing column, or a date or number that cannot be read.
    """
    report = ImportReport("salesforce", "CSV rows")
    tables = {}
    known = set(engagement_ids or ())
    if opportunities is not None:
        tables["engagements"] = _engagements(Path(opportunities), rules, report)
        known |= set(tables["engagements"]["engagement_id"])
    if contact_roles is not None:
        tables["stakeholders"] = _stakeholders(Path(contact_roles), rules, known, report)
    return AdapterResult(tables, report)


def split_salesforce_exports(files: Iterable[str | Path]) -> tuple[Path | None, Path | None]:
    """Tell the Opportunity export from the OpportunityContactRole one by their columns.

    Returns
    -------
    (opportunities, contact_roles) : paths, either None when not given

    Raises
    ------
    AdapterError
        Two exports of the same kind.
    """
    opportunities = contact_roles = None
    for path in map(Path, files):
        columns = ColumnFinder(read_text_csv(path).head(0), path.name)
        is_roles = columns.get("OpportunityId") is not None and columns.get("Role") is not None
        if is_roles and contact_roles is None:
            contact_roles = path
        elif not is_roles and opportunities is None:
            opportunities = path
        else:
            raise AdapterError(f"{path}: give one Opportunity and one OpportunityContactRole export")
    return opportunities, contact_roles


def _engagements(path: Path, rules: MappingRules, report: ImportReport) -> pd.DataFrame:
    frame = read_text_csv(path)
    columns = ColumnFinder(frame, path.name)
    hint = "; map it under salesforce.opportunity_fields in the rules file"
    source = {
        column: (columns.require(field, hint=f" (for {column}{hint})")
                 if column in _REQUIRED else columns.get(field))
        for column, field in rules.opportunity_fields.items()
    }
    stages = columns.values("StageName", "Stage")
    names = columns.values("Name", "Opportunity Name")
    rows = []
    for index in frame.index:
        report.read += 1
        line = index + 2
        if rules.won_stages and stages.at[index].casefold() not in rules.won_stages:
            report.skip("stage_not_won")
            continue
        row = {c: "" if f is None else frame.at[index, f].strip() for c, f in source.items()}
        missing = [c for c in _REQUIRED if not row[c]]
        if missing:
            listed = {"file": path.name, "uid": row["engagement_id"], "start": "",
                      "title": names.at[index]}
            report.skip(f"missing_{missing[0]}", listed=listed)
            continue
        for column in _DATES:
            if row.get(column):
                ref = CellRef(path.name, line, source[column])
                row[column] = parse_date(row[column], rules.date_format, ref).isoformat()
        for column in _NUMBERS:
            if row.get(column):
                row[column] = _number(row[column], CellRef(path.name, line, source[column]))
        report.mapped += 1
        rows.append(row)
    return pd.DataFrame(rows, columns=[c for c in TABLES["engagements"].column_names
                                       if c in rules.opportunity_fields])


def _number(text: str, where: CellRef) -> str:
    """'USD 1,200,000.00' -> '1200000.00' (currency and thousands separators dropped)."""
    cleaned = _NOT_A_NUMBER.sub("", text)
    try:
        float(cleaned)
    except ValueError:
        raise where.error(text, "a number") from None
    return cleaned


def _stakeholders(
    path: Path, rules: MappingRules, known: set[str], report: ImportReport
) -> pd.DataFrame:
    frame = read_text_csv(path)
    columns = ColumnFinder(frame, path.name)
    opportunity = columns.values(columns.require("OpportunityId", "Opportunity.Id"))
    roles = columns.values(columns.require("Role"))
    emails = columns.values("Contact.Email", "Email")
    contact_ids = columns.values("ContactId", "Contact.Id")
    if columns.get("Contact.Email", "Email", "ContactId", "Contact.Id") is None:
        columns.require("Contact.Email", hint=" (or ContactId)")
    names = columns.values("Contact.Name", "Contact Name", "Name")
    rows, seen = [], set()
    for index in frame.index:
        report.read += 1
        engagement = opportunity.at[index]
        person = emails.at[index].casefold() or contact_ids.at[index]
        if engagement not in known:
            report.skip("unknown_engagement", listed={
                "file": path.name, "uid": engagement, "start": "", "title": f"row {index + 2}"})
            continue
        if not person:
            report.skip("contact_without_email_or_id")
            continue
        side = rules.side_for(person)
        role = rules.salesforce_roles.get(roles.at[index].casefold())
        if side == "vendor":
            report.notes["vendor_contact_role_other"] += 1
            role = "other"
        elif role is None:
            report.notes["role_not_in_mapping_set_to_default"] += 1
            role = rules.salesforce_default_role
        if (engagement, person, role) in seen:
            report.skip("duplicate_contact_role")
            continue
        seen.add((engagement, person, role))
        report.mapped += 1
        rows.append({"engagement_id": engagement, "person_id": person, "side": side,
                     "role": role, "name": names.at[index]})
    return pd.DataFrame(rows, columns=["engagement_id", "person_id", "side", "role", "name"])
