"""From messages (e-mail, chat) to the ``communications`` table.

The mail, Slack and Microsoft Graph readers reduce what they read to
:class:`Message` records (metadata only: no reader ever keeps a body) and hand
them to :class:`MessageMapper`, which applies the engagement rules, drops
repeats and builds the table column by column (a mailbox may hold millions of
messages: no dict per row).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from .._contract import TABLES
from .._controls import has_control
from ._events import Roster, iso_datetime, known_engagements, stable_id, stakeholder_rows
from ._result import AdapterResult, ImportReport
from ._rules import MappingRules

__all__ = [
    "LISTED_CAP",
    "Message",
    "MessageMapper",
    "all_addresses",
    "capped_listing",
    "first_address",
    "message_key",
]

#: Items listed in the report's unmatched list at most (a mailbox can hold
#: millions of personal messages no rule matches): the rest are only counted.
LISTED_CAP = 10_000
_ADDRESS_DELIMITERS = re.compile(r"[\s<>,;:\"'()\[\]]+")
#: Prefix of the ids made from RFC 5322 Message-IDs: the same e-mail read from an
#: mbox, an .eml, an .msg or Microsoft Graph gets the same ``message_id``.
MAIL_PREFIX = "mail"


def capped_listing(report: ImportReport, listed: dict[str, str]) -> dict[str, str] | None:
    """``listed`` while the report lists fewer than :data:`LISTED_CAP` items, else None (noted)."""
    if len(report.unmatched) >= LISTED_CAP:
        report.notes[f"unmatched_listed_only_first_{LISTED_CAP}"] += 1
        return None
    return listed


def message_key(prefix: str, *parts: str) -> str:
    """The ``message_id`` of a message (or of the message it answers)."""
    return stable_id(prefix, *parts)


def first_address(value: str) -> str:
    """The case-folded address of a From field (``Name <a@b>`` or ``a@b``), or ''."""
    start = value.rfind("<")
    if start != -1:
        end = value.find(">", start)
        inside = value[start + 1: end if end != -1 else len(value)].strip()
        if "@" in inside:
            return inside.casefold()
    found = all_addresses(value)
    return found[0] if found else ""


def all_addresses(value: str) -> list[str]:
    """Every case-folded address in an address list (split on delimiters: linear time)."""
    if "@" not in value:
        return []
    return [t.casefold() for t in _ADDRESS_DELIMITERS.split(value) if "@" in t]


@dataclass(slots=True)
class Message:
    """One message's metadata, whatever the source.

    Attributes
    ----------
    message_id : str
        Already the stable id (:func:`message_key`).
    sent_at : datetime
        Timezone-aware, with the sender's offset when the source gives it.
    sender : str
        Person id: a case-folded address, or a chat user id.
    subject : str
        Matched by ``title_regex`` rules (e-mail subject, Teams post subject).
    addresses : sequence of str
        Recipients' addresses, for ``attendee_domain`` rules only.
    recipients : str
        Recipient fields as written (``To``, ``Cc``): parsed into addresses
        only when an ``attendee_domain`` rule needs them.
    channels, categories : sequence of str
        For ``channel`` and ``category`` rules.
    in_reply_to : str
        The stable id of the message this one answers ('' if none).
    channel : str
        ``email`` or ``chat``.
    file, uid : str
        Where it was read, for the unmatched list.
    """

    message_id: str
    sent_at: dt.datetime
    sender: str
    subject: str = ""
    addresses: Sequence[str] = ()
    recipients: str = ""
    channels: Sequence[str] = ()
    categories: Sequence[str] = ()
    in_reply_to: str = ""
    channel: str = "email"
    file: str = ""
    uid: str = ""


class MessageMapper:
    """Turns :class:`Message` records into ``communications`` and ``stakeholders`` rows.

    The reader counts each record it reads (``report.read``) and the records it
    cannot make a message of; :meth:`add` counts the rest as mapped or skipped
    (``no_engagement_matched``, ``unknown_engagement``, ``duplicate_message``,
    ``control_character_in_sender`` and ``control_character_in_engagement_id``:
    a NUL or other control character in an id or address, which a bundle
    cannot hold).

    Parameters
    ----------
    rules : MappingRules
    roster : Roster
    report : ImportReport
    engagement_ids : iterable of str, optional
        Engagements the bundle knows (None accepts any id).
    """

    def __init__(
        self,
        rules: MappingRules,
        roster: Roster,
        report: ImportReport,
        *,
        engagement_ids: Iterable[str] | None = None,
    ) -> None:
        self.rules, self.roster, self.report = rules, roster, report
        self.known = known_engagements(rules, engagement_ids)
        self._seen: set[str] = set()
        self._columns: dict[str, list[str]] = {
            c: [] for c in TABLES["communications"].column_names
        }
        self._interned: dict[str, str] = {}
        self._people: dict[tuple[str, str], str] = {}

    def add(self, message: Message) -> None:
        """Map one message (already counted as read), or count why not."""
        report = self.report
        if has_control(message.sender):
            report.skip("control_character_in_sender", listed=self._listed(message))
            return
        engagement = self._engagement(message)
        if engagement is None:
            report.skip("no_engagement_matched", listed=self._listed(message))
            return
        if has_control(engagement):
            report.skip("control_character_in_engagement_id", listed=self._listed(message))
            return
        if self.known is not None and engagement not in self.known:
            listed = self._listed(message)
            report.skip("unknown_engagement",
                        listed=None if listed is None else dict(listed, engagement=engagement))
            return
        if message.message_id in self._seen:
            # The same message twice: the sender's Sent folder and a recipient's Inbox.
            report.skip("duplicate_message")
            return
        self._seen.add(message.message_id)
        report.mapped += 1
        sender = self.roster.canonical(message.sender)
        engagement = self._interned.setdefault(engagement, engagement)
        columns = self._columns
        columns["message_id"].append(message.message_id)
        columns["engagement_id"].append(engagement)
        columns["sent_at"].append(iso_datetime(message.sent_at))
        columns["from_id"].append(sender)
        columns["channel"].append(message.channel)
        columns["in_reply_to"].append(message.in_reply_to)
        self._people.setdefault((engagement, sender), "")

    def _engagement(self, message: Message) -> str | None:
        """As :meth:`MappingRules.engagement_for`, parsing recipients only if a rule needs them."""
        emails = None
        for rule in self.rules.engagement_rules:
            if rule.kind == "attendee_domain" and emails is None:
                emails = [message.sender, *message.addresses, *all_addresses(message.recipients)]
            found = rule.match(message.subject, message.categories, emails or (),
                               channels=message.channels)
            if found is not None:
                return found
        return None

    def _listed(self, message: Message) -> dict[str, str] | None:
        return capped_listing(self.report, {"file": message.file, "uid": message.uid,
                                            "start": iso_datetime(message.sent_at),
                                            "title": message.subject})

    def result(self) -> AdapterResult:
        """``communications`` and ``stakeholders`` (and ``engagements`` from the rules)."""
        # Senders become stakeholders when the roster knows them or they have an
        # address (their side then follows the vendor domains); a bare chat user
        # id cannot be placed on a side, so it stays an unknown person.
        people = {}
        for (engagement, person), name in self._people.items():
            if "@" in person or self.roster.rows_for(engagement, person):
                people[(engagement, person)] = name
            else:
                self.report.notes["sender_without_address_not_added_to_stakeholders"] += 1
        tables = {
            "communications": pd.DataFrame(self._columns),
            "stakeholders": stakeholder_rows(people, self.roster, self.rules),
        }
        if not self.rules.engagements.empty:
            tables["engagements"] = self.rules.engagements.copy()
        return AdapterResult(tables, self.report)
