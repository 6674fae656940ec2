"""A Slack workspace export (zip or folder) to communications (``channel: chat``).

The export holds ``users.json``, ``channels.json`` (and ``groups.json``,
``mpims.json``, ``dms.json`` for private channels and direct messages in
exports that include them) and one folder per channel with one JSON file per
day (``2024-03-11.json``: a list of messages). Message text, files and
attachments are never read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

import pandas as pd

from ._events import read_roster
from ._jsonfiles import LINK_NOTE, ExportTree
from ._messages import Message, MessageMapper, message_key
from ._result import AdapterError, AdapterResult, ImportReport
from ._rules import MappingRules

__all__ = ["read_slack"]

_DAY_FILE = re.compile(r"\d{4}-\d{2}-\d{2}\.json")
_CHANNEL_LISTS = ("channels.json", "groups.json", "mpims.json", "dms.json")
#: Subtypes that are messages a person wrote; every other subtype is not.
_PERSON_SUBTYPES = {None, "", "thread_broadcast", "file_share", "me_message"}
_JOIN_LEAVE = {"channel_join", "channel_leave", "group_join", "group_leave"}
_BOT_SUBTYPES = {"bot_message", "bot_add", "bot_remove"}


def read_slack(
    paths: str | Path | Iterable[str | Path],
    *,
    rules: MappingRules,
    roster: str | Path | pd.DataFrame | None = None,
    engagement_ids: Iterable[str] | None = None,
) -> AdapterResult:
    """Read Slack workspace exports into communications.

    Parameters
    ----------
    paths : path or list of paths
        The export's zip file, or the folder it was unpacked to.
    rules : MappingRules
        ``channel`` rules see the channel's name and id; ``attendee_domain``
        rules the sender's address. ``title_regex`` rules see nothing (a chat
        message has no subject, and its text is never read).
    roster, engagement_ids
        As for the other readers.

    Returns
    -------
    AdapterResult
        ``communications`` (``channel=chat``; ``sent_at`` in UTC, from ``ts``;
        a thread reply answers the thread's first message) and
        ``stakeholders``. The report counts messages in the day files.
        Skipped: ``channel_join_or_leave``, ``bot_message``,
        ``non_message_subtype``, ``no_user``, ``unreadable_ts``.

    Raises
    ------
    AdapterError
        Not a zip or folder, no ``users.json``, or a file that is not JSON.
    """
    paths = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    report = ImportReport("slack", "messages")
    mapper = MessageMapper(rules, read_roster(roster), report, engagement_ids=engagement_ids)
    for path in paths:
        if not path.exists():
            raise AdapterError(f"{path.name}: file not found")
        with ExportTree(path) as tree:
            if tree.links_not_followed:
                report.notes[LINK_NOTE] += len(tree.links_not_followed)
            _read_export(tree, path.name, mapper, report)
    return mapper.result()


def _read_export(tree: ExportTree, file: str, mapper: MessageMapper, report: ImportReport) -> None:
    users_file = tree.find("users.json")
    if users_file is None:
        raise AdapterError(f"{file}: no users.json (not a Slack workspace export)")
    root = str(PurePosixPath(users_file).parent)
    root = "" if root == "." else root + "/"
    people, bots = _users(tree.json(users_file), f"{file}: {users_file}")
    channel_ids = {}
    for name in _CHANNEL_LISTS:
        if root + name in tree.names():
            channel_ids.update(_channel_ids(tree.json(root + name)))
    for member in tree.names():
        parts = PurePosixPath(member.removeprefix(root)).parts
        if not member.startswith(root) or len(parts) != 2 or not _DAY_FILE.fullmatch(parts[1]):
            continue
        folder = parts[0]
        channel_id = channel_ids.get(folder, folder)
        messages = tree.json(member)
        if not isinstance(messages, list):
            raise AdapterError(f"{file}: {member}: expected a list of messages")
        for item in messages:
            report.read += 1
            message = _message(item, folder, channel_id, people, bots, report)
            if message is not None:
                message.file, message.uid = file, member
                mapper.add(message)


def _users(data: object, where: str) -> tuple[dict[str, str], set[str]]:
    """Slack user id -> person id (the profile e-mail, else the id); bot user ids."""
    if not isinstance(data, list):
        raise AdapterError(f"{where}: expected a list of users")
    people, bots = {}, set()
    for user in data:
        if not isinstance(user, Mapping) or not isinstance(user.get("id"), str):
            continue
        profile = user.get("profile") if isinstance(user.get("profile"), Mapping) else {}
        address = profile.get("email")
        people[user["id"]] = (address.strip().casefold() if isinstance(address, str)
                              and "@" in address else user["id"])
        if user.get("is_bot") is True or user["id"] == "USLACKBOT":
            bots.add(user["id"])
    return people, bots


def _channel_ids(data: object) -> dict[str, str]:
    """Folder name -> channel id (folders are named after channels, DMs after their id)."""
    if not isinstance(data, list):
        return {}
    ids = {}
    for channel in data:
        if isinstance(channel, Mapping) and isinstance(channel.get("id"), str):
            name = channel.get("name")
            ids[name if isinstance(name, str) and name else channel["id"]] = channel["id"]
    return ids


def _message(
    item: object,
    folder: str,
    channel_id: str,
    people: dict[str, str],
    bots: set[str],
    report: ImportReport,
) -> Message | None:
    if not isinstance(item, Mapping):
        report.skip("non_message_subtype")
        return None
    subtype = item.get("subtype")
    user = item.get("user")
    if not isinstance(subtype, str | None) or not isinstance(user, str | None):
        report.skip("non_message_subtype")  # hostile or broken: a list where text belongs
        return None
    if subtype in _JOIN_LEAVE:
        report.skip("channel_join_or_leave")
        return None
    if subtype in _BOT_SUBTYPES or item.get("bot_id") or user in bots:
        report.skip("bot_message")
        return None
    if subtype not in _PERSON_SUBTYPES or item.get("type", "message") != "message":
        report.skip("non_message_subtype")
        return None
    if not isinstance(user, str) or not user:
        report.skip("no_user")
        return None
    ts = item.get("ts")
    sent_at = _instant(ts)
    if sent_at is None:
        report.skip("unreadable_ts")
        return None
    thread = item.get("thread_ts")
    reply_to = ""
    if isinstance(thread, str) and thread and thread != ts:
        reply_to = message_key("slack", channel_id, thread)
    person = people.get(user)
    if person is None:
        report.notes["user_not_in_users_json"] += 1
        person = user
    return Message(
        message_id=message_key("slack", channel_id, str(ts)),
        sent_at=sent_at,
        sender=person,
        channels=(folder, channel_id),
        in_reply_to=reply_to,
        channel="chat",
    )


def _instant(ts: object) -> dt.datetime | None:
    """Slack's ``ts`` (seconds since 1970 as text, ``1710149400.123456``) in UTC."""
    if not isinstance(ts, str) or len(ts) > 32:
        return None
    try:
        seconds = float(ts)
        instant = dt.datetime.fromtimestamp(seconds, dt.UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return instant if 1990 <= instant.year <= 2200 else None
