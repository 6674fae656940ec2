"""``import mbox|eml|slack|graph|jira|raid`` end to end: a bundle that validates, re-imports
that add nothing, and no body, attachment or description text in any output."""

from __future__ import annotations

import base64
import json
import logging
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

from engagement_analytics import load_bundle
from engagement_analytics.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
SAMPLE = ROOT / "data" / "sample"
#: Planted in bodies, attachments, file titles and issue descriptions of the fixtures.
MARKERS = ("BODY-SECRET-7f3a", "ATTACHMENT-SECRET-91c2", "DESCRIPTION-SECRET-c0de")


def _run(*args: str) -> int:
    with pytest.raises(SystemExit) as caught:
        main(list(args))
    return caught.value.code or 0


def _fixtures(tmp_path: Path, make_msg) -> dict[str, list[str]]:
    mail = tmp_path / "mail"
    mail.mkdir()
    text = (EXAMPLES / "mailbox.mbox").read_text()
    first = text.split("\nFrom ", 1)[0]
    (mail / "pilot.eml").write_text(first.split("\n", 1)[1])  # one message per file
    make_msg(mail / "outlook.msg",
             headers=("Message-ID: <msg-1@globex.example>\r\nDate: Fri, 7 Mar 2025 10:00:00 "
                      "+0100\r\nFrom: hana.ito@globex.example\r\nSubject: [ENG-042] msg\r\n\r\n"),
             subject="[ENG-042] msg", body=MARKERS[0], attachment=MARKERS[1].encode())
    slack = tmp_path / "slack.zip"
    with zipfile.ZipFile(slack, "w") as archive:
        for path in sorted((EXAMPLES / "slack-export").rglob("*.json")):
            archive.write(path, path.relative_to(EXAMPLES / "slack-export").as_posix())
    graph = tmp_path / "graph.json"
    graph.write_text(json.dumps({"value": [{
        "sentDateTime": "2025-03-07T09:00:00Z", "subject": "[ENG-042] graph",
        "internetMessageId": "<g1@globex.example>", "body": {"content": MARKERS[0]},
        "bodyPreview": MARKERS[0], "uniqueBody": {"content": MARKERS[0]},
        "from": {"emailAddress": {"address": "omar.diaz@globex.example"}}}]}))
    raid = tmp_path / "raid.csv"
    raid.write_text("Ref,Action,Owner,Raised,Status,Notes\n"
                    f"A1,[ENG-042] Book the room,Léa Martin,2025-03-04,Open,{MARKERS[2]}\n")
    rules = yaml.safe_load((EXAMPLES / "rules.yaml").read_text())
    rules["raid"] = {"columns": {"id": "Ref", "description": "Action", "owner": "Owner",
                                 "raised": "Raised", "status": "Status"},
                     "status": {"open": ["Open"], "done": ["Done"]}}
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(rules, allow_unicode=True))
    return {"mbox": [str(EXAMPLES / "mailbox.mbox")], "eml": [str(mail)], "slack": [str(slack)],
            "graph": [str(graph)], "jira": [str(EXAMPLES / "jira.csv")], "raid": [str(raid)]}


def test_cli_builds_a_valid_bundle_and_leaks_no_body(tmp_path, make_msg, capsys, caplog):
    caplog.set_level(logging.DEBUG)  # libraries' logs (extract-msg, ...) are output too
    out = tmp_path / "bundle"
    out.mkdir()
    for table in ("engagements", "stakeholders"):
        shutil.copy(SAMPLE / f"{table}.csv", out)
    for table in ("meetings", "attendance"):  # required tables, kept empty: a fast test
        header = (SAMPLE / f"{table}.csv").read_text().split("\n", 1)[0]
        (out / f"{table}.csv").write_text(header + "\n")
    sources = _fixtures(tmp_path, make_msg)
    rules = str(tmp_path / "rules.yaml")
    printed = ""
    for source, files in sources.items():
        args = ("import", source, *files, "--rules", rules, "--roster",
                str(EXAMPLES / "roster.csv"), "--out", str(out),
                "--unmatched", str(tmp_path / f"unmatched-{source}.csv"))
        assert _run(*args) == 0, source
        first = capsys.readouterr()
        assert _run(*args) == 0, source  # again: stable ids, nothing added
        again = capsys.readouterr()
        printed += first.out + first.err + again.out + again.err
        table = "commitments.csv" if source in ("jira", "raid") else "communications.csv"
        line = next(x for x in again.out.splitlines() if x.startswith(table))
        assert " 0 added, 0 updated" in line, line
    bundle = load_bundle(out)
    # mbox 4, .msg 1 (the .eml is the mbox's first message again: same id), Slack 4, Graph 1.
    assert len(bundle.communications) == 4 + 1 + 4 + 1
    assert len(bundle.commitments) == 3 + 1  # Jira, RAID
    written = [*out.iterdir(), *tmp_path.glob("unmatched-*.csv")]  # every file the CLI wrote
    assert any(p.name == "communications.csv" for p in written)
    encoded = base64.b64encode(f"{MARKERS[1]} quarterly numbers\n".encode() * 3).decode()[:40]
    for marker in (*MARKERS, encoded):
        assert marker not in printed and marker not in caplog.text
        for path in written:
            assert marker not in path.read_text(encoding="utf-8"), (marker, path.name)


def test_cli_unreadable_exports_exit_2_with_one_line(tmp_path, capsys):
    rules = str(EXAMPLES / "rules.yaml")
    binary = tmp_path / "photo.mbox"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert _run("import", "mbox", str(binary), "--rules", rules, "--out", str(tmp_path / "o")) == 2
    err = capsys.readouterr().err
    assert err.strip() == "error: photo.mbox: not an mbox file (it does not start with a 'From ' line)"
    assert _run("import", "slack", str(tmp_path / "missing"), "--rules", rules,
                "--out", str(tmp_path / "o")) == 2
    assert "no such file" in capsys.readouterr().err
    assert _run("import", "raid", str(binary), "--rules", rules, "--out", str(tmp_path / "o")) == 2
    assert "rules.yaml: no 'raid:' section" in capsys.readouterr().err
