"""The ``jira:`` and ``raid:`` sections of the rules file (commitment logs).

Kept apart from ``_rules.py`` so that the calendar rules and the action-log
rules can change independently; :func:`~._rules.parse_rules` calls
:func:`parse_jira` and :func:`parse_raid` with its own ``fail`` (which names
the rules file).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ._result import AdapterError

__all__ = ["LOG_SECTIONS", "JiraRules", "RaidRules", "OWNER_SIDE_POLICIES",
           "parse_jira", "parse_raid"]

Fail = Callable[[str, str], AdapterError]

#: Top-level keys of the rules file parsed here.
LOG_SECTIONS = ("jira", "raid")
#: What to do with a commitment whose owner neither the roster nor the vendor
#: domains place: keep it on that side, or skip it (counted).
OWNER_SIDE_POLICIES = ("skip", "client", "vendor")
#: Jira resolutions that mean the work was not done (compared case-insensitively).
DEFAULT_DROPPED_RESOLUTIONS = (
    "won't do", "won't fix", "duplicate", "cannot reproduce", "incomplete", "declined",
    "rejected", "obsolete", "abandoned",
)
#: Jira's CSV export writes dates like ``11/Mar/24 9:30 AM``.
DEFAULT_JIRA_DATE_FORMAT = "%d/%b/%y %I:%M %p"
#: Roles of the RAID log's columns (``raid.columns``); the first two are required.
RAID_COLUMNS = ("raised", "status", "id", "description", "owner", "due", "closed", "type",
                "engagement")
RAID_STATUSES = ("done", "dropped", "open")


@dataclass(frozen=True)
class JiraRules:
    """How to read a Jira CSV export (``jira:`` section).

    Attributes
    ----------
    date_format : str
        ``strptime`` format of Created / Due date / Resolved (the date part
        alone, before the first space, is also accepted).
    dropped_resolutions : tuple of str
        Resolutions (case-folded) giving ``dropped``; any other resolution is ``done``.
    unknown_owner_side : str
        ``skip``, ``client`` or ``vendor``: for assignees nobody can place.
    """

    date_format: str = DEFAULT_JIRA_DATE_FORMAT
    dropped_resolutions: tuple[str, ...] = DEFAULT_DROPPED_RESOLUTIONS
    unknown_owner_side: str = "skip"


@dataclass(frozen=True)
class RaidRules:
    """How to read a RAID log spreadsheet (``raid:`` section).

    Attributes
    ----------
    columns : mapping of role to column header
        Roles in :data:`RAID_COLUMNS`; ``raised`` and ``status`` are required.
    statuses : mapping of case-folded status value to ``done``/``dropped``/``open``
    keep_types : tuple of str
        Case-folded values of the ``type`` column to keep (empty: keep every row).
    engagement : str or None
        Engagement id of every row (a log kept per engagement).
    date_format : str or None
        ``strptime`` format of text dates (None: the rules' ``date_format``).
    sheet : str or None
        Worksheet of an XLSX file (None: the first).
    unknown_owner_side : str
        As for Jira.
    """

    columns: Mapping[str, str] = field(default_factory=dict)
    statuses: Mapping[str, str] = field(default_factory=dict)
    keep_types: tuple[str, ...] = ()
    engagement: str | None = None
    date_format: str | None = None
    sheet: str | None = None
    unknown_owner_side: str = "skip"


def _section(value: object, key: str, allowed: tuple[str, ...], fail: Fail) -> Mapping:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise fail(key, "expected a mapping")
    unknown = sorted(set(map(str, value)) - set(allowed))
    if unknown:
        raise fail(f"{key}.{unknown[0]}", f"unknown key (known: {', '.join(allowed)})")
    return value


def _text(value: object, where: str, fail: Fail) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise fail(where, "expected a non-empty string")
    return str(value).strip()


def _texts(value: object, where: str, fail: Fail) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise fail(where, "expected a list of non-empty strings")
    return tuple(_text(v, where, fail).casefold() for v in value)


def _policy(value: object, where: str, fail: Fail) -> str:
    policy = str(value).strip().casefold()
    if policy not in OWNER_SIDE_POLICIES:
        raise fail(where, f"{value!r} is not one of {', '.join(OWNER_SIDE_POLICIES)}")
    return policy


def parse_jira(value: object, fail: Fail) -> JiraRules:
    """The ``jira:`` section: ``date_format``, ``dropped_resolutions``, ``unknown_owner_side``."""
    section = _section(value, "jira", ("date_format", "dropped_resolutions",
                                       "unknown_owner_side"), fail)
    defaults = JiraRules()
    return JiraRules(
        date_format=_text(section.get("date_format", defaults.date_format),
                          "jira.date_format", fail),
        dropped_resolutions=_texts(section.get("dropped_resolutions",
                                               list(defaults.dropped_resolutions)),
                                   "jira.dropped_resolutions", fail),
        unknown_owner_side=_policy(section.get("unknown_owner_side", "skip"),
                                   "jira.unknown_owner_side", fail),
    )


def parse_raid(value: object, fail: Fail) -> RaidRules | None:
    """The ``raid:`` section (None when the rules file has none)."""
    if value is None:
        return None
    section = _section(value, "raid", ("columns", "status", "keep_types", "engagement",
                                       "date_format", "sheet", "unknown_owner_side"), fail)
    columns = _section(section.get("columns"), "raid.columns", RAID_COLUMNS, fail)
    for role in RAID_COLUMNS[:2]:
        if role not in columns:
            raise fail("raid.columns", f"'{role}' missing: name the column holding it")
    statuses: dict[str, str] = {}
    given = _section(section.get("status"), "raid.status", RAID_STATUSES, fail)
    if not given:
        raise fail("raid.status", "list the status values meaning done, dropped and open")
    for status, values in given.items():
        for text in _texts(values, f"raid.status.{status}", fail):
            if statuses.setdefault(text, status) != status:
                raise fail(f"raid.status.{status}", f"{text!r} is also listed as {statuses[text]}")
    optional = {key: section.get(key) for key in ("engagement", "date_format", "sheet")}
    return RaidRules(
        columns={role: _text(name, f"raid.columns.{role}", fail) for role, name in columns.items()},
        statuses=statuses,
        keep_types=_texts(section.get("keep_types", []), "raid.keep_types", fail),
        **{key: None if v is None else _text(v, f"raid.{key}", fail)
           for key, v in optional.items()},
        unknown_owner_side=_policy(section.get("unknown_owner_side", "skip"),
                                   "raid.unknown_owner_side", fail),
    )
