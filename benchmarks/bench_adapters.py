"""Benchmark: import 100,000 calendar event occurrences with the ICS adapter.

Writes one .ics file with 1,500 weekly series (52 occurrences each over 2025,
one EXDATE and one moved occurrence per series) and 23,500 single events,
then times ``read_ics`` + ``write_bundle``. Run::

    .venv/bin/python benchmarks/bench_adapters.py

Prints wall time, events per second and peak memory (not part of the test suite).
"""

from __future__ import annotations

import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

from engagement_analytics.adapters import parse_rules, read_ics, write_bundle

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


if __name__ == "__main__":
    main()
