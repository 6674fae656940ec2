"""The mapping rules file: how a calendar event finds its engagement, kind and people.

Calendars and CRMs know nothing about engagements or stakeholder roles. A small
YAML file written by the practice lead says how to find them. The format is
documented in ``docs/adapters.md``; this module parses and checks it, and holds
the matching logic every adapter shares.

Titles come from outsiders (anyone can invite you to a meeting called
``aaaa...a!``), so title rules are RE2 regexes, matched in linear time, never
by a backtracking engine; and the rules file itself is read as plain YAML
without anchors or aliases, so a few hundred bytes cannot expand to gigabytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import re2
import yaml

from .._contract import CLIENT_ROLES, MEETING_KINDS, TABLES
from ._log_rules import LOG_SECTIONS, JiraRules, RaidRules, parse_jira, parse_raid
from ._result import AdapterError, first_line
from ._text import read_text

__all__ = ["EngagementRule", "MappingRules", "load_rules", "parse_rules"]

#: Default map from Salesforce OpportunityContactRole.Role to a bundle client role.
DEFAULT_SALESFORCE_ROLES = {
    "executive sponsor": "executive_sponsor",
    "economic buyer": "resource_owner",
    "decision maker": "executive_sponsor",
    "influencer": "champion",
    "business user": "end_user",
}

#: Default map from bundle engagement columns to Salesforce Opportunity fields.
DEFAULT_OPPORTUNITY_FIELDS = {
    "engagement_id": "Id",
    "client": "Account.Name",
    "practice": "Practice__c",
    "start_date": "CloseDate",
    "planned_end_date": "Planned_End_Date__c",
    "contract_value": "Amount",
    "sold_effort_days": "Sold_Effort_Days__c",
    "estimated_effort_days": "Estimated_Effort_Days__c",
    "sold_deliverables": "Sold_Deliverables__c",
    "purpose_statement": "Purpose_Statement__c",
}

_TOP_LEVEL_KEYS = {
    "vendor_domains",
    "engagement_rules",
    "meeting_kinds",
    "default_kind",
    "engagements",
    "timezone",
    "date_format",
    "zoom",
    "salesforce",
    *LOG_SECTIONS,
    "ics",
}
#: Rule kinds matching a label exactly (case-insensitive): a chat channel, a project.
LABEL_RULE_KINDS = ("channel", "project")
_RULE_KINDS = ("title_regex", "category", "attendee_domain", *LABEL_RULE_KINDS)

#: A rules file is a few kilobytes; anything larger than this is refused unread.
MAX_RULES_BYTES = 1_048_576
#: Deepest nesting of YAML collections in a rules file (it needs four).
MAX_RULES_DEPTH = 20
#: Most ``engagement_rules`` items (each title is tried against every rule).
MAX_ENGAGEMENT_RULES = 1_000
#: Longest ``title_regex`` pattern, in characters.
MAX_PATTERN_LENGTH = 1_000
#: RE2 memory budget of one compiled ``title_regex`` (larger programs are refused).
PATTERN_MAX_MEM = 1 << 20
#: Default caps on recurring-event expansion (``ics.max_occurrences_per_series``
#: and ``ics.max_occurrences_per_import`` in the rules file).
MAX_OCCURRENCES_PER_SERIES = 10_000
MAX_OCCURRENCES_PER_IMPORT = 200_000


@dataclass(frozen=True)
class EngagementRule:
    """One way an event finds its engagement (the first rule that matches wins).

    ``kind`` is ``title_regex``, ``category``, ``attendee_domain``, ``channel``
    (a chat channel's name or id) or ``project`` (a Jira project key or name, a
    RAID log's project column); ``pattern`` the regex, category, e-mail domain,
    channel or project; ``engagement`` the
    engagement id it leads to (None for a regex whose first group is the id);
    ``regex`` the compiled RE2 regex of a ``title_regex`` rule.
    """

    kind: str
    pattern: str
    engagement: str | None
    regex: Any = None

    def match(
        self,
        title: str,
        categories: Iterable[str],
        emails: Iterable[str],
        *,
        channels: Iterable[str] = (),
        projects: Iterable[str] = (),
    ) -> str | None:
        """The engagement id this rule gives an event (or message, or log row), or None."""
        if self.kind in LABEL_RULE_KINDS:
            labels = channels if self.kind == "channel" else projects
            return self.engagement if _has_label(labels, self.pattern) else None
        if self.kind == "title_regex":
            assert self.regex is not None
            found = self.regex.search(title)
            if found is None:
                return None
            if self.engagement is not None:
                return self.engagement
            # An optional group that took no part in the match gives no id.
            return (found.group(1) or "").strip() or None
        if self.kind == "category":
            wanted = self.pattern.casefold()
            return self.engagement if any(c.casefold() == wanted for c in categories) else None
        domain = self.pattern.casefold()
        return self.engagement if any(email_domain(e) == domain for e in emails) else None


@dataclass(frozen=True)
class MappingRules:
    """Parsed mapping rules (see ``docs/adapters.md`` for the file format).

    Attributes
    ----------
    vendor_domains : tuple of str
        E-mail domains of the vendor (lower case); anyone else is the client.
    engagement_rules : tuple of EngagementRule
        Tried in order; the first that matches gives the engagement.
    meeting_kinds : tuple of (kind, keyword)
        Case-insensitive title keywords, tried in order; default ``default_kind``.
    engagements : DataFrame
        Engagement rows listed in the rules file (raw contract form), possibly empty.
    timezone : str
        IANA zone of wall-clock times in CSV exports that carry no offset.
    date_format : str
        ``strptime`` format of dates in CSV exports (Outlook, Salesforce reports).
    max_occurrences_per_series, max_occurrences_per_import : int
        Caps on the occurrences recurring iCalendar events expand to.
    """

    vendor_domains: tuple[str, ...] = ()
    engagement_rules: tuple[EngagementRule, ...] = ()
    meeting_kinds: tuple[tuple[str, str], ...] = ()
    default_kind: str = "other"
    engagements: pd.DataFrame = field(default_factory=pd.DataFrame)
    timezone: str = "UTC"
    date_format: str = "%m/%d/%Y"
    zoom_tolerance_minutes: float = 15.0
    opportunity_fields: Mapping[str, str] = field(
        default_factory=lambda: dict(DEFAULT_OPPORTUNITY_FIELDS)
    )
    won_stages: tuple[str, ...] = ("closed won",)
    salesforce_roles: Mapping[str, str] = field(
        default_factory=lambda: dict(DEFAULT_SALESFORCE_ROLES)
    )
    salesforce_default_role: str = "other"
    jira: JiraRules = field(default_factory=JiraRules)
    raid: RaidRules | None = None
    max_occurrences_per_series: int = MAX_OCCURRENCES_PER_SERIES
    max_occurrences_per_import: int = MAX_OCCURRENCES_PER_IMPORT
    source: str = "<rules>"

    def engagement_for(
        self,
        title: str,
        categories: Iterable[str] = (),
        emails: Iterable[str] = (),
        *,
        channels: Iterable[str] = (),
        projects: Iterable[str] = (),
    ) -> str | None:
        """The engagement id of an event, message or log row, or None when no rule matches.

        ``channels`` (chat channel names or ids) are only seen by ``channel``
        rules, ``projects`` (Jira project key and name) by ``project`` rules.
        """
        categories, emails = list(categories), list(emails)
        channels, projects = list(channels), list(projects)
        for rule in self.engagement_rules:
            found = rule.match(title, categories, emails, channels=channels, projects=projects)
            if found is not None:
                return found
        return None

    def kind_for(self, title: str) -> str:
        """The meeting kind of a title: first keyword found, else ``default_kind``."""
        folded = title.casefold()
        for kind, keyword in self.meeting_kinds:
            if keyword in folded:
                return kind
        return self.default_kind

    def side_for(self, email: str) -> str:
        """``vendor`` for an address in a vendor domain, else ``client``."""
        return "vendor" if email_domain(email) in self.vendor_domains else "client"


def _has_label(labels: Iterable[str], wanted: str) -> bool:
    """Whether one of ``labels`` is ``wanted`` (exact, ignoring case and surrounding spaces)."""
    wanted = wanted.strip().casefold()
    return any(label.strip().casefold() == wanted for label in labels)


def email_domain(address: str) -> str:
    """The lower-case domain of an e-mail address ('' when there is none)."""
    return address.rpartition("@")[2].casefold() if "@" in address else ""


def load_rules(path: str | Path) -> MappingRules:
    """Read and check a YAML mapping rules file.

    Parameters
    ----------
    path : str or Path
        The rules file.

    Returns
    -------
    MappingRules

    Raises
    ------
    AdapterError
        When the file is missing, not UTF-8 text, larger than
        ``MAX_RULES_BYTES``, not YAML, uses YAML anchors or aliases, nests
        deeper than ``MAX_RULES_DEPTH`` or breaks the format; the message
        names the file and the offending line or key.
    """
    path = Path(path)
    text = read_text(path, max_bytes=MAX_RULES_BYTES, what="rules file")
    loader = _RulesLoader(text)
    try:
        data = loader.get_single_data()
    except _Refused as exc:
        raise AdapterError(f"{path.name}, line {exc.line}: {exc.why}") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f", line {where.line + 1}" if where is not None else ""
        raise AdapterError(f"{path.name}{line}: not valid YAML") from None
    finally:
        loader.dispose()
    return parse_rules({} if data is None else data, source=path.name)


class _Refused(Exception):
    """A rules file construct refused before it is built (line from 1)."""

    def __init__(self, mark: yaml.Mark, why: str) -> None:
        super().__init__(why)
        self.line, self.why = mark.line + 1, why


class _RulesLoader(yaml.SafeLoader):
    """SafeLoader without anchors or aliases, bounded nesting, and located value errors.

    An alias is refused as soon as it is composed, before any expansion
    (nine nested aliases of nine items make 387 million of them); anchors are
    refused too, having no other use. Values the YAML resolver accepts but
    Python cannot build (``2025-13-45``, an integer of 5,000 digits) fail on
    their line instead of with a traceback.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            raise _Refused(
                event.start_mark,
                f"YAML anchors and aliases (&{event.anchor[:40]}, *{event.anchor[:40]}) are not "
                "allowed in a rules file; write the value out",
            )
        self._depth += 1
        if self._depth > MAX_RULES_DEPTH:
            raise _Refused(event.start_mark, f"nested deeper than {MAX_RULES_DEPTH} levels")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            raise _Refused(node.start_mark, f"unreadable value ({first_line(exc)})") from None


def parse_rules(data: object, *, source: str = "<rules>") -> MappingRules:
    """Check a rules mapping (as read from YAML) and build :class:`MappingRules`.

    Parameters
    ----------
    data : dict
        The parsed YAML document.
    source : str, optional
        Name used in error messages.

    Raises
    ------
    AdapterError
        Naming ``source`` and the offending key.
    """

    def fail(where: str, what: str) -> AdapterError:
        return AdapterError(f"{source}: {where}: {what}")

    if not isinstance(data, Mapping):
        raise fail("top level", "expected a mapping of keys such as engagement_rules")
    unknown = sorted(set(map(str, data)) - _TOP_LEVEL_KEYS)
    if unknown:
        raise fail(unknown[0], f"unknown key (known: {', '.join(sorted(_TOP_LEVEL_KEYS))})")

    vendor_domains = tuple(
        d.lstrip("@").casefold() for d in _str_list(data, "vendor_domains", fail)
    )
    rule_items = _list(data, "engagement_rules", fail)
    if len(rule_items) > MAX_ENGAGEMENT_RULES:
        raise fail("engagement_rules", f"{len(rule_items)} rules; at most {MAX_ENGAGEMENT_RULES:,}")
    rules = tuple(
        _engagement_rule(i, item, fail) for i, item in enumerate(rule_items, start=1)
    )
    kinds = _meeting_kinds(data.get("meeting_kinds") or {}, fail)
    default_kind = str(data.get("default_kind", "other"))
    if default_kind not in MEETING_KINDS:
        raise fail("default_kind", f"{default_kind!r} is not a meeting kind")
    zoom = _section(data, "zoom", {"tolerance_minutes"}, fail)
    ics = _section(data, "ics", {"max_occurrences_per_series", "max_occurrences_per_import"}, fail)
    salesforce = _section(
        data, "salesforce", {"opportunity_fields", "won_stages", "roles", "default_role"}, fail
    )
    timezone = str(data.get("timezone", "UTC"))
    _check_timezone(timezone, fail)
    return MappingRules(
        vendor_domains=vendor_domains,
        engagement_rules=rules,
        meeting_kinds=kinds,
        default_kind=default_kind,
        engagements=_engagements(data.get("engagements") or [], fail),
        timezone=timezone,
        date_format=str(data.get("date_format", "%m/%d/%Y")),
        zoom_tolerance_minutes=_number(zoom.get("tolerance_minutes", 15), "zoom", fail),
        opportunity_fields=_opportunity_fields(salesforce.get("opportunity_fields") or {}, fail),
        won_stages=tuple(
            s.casefold() for s in _str_list(salesforce, "won_stages", fail, ["Closed Won"])
        ),
        salesforce_roles=_salesforce_roles(salesforce.get("roles") or {}, fail),
        salesforce_default_role=_client_role(
            salesforce.get("default_role", "other"), "salesforce.default_role", fail
        ),
        jira=parse_jira(data.get("jira"), fail),
        raid=parse_raid(data.get("raid"), fail),
        max_occurrences_per_series=_count(
            ics, "max_occurrences_per_series", MAX_OCCURRENCES_PER_SERIES, fail
        ),
        max_occurrences_per_import=_count(
            ics, "max_occurrences_per_import", MAX_OCCURRENCES_PER_IMPORT, fail
        ),
        source=source,
    )


def _list(data: Mapping, key: str, fail, default=None) -> list:
    value = data.get(key, default if default is not None else [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise fail(key, "expected a list")
    return value


def _str_list(data: Mapping, key: str, fail, default=None) -> list[str]:
    items = _list(data, key, fail, default)
    if not all(isinstance(x, str) and x.strip() for x in items):
        raise fail(key, "expected a list of non-empty strings")
    return [x.strip() for x in items]


def _section(data: Mapping, key: str, allowed: set[str], fail) -> Mapping:
    section = data.get(key) or {}
    if not isinstance(section, Mapping):
        raise fail(key, "expected a mapping")
    unknown = sorted(set(map(str, section)) - allowed)
    if unknown:
        raise fail(f"{key}.{unknown[0]}", f"unknown key (known: {', '.join(sorted(allowed))})")
    return section


def _number(value: object, where: str, fail) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise fail(where, f"{value!r} is not a number >= 0")
    return float(value)


def _count(section: Mapping, key: str, default: int, fail) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise fail(f"ics.{key}", f"{value!r} is not a whole number >= 1")
    return value


def _check_timezone(name: str, fail) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail("timezone", f"{name!r} is not an IANA time zone") from None


def _engagement_rule(index: int, item: object, fail) -> EngagementRule:
    where = f"engagement_rules[{index}]"
    if not isinstance(item, Mapping):
        raise fail(where, "expected a mapping such as {title_regex: '\\[(ENG-\\d+)\\]'}")
    kinds = [k for k in _RULE_KINDS if k in item]
    unknown = sorted(set(map(str, item)) - set(_RULE_KINDS) - {"engagement"})
    if unknown:
        raise fail(f"{where}.{unknown[0]}", f"unknown key (known: {', '.join(_RULE_KINDS)})")
    if len(kinds) != 1:
        raise fail(where, f"give exactly one of {', '.join(_RULE_KINDS)}")
    kind = kinds[0]
    pattern = item[kind]
    if not isinstance(pattern, str) or not pattern:
        raise fail(f"{where}.{kind}", "expected a non-empty string")
    engagement = item.get("engagement")
    engagement = None if engagement is None else str(engagement).strip()
    regex = None
    if kind == "title_regex":
        regex = _compile_title_regex(pattern, f"{where}.title_regex", fail)
        if engagement is None and regex.groups < 1:
            raise fail(
                f"{where}.title_regex",
                "needs a capture group holding the engagement id, or an 'engagement' key",
            )
    elif not engagement:
        raise fail(where, f"a {kind} rule needs an 'engagement' key")
    if kind != "title_regex":
        pattern = pattern.strip().lstrip("@") if kind == "attendee_domain" else pattern.strip()
    if kind == "channel":
        pattern = pattern.lstrip("#")  # '#falcon' as Slack shows it: the export says 'falcon'
    return EngagementRule(kind, pattern, engagement or None, regex)


def _compile_title_regex(pattern: str, where: str, fail) -> Any:
    """The pattern compiled by RE2 (linear-time matching), case-insensitive.

    Python-only syntax (backreferences, lookaround, ``\\Z``) is refused here,
    at rule load, rather than accepted by a backtracking engine.
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise fail(where, f"pattern of {len(pattern):,} characters; at most {MAX_PATTERN_LENGTH:,}")
    options = re2.Options()
    options.case_sensitive = False
    options.max_mem = PATTERN_MAX_MEM
    options.log_errors = False  # RE2 would also print the error to stderr
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        why = exc.args[0] if exc.args else "not RE2 syntax"
        why = why.decode("utf-8", "replace") if isinstance(why, bytes) else str(why)
        excerpt = pattern if len(pattern) <= 60 else pattern[:57] + "..."
        hint = (f"compiled, a pattern must fit in {PATTERN_MAX_MEM >> 20} MiB" if "too large" in why
                else "RE2 has no backreferences or lookaround")
        raise fail(where, f"invalid regex {excerpt!r} (RE2: {why}; {hint})") from None


def _meeting_kinds(value: object, fail) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping):
        raise fail("meeting_kinds", "expected a mapping of kind to a list of keywords")
    pairs = []
    for kind, keywords in value.items():
        if kind not in MEETING_KINDS:
            raise fail(f"meeting_kinds.{kind}", f"not a meeting kind ({', '.join(MEETING_KINDS)})")
        if isinstance(keywords, str):
            keywords = [keywords]
        if not isinstance(keywords, list) or not all(isinstance(k, str) and k for k in keywords):
            raise fail(f"meeting_kinds.{kind}", "expected a list of non-empty keywords")
        pairs += [(kind, k.casefold()) for k in keywords]
    return tuple(pairs)


def _engagements(value: object, fail) -> pd.DataFrame:
    columns = TABLES["engagements"].column_names
    if not isinstance(value, list) or not all(isinstance(r, Mapping) for r in value):
        raise fail("engagements", "expected a list of engagement rows (mappings)")
    for i, row in enumerate(value, start=1):
        unknown = sorted(set(map(str, row)) - set(columns))
        if unknown:
            raise fail(f"engagements[{i}].{unknown[0]}", "not an engagements column")
        if not str(row.get("engagement_id") or "").strip():
            raise fail(f"engagements[{i}]", "engagement_id missing")
    # YAML reads 2025-01-06 as a date; str() gives back the ISO form the contract wants.
    rows = [{k: "" if v is None else str(v) for k, v in row.items()} for row in value]
    return pd.DataFrame(rows, columns=[c for c in columns if any(c in r for r in rows)])


def _opportunity_fields(value: object, fail) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise fail("salesforce.opportunity_fields", "expected a mapping of column to field")
    columns = TABLES["engagements"].column_names
    fields = dict(DEFAULT_OPPORTUNITY_FIELDS)
    for column, source_field in value.items():
        if column not in columns:
            raise fail(f"salesforce.opportunity_fields.{column}", "not an engagements column")
        fields[column] = str(source_field)
    return fields


def _client_role(value: object, where: str, fail) -> str:
    role = str(value).strip().casefold()
    if role not in CLIENT_ROLES:
        raise fail(where, f"{value!r} is not a client role ({', '.join(CLIENT_ROLES)})")
    return role


def _salesforce_roles(value: object, fail) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise fail("salesforce.roles", "expected a mapping of Salesforce role to bundle role")
    roles = dict(DEFAULT_SALESFORCE_ROLES)
    for name, role in value.items():
        roles[str(name).strip().casefold()] = _client_role(
            role, f"salesforce.roles.{name}", fail
        )
    return roles

