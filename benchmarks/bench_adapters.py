"""Benchmarks of the importers (not part of the test suite).

Default: import 100,000 calendar event occurrences with the ICS adapter.
Writes one .ics file with 1,500 weekly series (52 occurrences each over 2025,
one EXDATE and one moved occurrence per series) and 23,500 single events,
then times ``read_ics`` + ``write_bundle``.

``--mbox [N]``: import N (default 1,000,000) e-mail headers from one mbox file
(Gmail-Takeout-like headers with folded Received lines, encoded-word subjects,
replies, one message in 100 with a 32 KB attachment), then times
``read_mbox`` + ``write_bundle``. Run::

    .venv/bin/python benchmarks/bench_adapters.py
    .venv/bin/python benchmarks/bench_adapters.py --mbox

Prints wall time, items per second and peak memory.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from engagement_analytics.adapters import parse_rules, read_ics, read_mbox, write_bundle

SERIES, WEEKS, SINGLES = 1_500, 52, 23_500


def make_calendar(path: Path) -> int:
    """Write the benchmark calendar; returns the number of occurrences it expands to."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]
    for i in range(SERIES):
        hour = 8 + i % 9
        attendees = [f"ATTENDEE;CN=P{j};PARTSTAT=ACCEPTED:mailto:p{(i + j) % 400}@client.example"
                     for j in range(4)]
        lines += ["BEGIN:VEVENT", f"UID:series-{i}", f"DTSTART;TZID=Europe/Paris:20250106T{hour:02d}0000",
                  "DURATION:PT1H", f"RRULE:FREQ=WEEKLY;COUNT={WEEKS}",
                  f"EXDATE;TZID=Europe/Paris:20250113T{hour:02d}0000",
                  f"SUMMARY:[ENG-{i % 200:03d}] Weekly status",
                  "ORGANIZER:mailto:lead@vendor.example", *attendees, "END:VEVENT",
                  "BEGIN:VEVENT", f"UID:series-{i}",
                  f"RECURRENCE-ID;TZID=Europe/Paris:20250120T{hour:02d}0000",
                  f"DTSTART;TZID=Europe/Paris:20250121T{hour:02d}0000", "DURATION:PT1H",
                  f"SUMMARY:[ENG-{i % 200:03d}] Weekly status (moved)", *attendees, "END:VEVENT"]
    for i in range(SINGLES):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=i % 360)
        lines += ["BEGIN:VEVENT", f"UID:single-{i}", f"DTSTART:{day:%Y%m%d}T{8 + i % 9:02d}3000Z",
                  "DURATION:PT45M", f"SUMMARY:[ENG-{i % 200:03d}] Workshop {i}",
                  f"ATTENDEE;PARTSTAT=TENTATIVE:mailto:p{i % 400}@client.example",
                  f"ATTENDEE;PARTSTAT=DECLINED:mailto:q{i % 50}@vendor.example", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    path.write_text("\r\n".join(lines) + "\r\n")
    return SERIES * (WEEKS - 1) + SINGLES


def main() -> None:
    rules = parse_rules({
        "vendor_domains": ["vendor.example"],
        "engagement_rules": [{"title_regex": r"\[(ENG-\d+)\]"}],
        "meeting_kinds": {"status": ["status"], "workshop": ["workshop"]},
    })
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.ics"
        expected = make_calendar(path)
        started = time.perf_counter()
        result = read_ics(path, rules=rules, until=dt.date(2025, 12, 31))
        read_done = time.perf_counter()
        write_bundle(result, Path(tmp) / "bundle")
        finished = time.perf_counter()
    report = result.report
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"calendar: {path.stat().st_size if path.exists() else 0} bytes, "
          f"{expected} occurrences expected")
    print(f"read {report.read} occurrences, mapped {report.mapped}, "
          f"attendance rows {len(result['attendance'])}")
    print(f"read_ics: {read_done - started:.1f} s, write_bundle: {finished - read_done:.1f} s, "
          f"total {finished - started:.1f} s")
    print(f"{report.read / (finished - started):,.0f} events/second")
    print(f"peak memory (ru_maxrss): {peak_mb:,.0f} MB")
    if report.read != expected:
        sys.exit(f"expected {expected} occurrences, read {report.read}")


def make_mbox(path: Path, count: int) -> None:
    """Write ``count`` messages: about 1 KB of header each, small bodies, some attachments."""
    attachment = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkwYWJjZGVmZ2hpamtsbW5vcHFyc3R1\n" * 450
    start = dt.datetime(2025, 1, 6, 8, tzinfo=dt.UTC)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for i in range(count):
            sent = start + dt.timedelta(seconds=37 * i)
            client = f"p{i % 400}@client{i % 200}.example"
            vendor = f"c{i % 90}@vendor.example"
            sender, recipient = (client, vendor) if i % 2 else (vendor, client)
            engagement = f"ENG-{i % 200:03d}"
            subject = (f"=?utf-8?q?Re=3A_=5B{engagement}=5D_r=C3=A9union_{i}?=" if i % 10 == 0
                       else f"Re: [{engagement}] weekly plan {i}" if i % 5 else f"Lunch {i}")
            reply = (f"In-Reply-To: <m{i - 1}@mail.example>\nReferences: <m{i - 2}@mail.example>\n"
                     f" <m{i - 1}@mail.example>\n" if i % 2 else "")
            body = ("Hello,\n>From the notes of Monday:\nsee you\n" if i % 100 else
                    "--b\nContent-Type: text/plain\n\nSee attached\n--b\nContent-Type: "
                    "application/pdf\nContent-Transfer-Encoding: base64\n\n" + attachment + "--b--\n")
            out.write(
                f"From {sender} {sent:%a %b %d %H:%M:%S %Y}\n"
                f"Return-Path: <{sender}>\n"
                f"Received: from mail.client.example (mail.client.example [203.0.113.{i % 250}])\n"
                f"\tby mx.vendor.example with ESMTPS id {i:x};\n\t{sent:%a, %d %b %Y %H:%M:%S} +0000\n"
                f"Received: by 2002:a05:6a10:{i % 9999:x} with SMTP id q{i};\n"
                f"\t{sent:%a, %d %b %Y %H:%M:%S} -0800 (PST)\n"
                f"X-Gmail-Labels: Inbox,Important\nX-GM-THRID: {1700000000000000000 + i // 4}\n"
                f"Message-ID: <m{i}@mail.example>\n{reply}"
                f"Date: {sent.astimezone(dt.timezone(dt.timedelta(hours=1))):%a, %d %b %Y %H:%M:%S %z}\n"
                f"From: Person {i % 400} <{sender}>\n"
                f"To: Someone <{recipient}>,\n Other <x{i % 50}@client{i % 200}.example>\n"
                f"Cc: team@vendor.example\nSubject: {subject}\nMIME-Version: 1.0\n"
                f"Content-Type: multipart/mixed; boundary=\"b\"\n\n{body}\n"
            )


def main_mbox(count: int) -> None:
    rules = parse_rules({
        "vendor_domains": ["vendor.example"],
        "engagement_rules": [{"title_regex": r"\[(ENG-\d+)\]"},
                             {"attendee_domain": "client7.example", "engagement": "ENG-007"}],
    })
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.mbox"
        made = time.perf_counter()
        make_mbox(path, count)
        size = path.stat().st_size
        cpu_started, started = time.process_time(), time.perf_counter()
        result = read_mbox(path, rules=rules)
        read_done = time.perf_counter()
        write_bundle(result, Path(tmp) / "bundle")
        finished, cpu_finished = time.perf_counter(), time.process_time()
    report = result.report
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"mbox: {size / 2**20:,.0f} MiB, {count:,} messages (written in {started - made:.0f} s)")
    print(f"read {report.read:,} messages, mapped {report.mapped:,}, skipped "
          f"{dict(report.skipped)}")
    print(f"read_mbox: {read_done - started:.1f} s, write_bundle: {finished - read_done:.1f} s, "
          f"total {finished - started:.1f} s")
    # On a shared machine the wall time depends on the neighbours; the CPU time much less.
    print(f"CPU time (this process): {cpu_finished - cpu_started:.1f} s; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{report.read / (finished - started):,.0f} messages/second")
    print(f"peak memory (ru_maxrss): {peak_mb:,.0f} MB")
    if report.read != count or not report.balanced:
        sys.exit(f"expected {count} messages, read {report.read}")


if __name__ == "__main__":
    if "--mbox" in sys.argv[1:]:
        rest = sys.argv[sys.argv.index("--mbox") + 1:]
        main_mbox(int(rest[0]) if rest else 1_000_000)
    else:
        main()
