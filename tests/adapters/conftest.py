"""Shared helpers: write small iCalendar and Outlook .msg files, and rules, for adapter tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engagement_analytics.adapters import parse_rules
from engagement_analytics.cli import main

RULES = {
    "vendor_domains": ["vendor.example"],
    "engagement_rules": [
        {"title_regex": r"\[(ENG-\d+)\]"},
        {"category": "Falcon", "engagement": "ENG-2"},
        {"attendee_domain": "globex.example", "engagement": "ENG-3"},
    ],
    "meeting_kinds": {"steering": ["steering", "steerco"], "status": ["status"]},
}


@pytest.fixture
def rules():
    return parse_rules(RULES, source="test-rules")


#: A rules file for the CLI: engagement ids in brackets, and ENG-1 to write.
CLI_RULES = (
    "engagement_rules:\n  - title_regex: '\\[(ENG-\\d+)\\]'\n"
    "engagements:\n  - {engagement_id: ENG-1, client: Acme, start_date: 2025-01-01,"
    " planned_end_date: 2025-12-31, sold_effort_days: 10}\n"
)


@pytest.fixture
def import_ics(tmp_path, capsys):
    """``import_ics(path, extra_rules="")`` runs ``import ics`` into a new bundle.

    Returns the exit code (0 for success), stdout, stderr and the bundle folder.
    """

    def run(path: Path, extra_rules: str = "") -> tuple[int, str, str, Path]:
        rules = tmp_path / "cli-rules.yaml"
        rules.write_text(CLI_RULES + extra_rules)
        out = tmp_path / "cli-bundle"
        with pytest.raises(SystemExit) as caught:
            main(["import", "ics", str(path), "--rules", str(rules), "--out", str(out)])
        printed = capsys.readouterr()
        return caught.value.code or 0, printed.out, printed.err, out

    return run


@pytest.fixture
def bundle_dir(tmp_path) -> Path:
    """A bundle folder with engagement ENG-1 and its champion Ann, for imports to extend."""
    out = tmp_path / "bundle"
    out.mkdir()
    (out / "engagements.csv").write_text(
        "engagement_id,client,start_date,planned_end_date,sold_effort_days\n"
        "ENG-1,Acme,2025-01-01,2025-12-31,100\n"
    )
    (out / "stakeholders.csv").write_text(
        "engagement_id,person_id,side,role,name\nENG-1,ann@client.example,client,champion,Ann\n"
    )
    return out


@pytest.fixture
def make_ics(tmp_path):
    """``make_ics(name, *vevent_bodies)`` writes a calendar file and returns its path."""

    def make(name: str, *events: str) -> Path:
        return write_ics(tmp_path / name, *events)

    return make


def write_ics(path: Path, *events: str) -> Path:
    """A VCALENDAR around the given VEVENT bodies (lines joined with CRLF)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for body in events:
        lines += ["BEGIN:VEVENT", *body.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    path.write_bytes(("\r\n".join(line.strip() for line in lines) + "\r\n").encode())
    return path


def write_eng1_bundle(out: Path) -> Path:
    """A bundle folder with engagement ENG-1 and its one stakeholder, ann@client.example."""
    out.mkdir()
    (out / "engagements.csv").write_text(
        "engagement_id,client,start_date,planned_end_date,sold_effort_days\n"
        "ENG-1,Acme,2025-01-01,2025-12-31,100\n"
    )
    (out / "stakeholders.csv").write_text(
        "engagement_id,person_id,side,role,name\nENG-1,ann@client.example,client,champion,Ann\n"
    )
    return out


# --- Outlook .msg files (OLE2 compound files), written for the tests --------------------
# No .msg sample ships with any package we may install, so the tests write their own:
# a minimal compound file (MS-CFB v3, every stream in the mini stream) holding the MAPI
# streams Outlook writes (MS-OXMSG). extract-msg reads it like a real one.

_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def msg_streams(
    *, headers: str | None, subject: str, body: str, attachment: bytes = b"",
    sender: str = "", message_id: str = "", in_reply_to: str = "",
    submit_time: dt.datetime | None = None,
) -> dict:
    """The storage tree of an Outlook message (stream name -> bytes, storage -> dict)."""
    import struct

    props = [(0x0E070003, struct.pack("<I", 1))]  # PR_MESSAGE_FLAGS: read, sent
    if submit_time is not None:  # PR_CLIENT_SUBMIT_TIME as a FILETIME
        ticks = int((submit_time - dt.datetime(1601, 1, 1, tzinfo=dt.UTC)).total_seconds() * 1e7)
        props.append((0x00390040, struct.pack("<Q", ticks)))
    tree: dict = {"__substg1.0_001A001F": _utf16("IPM.Note"),
                  "__substg1.0_0037001F": _utf16(subject),
                  "__substg1.0_1000001F": _utf16(body)}
    if headers is not None:
        tree["__substg1.0_007D001F"] = _utf16(headers)
    for tag, value in (("0C1A", sender.partition("<")[0].strip()),
                       ("5D01", sender.partition("<")[2].rstrip(">")),
                       ("1035", message_id), ("1042", in_reply_to)):
        if value:
            tree[f"__substg1.0_{tag}001F"] = _utf16(value)
    entries = b"".join(struct.pack("<IIQ", tag, 6, struct.unpack("<Q", value.ljust(8, b"\0"))[0])
                       for tag, value in props)
    strings = b"".join(struct.pack("<IIII", int(name[12:20], 16), 6, len(data) + 2, 0)
                       for name, data in tree.items())
    attachments = 1 if attachment else 0
    tree["__properties_version1.0"] = (b"\0" * 8 + struct.pack("<IIII", 0, attachments, 0,
                                                             attachments) + b"\0" * 8
                                       + entries + strings)
    if attachment:
        tree["__attach_version1.0_#00000000"] = {
            "__substg1.0_37010102": attachment,
            "__substg1.0_3707001F": _utf16("numbers.txt"),
            "__properties_version1.0": b"\0" * 8 + struct.pack("<IIII", 0x37050003, 6, 1, 0),
        }
    return tree


def write_cfb(path: Path, tree: dict) -> Path:
    """Write ``tree`` (name -> bytes, or -> dict for a storage) as a compound file."""
    import struct

    entries: list[dict] = []

    def add(name: str, node) -> int:
        index = len(entries)
        entry = {"name": name, "node": node, "left": _NOSTREAM, "right": _NOSTREAM,
                 "child": _NOSTREAM, "start": _END, "size": 0}
        entries.append(entry)
        if isinstance(node, dict):
            entry["type"] = 1
            kids = sorted((add(k, v) for k, v in node.items()),
                          key=lambda i: (len(entries[i]["name"]), entries[i]["name"].upper()))
            if kids:
                entry["child"] = kids[0]
                for a, b in zip(kids, kids[1:], strict=False):
                    entries[a]["right"] = b
        else:
            entry["type"] = 2
        return index

    add("Root Entry", tree)
    entries[0]["type"] = 5
    mini, minifat = bytearray(), []
    for entry in entries:
        if entry["type"] != 2 or not entry["node"]:
            continue
        data = entry["node"]
        assert len(data) < 4096, "the writer keeps every stream in the mini stream"
        count = -(-len(data) // 64)
        entry["start"], entry["size"] = len(mini) // 64, len(data)
        minifat += [entry["start"] + i + 1 for i in range(count - 1)] + [_END]
        mini += data.ljust(count * 64, b"\0")

    def sectors(data: bytes, fill: bytes = b"\0") -> bytes:
        return data.ljust(-(-len(data) // 512) * 512, fill)

    minifat_bytes = sectors(struct.pack(f"<{len(minifat)}I", *minifat), b"\xff")
    mini_bytes = sectors(bytes(mini))
    n_dir = -(-len(entries) * 128 // 512)
    n_minifat, n_mini = len(minifat_bytes) // 512, len(mini_bytes) // 512
    n_fat = 1
    while n_fat * 128 < n_fat + n_dir + n_minifat + n_mini:
        n_fat += 1
    fat = [_FATSECT] * n_fat
    starts = {}
    for name, count in (("dir", n_dir), ("minifat", n_minifat), ("mini", n_mini)):
        starts[name] = len(fat) if count else _END
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [_END] * bool(count)
    fat += [_FREE] * (n_fat * 128 - len(fat))
    entries[0]["start"], entries[0]["size"] = starts["mini"], len(mini)
    directory = b""
    for entry in entries:
        name = _utf16(entry["name"])
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ", name, len(name) + 2, entry["type"], 1, entry["left"],
            entry["right"], entry["child"], b"\0" * 16, 0, 0, 0, entry["start"], entry["size"])
    directory = sectors(directory)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII", bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16, 0x3E, 3,
        0xFFFE, 9, 6, b"\0" * 6, 0, n_fat, starts["dir"], 0, 4096,
        starts["minifat"], n_minifat, _END, 0)
    header += struct.pack("<109I", *(list(range(n_fat)) + [_FREE] * (109 - n_fat)))
    body = struct.pack(f"<{len(fat)}I", *fat) + directory + minifat_bytes + mini_bytes
    path.write_bytes(header + body)
    return path


@pytest.fixture
def make_msg():
    """``make_msg(path, **msg_streams_options)`` writes an Outlook .msg file."""

    def make(path: Path, **options) -> Path:
        return write_cfb(path, msg_streams(**options))

    return make
