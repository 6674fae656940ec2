"""E-mail headers to communications: mbox (streaming, hostile files), .eml and Outlook .msg."""

from __future__ import annotations

import datetime as dt
import io
import re
import tracemalloc
from pathlib import Path

import pytest

from engagement_analytics.adapters import (
    AdapterError,
    load_rules,
    parse_rules,
    read_mail,
    read_mbox,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
RULES = {
    "vendor_domains": ["vendor.example"],
    "engagement_rules": [{"title_regex": r"\[(ENG-\d+)\]"},
                         {"title_regex": "Lenkungsausschuss – Termin", "engagement": "ENG-9"},
                         {"attendee_domain": "globex.example", "engagement": "ENG-3"}],
}


def _message(n: int, *, subject: str = "[ENG-1] hello", body: str = "text\n",
             extra: str = "", sep: str = "From a@client.example Mon Mar  3 09:00:00 2025") -> str:
    return (f"{sep}\nMessage-ID: <m{n}@client.example>\nDate: Mon, 3 Mar 2025 09:{n:02d}:00 +0100\n"
            f"From: A <a@client.example>\nSubject: {subject}\n{extra}\n{body}\n")


def _mbox(tmp_path: Path, text: str | bytes, name: str = "box.mbox") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_worked_example_mailbox():
    rules = load_rules(EXAMPLES / "rules.yaml")
    result = read_mbox(EXAMPLES / "mailbox.mbox", rules=rules, roster=EXAMPLES / "roster.csv",
                       engagement_ids=["ENG-042"])
    report = result.report
    assert (report.read, report.mapped) == (8, 4)
    assert dict(report.skipped) == {"duplicate_message": 1, "missing_date": 1,
                                    "unparseable_date": 1, "no_engagement_matched": 1}
    assert report.notes["date_without_offset_read_as_utc"] == 1
    rows = result["communications"].set_index("from_id")
    omar_first = rows.loc["omar.diaz@globex.example"].iloc[0]
    lea, hana = rows.loc["lea.martin@northwind-consulting.example"], rows.loc["hana.ito@globex.example"]
    # The writer's offset is kept: Hana wrote from Tokyo.
    assert hana["sent_at"] == "2025-03-05T18:02:00+09:00"
    assert omar_first["sent_at"] == "2025-03-04T09:12:00+01:00"
    # In-Reply-To links to the hashed id; without it, the last id of References.
    assert lea["in_reply_to"] == omar_first["message_id"]
    assert hana["in_reply_to"] == lea["message_id"]
    assert set(rows["channel"]) == {"email"}
    # The From address is case-folded and the roster's spelling kept.
    assert "Omar.Diaz@Globex.example" not in set(result["communications"]["from_id"])


def test_encoded_words_are_decoded_before_the_rules_see_the_subject(tmp_path):
    text = (_message(1, subject="=?utf-8?q?=5BENG-7=5D_r=C3=A9ponse?=")
            + _message(2, subject="=?windows-1252?Q?Lenkungsausschuss_=96_Termin?=")
            + _message(3, subject="=?utf-8?b?W0VORy04XQ==?=\n =?utf-8?q?_folded?=")
            + _message(4, subject="=?x-unknown-charset?q?=5BENG-5=5D?= [ENG-6]"))
    result = read_mbox(_mbox(tmp_path, text), rules=parse_rules(RULES))
    assert list(result["communications"]["engagement_id"]) == ["ENG-7", "ENG-9", "ENG-8", "ENG-6"]


def test_reply_links_and_separators(tmp_path):
    text = (
        _message(1, body="Line one\n>From the quoted line (mboxrd)\nFrom here on, unescaped\n")
        + _message(2, extra="In-Reply-To: <m1@client.example> (your mail of Monday)\n"
                            "References: <m0@x>\n <m1@client.example>\n")
        + _message(3, extra="References: <m0@x>\n\t<m2@client.example>\n")
    )
    result = read_mbox(_mbox(tmp_path, text), rules=parse_rules(RULES))
    frame = result["communications"]
    assert result.report.read == 3  # neither body line starting with From is a separator
    assert frame.at[1, "in_reply_to"] == frame.at[0, "message_id"]
    assert frame.at[2, "in_reply_to"] == frame.at[1, "message_id"]
    crlf = text.replace("\n", "\r\n")
    again = read_mbox(_mbox(tmp_path, crlf, "crlf.mbox"), rules=parse_rules(RULES))
    assert again["communications"].equals(frame)


def test_recipients_match_domains_only_for_engagement(tmp_path):
    text = _message(1, subject="no tag", extra="To: x@vendor.example,\n Y <y@GLOBEX.example>\n")
    result = read_mbox(_mbox(tmp_path, text), rules=parse_rules(RULES))
    assert list(result["communications"]["engagement_id"]) == ["ENG-3"]
    # Recipients are not senders: they never become stakeholders.
    assert list(result["stakeholders"]["person_id"]) == ["a@client.example"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04\x00\x00binary zip", "box.mbox: not an mbox file"),
        (b"", "box.mbox: not an mbox file"),
        ("\ufeffFrom a@b Mon".encode(), "box.mbox: not an mbox file"),
    ],
)
def test_not_an_mbox_is_one_line(tmp_path, data, message):
    with pytest.raises(AdapterError, match=message) as caught:
        read_mbox(_mbox(tmp_path, data), rules=parse_rules(RULES))
    assert "\n" not in str(caught.value)


def test_truncated_and_binary_files_give_counts_not_tracebacks(tmp_path):
    whole = _message(1) + _message(2)
    cut = whole[: whole.index("\n", whole.index("Subject", whole.index("m2@"))) + 1]
    report = read_mbox(_mbox(tmp_path, cut), rules=parse_rules(RULES)).report
    assert (report.read, report.mapped, report.notes["last_message_truncated"]) == (2, 2, 1)
    junk = b"From x Mon Mar  3 09:00:00 2025\n" + bytes(range(256)) * 50 + b"\n\n\xff\xfe\x00body"
    report = read_mbox(_mbox(tmp_path, junk, "junk.mbox"), rules=parse_rules(RULES)).report
    assert report.read == 1 and report.balanced and report.skipped["missing_date"] == 1


def test_memory_is_bounded_on_huge_lines_and_headers(tmp_path):
    """A 24 MB body line and a 2 MB header line: read in chunks, never whole."""
    huge_body = "x" * (24 << 20)
    text = (_message(1, body=huge_body)
            + _message(2, extra="X-Junk: " + "y" * (2 << 20) + "\n")
            + _message(3))
    path = _mbox(tmp_path, text)
    del text, huge_body
    tracemalloc.start()
    result = read_mbox(path, rules=parse_rules(RULES))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 << 20, f"peak {peak / 2**20:.1f} MiB"
    report = result.report
    # A header that does not end within 64 KiB: skipped, its rest never read as a header.
    assert (report.read, report.mapped) == (3, 2)
    assert dict(report.skipped) == {"header_over_65536_bytes": 1}


def test_header_scanner_on_chunk_boundaries(monkeypatch):
    """Separators and blank lines split across read chunks are still found."""
    from engagement_analytics.adapters import _mbox

    text = "".join(_message(n, body="b" * n) for n in range(1, 40)).encode()
    expected = [h for h, _ in _mbox.mbox_headers(io.BytesIO(text), "x")]
    for size in (7, 13, 64):
        monkeypatch.setattr(_mbox, "CHUNK_BYTES", size)
        assert [h for h, _ in _mbox.mbox_headers(io.BytesIO(text), "x")] == expected
    assert len(expected) == 39 and all(h.startswith(b"Message-ID") for h in expected)


def test_eml_folder_and_outlook_msg_files(tmp_path, make_msg):
    folder = tmp_path / "mail"
    (folder / "sub").mkdir(parents=True)
    (folder / "one.eml").write_text(_message(1).split("\n", 1)[1])
    (folder / "sub" / "two.EML").write_text(_message(2))  # saved with its mbox separator
    (folder / "notes.txt").write_text("not mail")
    headers = ("Received: from mx\r\nMessage-ID: <m9@client.example>\r\n"
               "Date: Fri, 7 Mar 2025 10:00:00 +0100\r\nFrom: A <a@client.example>\r\n"
               "In-Reply-To: <m1@client.example>\r\nSubject: [ENG-1] msg\r\n\r\n")
    make_msg(folder / "three.msg", headers=headers, subject="[ENG-1] msg", body="BODY",
             attachment=b"ATTACHMENT")
    make_msg(folder / "four.msg", headers=None, subject="[ENG-2] saved without headers",
             body="BODY", sender="Vic <vic@vendor.example>", message_id="<m10@vendor.example>",
             in_reply_to="<m9@client.example>",
             submit_time=dt.datetime(2025, 3, 7, 12, tzinfo=dt.UTC))
    (folder / "five.msg").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)  # not followed
    result = read_mail([folder], rules=parse_rules(RULES))
    report = result.report
    assert (report.read, report.mapped, dict(report.skipped)) == (5, 4, {"unreadable_file": 1})
    assert [u["file"] for u in report.unmatched] == ["five.msg"]
    rows = result["communications"].set_index("sent_at")
    one, three = rows.loc["2025-03-03T09:01:00+01:00"], rows.loc["2025-03-07T10:00:00+01:00"]
    four = rows.loc["2025-03-07T12:00:00+00:00"]  # from the MAPI properties: UTC
    assert (four["engagement_id"], four["from_id"]) == ("ENG-2", "vic@vendor.example")
    # Replies link by Message-ID across formats: .msg -> .eml, .msg -> .msg.
    assert three["in_reply_to"] == one["message_id"]
    assert four["in_reply_to"] == three["message_id"]


CPYTHON = Path(__file__).parent / "data" / "cpython_email"


def test_real_messages_from_cpython_test_data(tmp_path):
    """Headers as the stdlib's full parser reads them (an independent oracle)."""
    import email
    import email.policy

    files = sorted(CPYTHON.glob("msg_*.txt"))
    rules = parse_rules({"engagement_rules": [{"title_regex": "^", "engagement": "E"}]})
    as_eml = read_mail(files, rules=rules)
    mbox = tmp_path / "cpython.mbox"
    # Written as an mboxrd writer does: body lines starting with (>*)From are quoted.
    quoted = [re.sub(rb"(?m)^(>*From )", rb">\1", f.read_bytes().rstrip(b"\n")) for f in files]
    mbox.write_bytes(b"".join(b"From x@example.com Mon Jan  1 00:00:00 2001\n" + q + b"\n\n"
                              for q in quoted))
    as_mbox = read_mbox(mbox, rules=rules)
    expected = []
    for path in files:
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        date, sender = parsed["Date"], parsed["From"]
        if date is None or sender is None or not sender.addresses:
            continue
        when = date.datetime if date.datetime.tzinfo else date.datetime.replace(tzinfo=dt.UTC)
        expected.append((when, sender.addresses[0].addr_spec.casefold()))
    for result in (as_eml, as_mbox):
        frame = result["communications"]
        got = [(dt.datetime.fromisoformat(s), f) for s, f in zip(frame["sent_at"], frame["from_id"],
                                                                  strict=True)]
        assert got == expected
        assert result.report.read == len(files) and result.report.balanced
        # Same offsets as written (reactivity reads the sender's clock), not just the same instant.
        assert [g[0].utcoffset() for g in got] == [e[0].utcoffset() for e in expected]


def test_unmatched_list_is_capped_but_everything_counted(tmp_path, monkeypatch):
    from engagement_analytics.adapters import _messages

    monkeypatch.setattr(_messages, "LISTED_CAP", 2)
    text = "".join(_message(n, subject=f"personal {n}") for n in range(1, 6))
    report = read_mbox(_mbox(tmp_path, text), rules=parse_rules(RULES)).report
    assert report.skipped["no_engagement_matched"] == 5 and len(report.unmatched) == 2
    assert report.notes["unmatched_listed_only_first_2"] == 3
