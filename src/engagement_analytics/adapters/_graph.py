"""Microsoft 365 (Microsoft Graph list responses) to communications.

A file holds what a Graph list call returned: ``{"value": [...]}``, or a
JSON array of such pages. Items are Outlook ``message`` resources (they have
``internetMessageId`` or ``sentDateTime``) or Teams ``chatMessage`` resources
(``messageType``, ``createdDateTime``). ``body``, ``bodyPreview``,
``uniqueBody`` and ``attachments`` are never looked at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pandas as pd

from ._events import Roster, read_roster
from ._headers import angle_id, header_fields
from ._jsonfiles import read_json_file
from ._messages import MAIL_PREFIX, Message, MessageMapper, first_address, message_key
from ._result import AdapterError, AdapterResult, ImportReport
from ._rules import MappingRules

__all__ = ["read_graph"]


def read_graph(
    paths: str | Path | Iterable[str | Path],
    *,
    rules: MappingRules,
    roster: str | Path | pd.DataFrame | None = None,
    engagement_ids: Iterable[str] | None = None,
) -> AdapterResult:
    """Read Microsoft Graph message and chatMessage pages into communications.

    Parameters
    ----------
    paths : path or list of paths
        JSON files, each one page (``{"value": [...]}``) or a list of pages.
    rules : MappingRules
        ``title_regex`` rules see the subject; ``category`` rules Outlook
        categories; ``attendee_domain`` rules the sender and recipients;
        ``channel`` rules a Teams message's channel id (or chat id).
    roster : path or DataFrame, optional
        Also turns a Teams sender's display name into a person id.
    engagement_ids : iterable of str, optional
        Engagements the bundle knows.

    Returns
    -------
    AdapterResult
        ``communications`` and ``stakeholders``. An Outlook message answers
        its ``In-Reply-To`` when ``internetMessageHeaders`` were selected,
        else the previous message of its ``conversationId`` read in this
        import (note ``reply_link_from_conversation``); a Teams reply answers
        its ``replyToId``. Outlook times are UTC (Graph gives no offset).
    """
    paths = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    report = ImportReport("graph", "items")
    people = read_roster(roster)
    mapper = MessageMapper(rules, people, report, engagement_ids=engagement_ids)
    mails: list[tuple[Message, str, bool]] = []
    for path in paths:
        for number, item in enumerate(_items(path), start=1):
            report.read += 1
            uid = f"item {number}"
            if not isinstance(item, Mapping):
                report.skip("not_a_message_resource")
            elif "internetMessageId" in item or "sentDateTime" in item:
                found = _mail(item, report)
                if found is not None:
                    found[0].file, found[0].uid = path.name, uid
                    mails.append(found)
            elif "messageType" in item or "createdDateTime" in item:
                message = _chat(item, people, report)
                if message is not None:
                    message.file, message.uid = path.name, uid
                    mapper.add(message)
            else:
                report.skip("not_a_message_resource")
    for message in _link_conversations(mails, report):
        mapper.add(message)
    return mapper.result()


def _items(path: Path) -> Iterator[object]:
    data = read_json_file(path)
    pages = data if isinstance(data, list) else [data]
    for number, page in enumerate(pages, start=1):
        if not isinstance(page, Mapping) or not isinstance(page.get("value"), list):
            raise AdapterError(
                f"{path.name}: page {number}: expected a Graph list response {{\"value\": [...]}}")
        yield from page["value"]


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _get(item: object, *keys: str) -> object:
    """``item[k1][k2]...``, or None when any level is missing or not a mapping."""
    for key in keys:
        if not isinstance(item, Mapping):
            return None
        item = item.get(key)
    return item


def _instant(value: object) -> dt.datetime | None:
    text = _text(value)
    if not text or len(text) > 40:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)  # Graph writes UTC, sometimes without the Z
    return parsed if 1900 <= parsed.year <= 2200 else None


def _mail(item: Mapping, report: ImportReport) -> tuple[Message, str, bool] | None:
    """An Outlook message, its conversation id and whether its reply link is known."""
    if item.get("isDraft") is True:
        report.skip("draft")
        return None
    sent_at = _instant(item.get("sentDateTime"))
    if sent_at is None:
        report.skip("missing_date" if not _text(item.get("sentDateTime")) else "unparseable_date")
        return None
    sender = first_address(_text(_get(item, "from", "emailAddress", "address"))
                           or _text(_get(item, "sender", "emailAddress", "address")))
    if not sender:
        report.skip("missing_sender")
        return None
    internet_id = angle_id(_text(item.get("internetMessageId")), last=False)
    if internet_id:
        message_id = message_key(MAIL_PREFIX, internet_id)
    else:
        report.notes["no_internet_message_id_graph_id_used"] += 1
        message_id = message_key("graph", _text(item.get("id")) or sent_at.isoformat() + sender)
    headers = item.get("internetMessageHeaders")
    reply_to, linked = "", False
    if isinstance(headers, list):
        lines = "\n".join(f"{_text(h.get('name'))}: {_text(h.get('value'))}"
                          for h in headers if isinstance(h, Mapping))
        fields = header_fields(lines)
        parent = angle_id(fields.get("in-reply-to", ""), last=False) or angle_id(
            fields.get("references", ""), last=True)
        reply_to, linked = (message_key(MAIL_PREFIX, parent) if parent else ""), True
    addresses = [
        first_address(_text(_get(r, "emailAddress", "address")))
        for key in ("toRecipients", "ccRecipients")
        for r in (item.get(key) if isinstance(item.get(key), list) else [])
    ]
    categories = item.get("categories") if isinstance(item.get("categories"), list) else []
    message = Message(
        message_id=message_id,
        sent_at=sent_at,
        sender=sender,
        subject=_text(item.get("subject")),
        addresses=[a for a in addresses if a],
        categories=[c for c in categories if isinstance(c, str)],
        in_reply_to=reply_to,
    )
    return message, _text(item.get("conversationId")), linked


def _link_conversations(
    mails: list[tuple[Message, str, bool]], report: ImportReport
) -> Iterator[Message]:
    """Outlook messages in time order; without headers, each answers its conversation's previous one."""
    previous: dict[str, str] = {}
    for message, conversation, linked in sorted(mails, key=lambda m: m[0].sent_at):
        if not linked and conversation:
            if conversation in previous:
                message.in_reply_to = previous[conversation]
                report.notes["reply_link_from_conversation"] += 1
            previous[conversation] = message.message_id
        yield message


def _chat(item: Mapping, people: Roster, report: ImportReport) -> Message | None:
    """A Teams chatMessage, or None (counted)."""
    if _text(item.get("messageType")) not in ("", "message"):
        report.skip("system_message")
        return None
    if item.get("deletedDateTime"):
        report.skip("deleted")
        return None
    user = _get(item, "from", "user")
    if not isinstance(user, Mapping):
        report.skip("bot_message" if _get(item, "from", "application") else "no_user")
        return None
    sent_at = _instant(item.get("createdDateTime"))
    if sent_at is None:
        report.skip("unparseable_date")
        return None
    name, user_id = _text(user.get("displayName")), _text(user.get("id"))
    person = people.person_named(name) if name else None
    if person is None:
        # Graph gives no e-mail for a Teams sender: the Azure AD object id stands in.
        report.notes["sender_identified_by_user_id"] += 1
        person = user_id
    if not person:
        report.skip("no_user")
        return None
    channel_id = _text(_get(item, "channelIdentity", "channelId"))
    container = channel_id or _text(item.get("chatId"))
    own = _text(item.get("id"))
    if not own:
        report.skip("no_message_id")
        return None
    reply = _text(item.get("replyToId"))
    return Message(
        message_id=message_key("teams", container, own),
        sent_at=sent_at,
        sender=person.casefold() if "@" in person else person,
        subject=_text(item.get("subject")),
        channels=[c for c in (channel_id, _text(item.get("chatId"))) if c],
        in_reply_to=message_key("teams", container, reply) if reply else "",
        channel="chat",
    )

