"""Slack workspace exports and Microsoft Graph (Outlook messages, Teams chatMessages)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from engagement_analytics.adapters import (
    AdapterError,
    load_rules,
    parse_rules,
    read_graph,
    read_mbox,
    read_slack,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
RULES = {
    "vendor_domains": ["northwind-consulting.example"],
    "engagement_rules": [{"channel": "#Falcon-Programme", "engagement": "ENG-042"},
                         {"title_regex": r"\[(ENG-\d+)\]"},
                         {"category": "Falcon", "engagement": "ENG-042"}],
}


def _zip(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(folder).as_posix())
    return target


def test_slack_export_threads_across_days_and_skipped_subtypes(tmp_path):
    rules = parse_rules(RULES)
    folder = EXAMPLES / "slack-export"
    result = read_slack(folder, rules=rules)
    report = result.report
    assert (report.read, report.mapped) == (8, 4)
    assert dict(report.skipped) == {"channel_join_or_leave": 1, "bot_message": 1,
                                    "non_message_subtype": 1, "no_engagement_matched": 1}
    frame = result["communications"].set_index("sent_at")
    root = frame.loc["2025-03-04T08:15:00+00:00"]
    # A reply the next day (another day file) still answers the thread's first message.
    next_day = frame.loc["2025-03-05T09:00:00+00:00"]
    assert next_day["in_reply_to"] == root["message_id"] and root["in_reply_to"] == ""
    assert next_day["from_id"] == "U03GUEST"  # no e-mail in users.json: the Slack id
    assert frame.loc["2025-03-04T08:47:30+00:00", "from_id"] == "lea.martin@northwind-consulting.example"
    assert set(frame["channel"]) == {"chat"}
    # The same export zipped (and re-zipped inside a folder) reads the same.
    for prefix in ("", "Acme Slack export Mar 1 2025 - Mar 6 2025/"):
        zipped = read_slack(_zip(folder, tmp_path / "export.zip", prefix), rules=rules)
        assert zipped["communications"].equals(result["communications"])


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: (d / "users.json").unlink(), "no users.json"),
        (lambda d: (d / "falcon-programme" / "2025-03-04.json").write_text("[{\"ts\": "),
         "falcon-programme/2025-03-04.json: not valid JSON"),
        (lambda d: (d / "users.json").write_text("[" * 100_000 + "]" * 100_000),
         "users.json: JSON nested too deeply"),
        (lambda d: (d / "random" / "2025-03-04.json").write_bytes(b"\xff\xfe\x00binary"),
         "random/2025-03-04.json: not UTF-8 text"),
    ],
)
def test_slack_broken_exports_fail_with_one_line(tmp_path, setup, message):
    folder = shutil.copytree(EXAMPLES / "slack-export", tmp_path / "export")
    setup(folder)
    with pytest.raises(AdapterError, match=message) as caught:
        read_slack(folder, rules=parse_rules(RULES))
    assert "\n" not in str(caught.value)


def test_slack_zip_members_are_capped_and_broken_zips_refused(tmp_path, monkeypatch):
    from engagement_analytics.adapters import _jsonfiles

    zipped = _zip(EXAMPLES / "slack-export", tmp_path / "export.zip")
    monkeypatch.setattr(_jsonfiles, "MAX_JSON_BYTES", 1000)  # a zip bomb's member is cut here
    # The zip's directory is checked first ...
    with pytest.raises(AdapterError, match=r"export.zip: '[^']+\.json' unpacks to [\d,]+ bytes, "
                                           r"more than the limit of 1,000; refused"):
        read_slack(zipped, rules=parse_rules(RULES))
    # ... and a directory that lies is caught by the cap on the bytes inflated.
    monkeypatch.setattr(_jsonfiles, "check_zip", lambda *args, **kwargs: None)
    with pytest.raises(AdapterError, match="users.json: larger than 1,000 bytes"):
        read_slack(zipped, rules=parse_rules(RULES))
    truncated = tmp_path / "cut.zip"
    truncated.write_bytes(zipped.read_bytes()[:300])
    with pytest.raises(AdapterError, match="cut.zip: not a readable zip file or folder"):
        read_slack(truncated, rules=parse_rules(RULES))


def test_slack_hostile_message_values_are_counted(tmp_path):
    folder = shutil.copytree(EXAMPLES / "slack-export", tmp_path / "export")
    day = folder / "falcon-programme" / "2025-03-06.json"
    day.write_text(json.dumps([
        "not a message", {"type": "message", "user": ["U01LEA"], "ts": "1"},
        {"type": "message", "user": "U01LEA", "ts": "soon"},
        {"type": "message", "subtype": {"x": 1}, "user": "U01LEA", "ts": "1741250000.1"},
        {"type": "message", "user": "U01LEA", "ts": "1e300"},
    ]))
    report = read_slack(folder, rules=parse_rules(RULES)).report
    assert report.balanced and report.read == 13
    assert report.skipped["unreadable_ts"] == 2 and report.skipped["non_message_subtype"] == 4


GRAPH_MAIL = {
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('lea')/messages",
    "value": [
        {"id": "AAMkAD1", "createdDateTime": "2025-03-04T08:12:00Z",
         "sentDateTime": "2025-03-04T08:12:00Z", "subject": "[ENG-042] Data extract for the pilot",
         "bodyPreview": "BODY-SECRET-7f3a", "body": {"contentType": "html",
                                                   "content": "<p>BODY-SECRET-7f3a</p>"},
         "uniqueBody": {"content": "BODY-SECRET-7f3a"}, "hasAttachments": True,
         "internetMessageId": "<CAF1x-pilot-0001@mail.globex.example>", "conversationId": "C1",
         "isDraft": False, "categories": [],
         "from": {"emailAddress": {"name": "Omar", "address": "Omar.Diaz@globex.example"}},
         "toRecipients": [{"emailAddress": {"address": "lea.martin@northwind-consulting.example"}}]},
        {"id": "AAMkAD2", "sentDateTime": "2025-03-04T10:40:05Z", "subject": "RE: pilot",
         "bodyPreview": "BODY-SECRET-7f3a", "internetMessageId": "<r2@northwind-consulting.example>",
         "conversationId": "C1", "isDraft": False, "categories": ["Falcon"],
         "from": {"emailAddress": {"address": "lea.martin@northwind-consulting.example"}}},
        {"id": "AAMkAD3", "sentDateTime": "2025-03-04T11:00:00Z", "subject": "RE: pilot",
         "internetMessageId": "<r3@globex.example>", "conversationId": "C1", "categories": ["Falcon"],
         "internetMessageHeaders": [{"name": "In-Reply-To",
                                     "value": "<CAF1x-pilot-0001@mail.globex.example>"}],
         "from": {"emailAddress": {"address": "omar.diaz@globex.example"}}},
        {"id": "AAMkAD4", "sentDateTime": None, "subject": "[ENG-042] draft", "isDraft": True,
         "from": {"emailAddress": {"address": "lea.martin@northwind-consulting.example"}}},
    ],
    "@odata.nextLink": "https://graph.microsoft.com/v1.0/me/messages?$skip=10",
}
TEAMS = [
    {"value": [
        {"id": "1741080000000", "replyToId": None, "messageType": "message",
         "createdDateTime": "2025-03-04T09:20:00.123Z", "subject": None,
         "body": {"content": "BODY-SECRET-7f3a"}, "attachments": [{"name": "ATTACHMENT-SECRET"}],
         "channelIdentity": {"teamId": "T1", "channelId": "19:falcon@thread.tacv2"},
         "from": {"user": {"id": "aad-omar", "displayName": "Omar Diaz"}}},
        {"id": "1741080600000", "replyToId": "1741080000000", "messageType": "message",
         "createdDateTime": "2025-03-04T09:30:00Z",
         "channelIdentity": {"teamId": "T1", "channelId": "19:falcon@thread.tacv2"},
         "from": {"user": {"id": "aad-someone", "displayName": "Someone New"}}},
    ]},
    {"value": [
        {"id": "1741080700000", "messageType": "systemEventMessage",
         "createdDateTime": "2025-03-04T09:31:00Z", "from": None},
        {"id": "1741080800000", "messageType": "message", "createdDateTime": "2025-03-04T09:32:00Z",
         "channelIdentity": {"channelId": "19:falcon@thread.tacv2"},
         "from": {"application": {"id": "bot", "displayName": "Workflows"}, "user": None}},
    ]},
]


def test_graph_outlook_and_teams_pages(tmp_path):
    mail = tmp_path / "messages.json"
    mail.write_text(json.dumps(GRAPH_MAIL))
    teams = tmp_path / "channel-messages.json"
    teams.write_text(json.dumps(TEAMS))
    rules = parse_rules(dict(RULES, engagement_rules=RULES["engagement_rules"] + [
        {"channel": "19:falcon@thread.tacv2", "engagement": "ENG-042"}]))
    roster = EXAMPLES / "roster.csv"
    result = read_graph([mail, teams], rules=rules, roster=roster)
    report = result.report
    assert (report.read, report.mapped) == (8, 5)
    assert dict(report.skipped) == {"draft": 1, "system_message": 1, "bot_message": 1}
    frame = result["communications"].set_index("sent_at")
    first, second = frame.loc["2025-03-04T08:12:00+00:00"], frame.loc["2025-03-04T10:40:05+00:00"]
    third = frame.loc["2025-03-04T11:00:00+00:00"]
    assert second["in_reply_to"] == first["message_id"]  # from conversationId
    assert third["in_reply_to"] == first["message_id"]  # from internetMessageHeaders
    assert report.notes["reply_link_from_conversation"] == 1
    post, reply = frame.loc["2025-03-04T09:20:00+00:00"], frame.loc["2025-03-04T09:30:00+00:00"]
    assert reply["in_reply_to"] == post["message_id"]
    assert post["from_id"] == "omar.diaz@globex.example"  # display name through the roster
    assert reply["from_id"] == "aad-someone"
    assert post["channel"] == "chat" and first["channel"] == "email"
    # The same e-mail read from an mbox gets the same id: imports of both never duplicate.
    mbox = read_mbox(EXAMPLES / "mailbox.mbox", rules=load_rules(EXAMPLES / "rules.yaml"))
    assert first["message_id"] in set(mbox["communications"]["message_id"])


def test_graph_not_a_list_response_is_one_line(tmp_path):
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"error": {"code": "InvalidAuthenticationToken"}}))
    with pytest.raises(AdapterError, match=r"odd.json: page 1: expected a Graph list response"):
        read_graph(path, rules=parse_rules(RULES))
