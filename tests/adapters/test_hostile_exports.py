"""Hostile exports: control characters, zip bombs, escape sequences, half-written outputs.

Each test fails on the code before these defences (see the commit message).
"""

from __future__ import annotations

import json
import shutil
import zipfile
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest

from engagement_analytics import load_bundle
from engagement_analytics.adapters import (
    AdapterError,
    AdapterResult,
    ImportReport,
    load_rules,
    parse_rules,
    read_graph,
    read_jira,
    read_mbox,
    read_raid,
    read_slack,
    write_bundle,
)
from engagement_analytics.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
RULES = load_rules(EXAMPLES / "rules.yaml")
ENGAGEMENTS = pd.DataFrame({"engagement_id": ["ENG-042"], "start_date": ["2025-03-03"]})


def _no_nul_anywhere(result: AdapterResult) -> None:
    for name, frame in result.tables.items():
        for column in frame.columns:
            assert not frame[column].astype(str).str.contains("\0", regex=False).any(), (name, column)
    assert result.report.balanced


# --- 1. control characters: ids and addresses skipped, free text cleaned, NUL never written ---

def test_mbox_sender_with_a_nul_is_skipped_under_a_reason(tmp_path):
    path = tmp_path / "nul.mbox"
    path.write_bytes(b"From x@y Mon Mar  3 09:00:00 2025\nFrom: <a\0b@globex.example>\n"
                     b"Date: Mon, 3 Mar 2025 09:00:00 +0100\nSubject: [ENG-042] nul\n\nbody\n")
    result = read_mbox(path, rules=RULES)
    assert dict(result.report.skipped) == {"control_character_in_sender": 1}
    _no_nul_anywhere(result)


def test_slack_users_json_address_with_a_nul_is_skipped(tmp_path):
    folder = shutil.copytree(EXAMPLES / "slack-export", tmp_path / "export")
    users = json.loads((folder / "users.json").read_text())
    users[0]["profile"]["email"] = "lea\0@northwind-consulting.example"
    (folder / "users.json").write_text(json.dumps(users))
    result = read_slack(folder, rules=RULES)
    assert result.report.skipped["control_character_in_sender"] >= 1
    _no_nul_anywhere(result)


def test_graph_sender_with_a_nul_is_skipped(tmp_path):
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"value": [{
        "internetMessageId": "<m1@x>", "sentDateTime": "2025-03-03T09:00:00Z",
        "subject": "[ENG-042] x", "from": {"emailAddress": {"address": "a\0b@globex.example"}}}]}))
    result = read_graph(path, rules=RULES)
    assert dict(result.report.skipped) == {"control_character_in_sender": 1}
    _no_nul_anywhere(result)


def test_jira_key_with_a_nul_is_skipped_and_a_summary_cleaned(tmp_path):
    path = tmp_path / "jira.csv"
    path.write_text("Issue key,Summary,Created,Resolution,Assignee,Project key\n"
                    "FAL-1,a\0b\x1b[2J,11/Mar/25 9:30 AM,,ada@northwind-consulting.example,FAL\n"
                    "FAL\0-2,x,11/Mar/25 9:30 AM,,ada@northwind-consulting.example,FAL\n")
    result = read_jira(path, rules=RULES, engagements=ENGAGEMENTS)
    assert dict(result.report.skipped) == {"control_character_in_commitment_id": 1}
    assert result.report.notes["control_characters_replaced_in_description"] == 1
    assert result["commitments"]["description"].tolist() == ["a\ufffdb\ufffd[2J"]
    _no_nul_anywhere(result)


def test_write_bundle_never_writes_a_nul(tmp_path):
    (tmp_path / "b").mkdir()
    frame = pd.DataFrame({"message_id": ["m1"], "engagement_id": ["ENG-042"],
                          "sent_at": ["2025-03-03T09:00:00+00:00"], "from_id": ["a\0b@x"],
                          "channel": ["email"], "in_reply_to": [""]})
    result = AdapterResult({"communications": frame}, ImportReport("mbox", "messages"))
    with pytest.raises(AdapterError, match=r"communications.csv, column 'from_id': a cell holds a "
                                           r"NUL byte; nothing written") as caught:
        write_bundle(result, tmp_path / "b")
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "b" / "communications.csv").exists()


def test_cli_import_of_a_nul_sender_leaves_a_readable_bundle(tmp_path, capsys):
    out, rules = tmp_path / "b", str(EXAMPLES / "rules.yaml")
    with pytest.raises(SystemExit) as stop:
        main(["import", "ics", str(EXAMPLES / "team.ics"), "--rules", rules, "--roster",
              str(EXAMPLES / "roster.csv"), "--out", str(out), "--until", "2025-04-30"])
    assert stop.value.code == 0
    mbox = tmp_path / "nul.mbox"
    mbox.write_bytes((EXAMPLES / "mailbox.mbox").read_bytes().replace(
        b"<Omar.Diaz@", b"<Omar\0.Diaz@", 1))
    with pytest.raises(SystemExit) as stop:
        main(["import", "mbox", str(mbox), "--rules", rules, "--out", str(out)])
    assert stop.value.code == 0, capsys.readouterr()
    assert "skipped (control_character_in_sender): 1" in capsys.readouterr().out
    load_bundle(out, pseudonymize=False)  # readable


def test_cell_ref_quotes_the_column_like_the_value():
    from engagement_analytics.adapters._clock import CellRef

    message = str(CellRef("f.csv", 2, "it's").error("x", "a date"))
    assert "column \"it's\", value 'x'" in message


# --- 2 and 3. zip bombs: the directory is checked before anything is inflated ---

def _zip_with(path: Path, members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_slack_zip_member_compressed_like_a_bomb_is_refused(tmp_path):
    users = (EXAMPLES / "slack-export" / "users.json").read_bytes()
    bomb = _zip_with(tmp_path / "bomb.zip", {
        "users.json": users, "general/2024-01-01.json": b"[" + b"{}," * 700_000 + b"{}]"})
    with pytest.raises(AdapterError, match=r"^bomb.zip: 'general/2024-01-01.json' is compressed "
                                           r"[\d,]+ to 1, more than the limit of 100 to 1") as caught:
        read_slack(bomb, rules=RULES)
    assert "\n" not in str(caught.value)


def test_slack_zip_total_budget(tmp_path, monkeypatch):
    from engagement_analytics.adapters import _jsonfiles

    monkeypatch.setattr(_jsonfiles, "MAX_EXPORT_BYTES", 3_000)
    folder = EXAMPLES / "slack-export"
    zipped = _zip_with(tmp_path / "export.zip", {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.json")})
    with pytest.raises(AdapterError, match=r"export.zip: unpacks to more than 3,000 bytes in all"):
        read_slack(zipped, rules=RULES)
    # A folder (or a zip whose directory lies) is held to the same budget as it is read.
    with pytest.raises(AdapterError, match=r"more than 3,000 bytes of JSON; refused"):
        read_slack(folder, rules=RULES)


def test_out_of_memory_is_one_line_not_a_traceback(monkeypatch, tmp_path, capsys):
    from engagement_analytics.cli import importers

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setitem(importers.MESSAGE_READERS, importers.Source.slack, exhausted)
    shutil.copy(EXAMPLES / "roster.csv", tmp_path / "roster.csv")
    with pytest.raises(SystemExit) as stop:
        main(["import", "slack", str(EXAMPLES / "slack-export"), "--rules",
              str(EXAMPLES / "rules.yaml"), "--out", str(tmp_path / "b")])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.strip() == "error: out of memory while reading the input; the input is too large"


def _raid_xlsx(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Ref", "Description", "Owner", "Date raised", "Status"])
    book.active.append(["A1", "[ENG-042] do it", "ada@northwind-consulting.example", "2025-03-04",
                        "Open"])
    book.save(path)
    return path


RAID_RULES = {"engagement_rules": [{"title_regex": r"\[(ENG-\d+)\]"}],
              "raid": {"columns": {"id": "Ref", "description": "Description", "owner": "Owner",
                                   "raised": "Date raised", "status": "Status"},
                       "status": {"open": ["Open"]}, "unknown_owner_side": "vendor"}}


def test_raid_xlsx_bomb_is_refused_before_openpyxl(tmp_path):
    path = _raid_xlsx(tmp_path / "raid.xlsx")
    rules = parse_rules(RAID_RULES)
    assert read_raid(path, rules=rules).report.mapped == 1
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:  # 20 MB of shared strings, ~60 KB
        archive.writestr("xl/padding.xml", b"<si><t>a</t></si>" * 1_200_000)
    with pytest.raises(AdapterError, match=r"^raid.xlsx: 'xl/padding.xml' is compressed [\d,]+ to 1"):
        read_raid(path, rules=rules)


def test_raid_xlsx_unpacked_size_cap(tmp_path, monkeypatch):
    from engagement_analytics.adapters import _raid

    monkeypatch.setattr(_raid, "MAX_XLSX_UNPACKED_BYTES", 1_000)
    path = _raid_xlsx(tmp_path / "raid.xlsx")
    with pytest.raises(AdapterError, match=r"^raid.xlsx: '[^']+' unpacks to [\d,]+ bytes, more than "
                                           r"the limit of 1,000; refused"):
        read_raid(path, rules=parse_rules(RAID_RULES))


# --- 4. escape sequences never reach the terminal ---

def test_console_escapes_control_characters_of_printed_text():
    from rich.text import Text

    from engagement_analytics.cli.common import SafeConsole

    out = StringIO()
    console = SafeConsole(file=out, force_terminal=True, markup=False, highlight=False)
    console.print("a\x1b[2Jb\x9bc\x1dd")
    console.print(Text("Valid", style="bold green"))  # rich's own styles still pass
    text = out.getvalue()
    assert "a\\x1b[2Jb\\x9bc\\x1dd" in text
    assert "\x1b[2J" not in text and "\x07" not in text and "\x9b" not in text
    assert "\x1b[1;32mValid" in text


def test_cli_errors_show_escape_sequences_escaped(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["import", "mbox", str(tmp_path / "x\x1b[2Jy.mbox"), "--rules",
              str(EXAMPLES / "rules.yaml"), "--out", str(tmp_path / "b")])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "x\\x1b[2Jy.mbox: no such file" in err


# --- lesser: header bound, file size caps ---

def test_eml_whose_header_does_not_end_within_the_cap_is_skipped(tmp_path, monkeypatch):
    from engagement_analytics.adapters import _mbox, read_mail

    monkeypatch.setattr(_mbox, "MAX_HEADER_BYTES", 1_000)
    path = tmp_path / "long.eml"  # no blank line: the subject below may be body text
    path.write_text("From: a@globex.example\nDate: Mon, 3 Mar 2025 09:00:00 +0100\nX-Pad: "
                    + "y" * 2_000 + "\nSubject: [ENG-042] secret body line\n")
    result = read_mail(path, rules=RULES)
    assert dict(result.report.skipped) == {"header_over_1000_bytes": 1}
    assert result["communications"].empty


@pytest.mark.parametrize("what", ["ics", "roster"])
def test_ics_and_roster_size_caps(tmp_path, monkeypatch, what):
    from engagement_analytics.adapters import _events, _ics, read_ics

    monkeypatch.setattr(_ics, "MAX_ICS_BYTES", 100)
    monkeypatch.setattr(_events, "MAX_ROSTER_BYTES", 100)
    if what == "ics":
        with pytest.raises(AdapterError, match=r"^team.ics: file larger than 100 bytes; refused"):
            read_ics(EXAMPLES / "team.ics", rules=RULES)
    else:
        with pytest.raises(AdapterError, match=r"^roster.csv: file larger than 100 bytes; refused"):
            read_mbox(EXAMPLES / "mailbox.mbox", rules=RULES, roster=EXAMPLES / "roster.csv")


def test_symlinked_folders_are_counted_not_silently_skipped(tmp_path):
    folder = shutil.copytree(EXAMPLES / "slack-export", tmp_path / "export")
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    result = read_slack(folder, rules=RULES)
    assert result.report.notes["symlinked_folder_not_followed"] == 1
    mails = tmp_path / "mails"
    mails.mkdir()
    (mails / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    from engagement_analytics.adapters import read_mail

    assert read_mail(mails, rules=RULES).report.notes["symlinked_folder_not_followed"] == 1
