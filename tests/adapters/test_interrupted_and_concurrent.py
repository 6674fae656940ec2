"""`import` killed at any moment, or run twice at once, never leaves a half-new or lost bundle."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import engagement_analytics
from engagement_analytics import load_bundle
from engagement_analytics.adapters import parse_rules, read_ics, write_bundle
from engagement_analytics.cli import main

from .conftest import RULES, write_eng1_bundle, write_ics

SRC = Path(engagement_analytics.__file__).resolve().parents[1]

# A child process that imports one calendar into a bundle through the public API,
# and dies (os._exit: no cleanup runs, like kill -9) where the test says.
CHILD = r"""
import json, os, sys, time
from pathlib import Path

import pandas as pd

from engagement_analytics.adapters import _write, parse_rules, read_ics, write_bundle

mode, out, ics, flags = sys.argv[1], Path(sys.argv[2]).resolve(), Path(sys.argv[3]), Path(sys.argv[4])
result = read_ics([ics], rules=parse_rules(json.loads(sys.argv[5]), source="rules"))

if mode == "die-after-first-table-in-place":
    # Dies right after the first table file of the bundle itself was replaced.
    real_replace = os.replace
    def replace(src, dst, *args, **kwargs):
        real_replace(src, dst, *args, **kwargs)
        if Path(dst).resolve().parent == out and Path(dst).suffix == ".csv":
            os._exit(3)
    os.replace = replace
elif mode == "die-writing-second-table":
    # Dies halfway through writing the second table, wherever it is written.
    real_to_csv = pd.DataFrame.to_csv
    calls = []
    def to_csv(self, path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            Path(path).write_text("meeting_id,person_id\nM-half")
            os._exit(3)
        return real_to_csv(self, path, *args, **kwargs)
    pd.DataFrame.to_csv = to_csv
elif mode == "meet-the-other-run":
    # Both runs read the bundle's tables before either writes, if nothing stops them.
    me, other = sys.argv[6], sys.argv[7]
    real_read = _write.read_text_csv
    def read_text_csv(path):
        frame = real_read(path)
        if not (flags / f"read-{me}").exists():
            (flags / f"read-{me}").touch()
            deadline = time.monotonic() + 10
            while not (flags / f"started-{other}").exists() and time.monotonic() < deadline:
                time.sleep(0.01)
            # The other run reads within milliseconds of starting, unless a lock holds it.
            deadline = time.monotonic() + 0.5
            while not (flags / f"read-{other}").exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        return frame
    _write.read_text_csv = read_text_csv
    (flags / f"started-{me}").touch()
write_bundle(result, out)
"""


def _child(mode: str, out: Path, ics: Path, flags: Path, *names: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, mode, str(out), str(ics), str(flags), json.dumps(RULES), *names],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _event(uid: str, day: int, person: str) -> str:
    return (f"UID:{uid}\nDTSTART:202501{day:02d}T090000Z\nDURATION:PT1H\nSUMMARY:[ENG-1] status\n"
            f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{person}")


def _bundle(tmp_path: Path) -> Path:
    """ENG-1 with one imported meeting: old meetings AND old attendance to lose."""
    out = write_eng1_bundle(tmp_path / "bundle")
    first = write_ics(tmp_path / "first.ics", _event("u0", 6, "ann@client.example"))
    write_bundle(read_ics([first], rules=parse_rules(RULES, source="rules")), out)
    return out


def _files(folder: Path) -> dict[str, bytes]:
    """What a person or another program sees in the folder: its visible files."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith(".")}


@pytest.mark.parametrize(("mode", "expected"), [
    ("die-after-first-table-in-place", "new"),  # after the commit point
    ("die-writing-second-table", "old"),  # before it
])
def test_import_killed_between_tables_leaves_all_old_or_all_new_and_rerun_works(tmp_path, mode, expected):
    out = _bundle(tmp_path)
    events = [_event(f"n{k}", 13 + k, f"p{k}@client.example") for k in range(3)]
    second = write_ics(tmp_path / "second.ics", *events)
    result = read_ics([second], rules=parse_rules(RULES, source="rules"))
    old = _files(out)
    reference = shutil.copytree(out, tmp_path / "reference")
    write_bundle(result, reference)
    new = _files(reference)
    assert new != old and set(new) == set(old)

    child = _child(mode, out, second, tmp_path)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 3, err

    load_bundle(out, pseudonymize=False)  # what any reader does first
    assert _files(out) == (new if expected == "new" else old)
    # The next run is neither blocked nor misled by what the killed one left.
    write_bundle(result, out)
    assert _files(out) == new
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [".engagement-analytics.lock"]


def test_two_imports_at_once_keep_both_runs_rows(tmp_path):
    out = _bundle(tmp_path)
    calendars = {
        name: write_ics(tmp_path / f"{name}.ics",
                        *[_event(f"{name}{k}", 13 + k, f"{name}{k}@client.example") for k in range(3)])
        for name in ("a", "b")
    }
    rules = parse_rules(RULES, source="rules")
    before = pd.read_csv(out / "meetings.csv", dtype=str)["meeting_id"]
    expected = set(before)
    for ics in calendars.values():
        expected |= set(read_ics([ics], rules=rules).tables["meetings"]["meeting_id"])

    runs = [_child("meet-the-other-run", out, calendars[me], tmp_path, me, other)
            for me, other in (("a", "b"), ("b", "a"))]
    for run in runs:
        _, err = run.communicate(timeout=60)
        assert run.returncode == 0, err

    assert (tmp_path / "read-a").exists() and (tmp_path / "read-b").exists()
    assert set(pd.read_csv(out / "meetings.csv", dtype=str)["meeting_id"]) == expected
    people = set(pd.read_csv(out / "attendance.csv", dtype=str)["person_id"])
    assert {"a0@client.example", "b0@client.example", "ann@client.example"} <= people
    assert load_bundle(out).report.valid


def _import(*args: str) -> int:
    with pytest.raises(SystemExit) as exited:
        main(["import", "ics", *args])
    return exited.value.code


def test_a_second_import_into_a_busy_bundle_stops_in_one_line(tmp_path, capsys):
    out = _bundle(tmp_path)
    ics = write_ics(tmp_path / "more.ics", _event("m1", 20, "ann@client.example"))
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps(RULES))  # JSON is YAML
    old = _files(out)
    # Another run holds the bundle (a raw flock, as another process's would be).
    with open(out / ".engagement-analytics.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        code = _import(str(ics), "--rules", str(rules), "--out", str(out), "--wait", "0.2")
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "busy: another engagement-analytics run" in err
    assert _files(out) == old


def test_unwritable_unmatched_path_fails_before_the_bundle_is_written(tmp_path, capsys):
    ics = write_ics(tmp_path / "x.ics", _event("m1", 20, "ann@client.example"),
                    "UID:lunch\nDTSTART:20250121T120000Z\nDURATION:PT1H\nSUMMARY:Lunch")
    rules = tmp_path / "rules.yaml"
    rules.write_text(json.dumps({**RULES, "engagements": [
        {"engagement_id": "ENG-1", "client": "Acme", "start_date": "2025-01-01",
         "planned_end_date": "2025-12-31", "sold_effort_days": 100}]}))
    a_folder = tmp_path / "a_folder"
    a_folder.mkdir()
    out = tmp_path / "bundle"
    code = _import(str(ics), "--rules", str(rules), "--out", str(out), "--unmatched", str(a_folder))
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert len(err.strip().splitlines()) == 1 and "--unmatched" in err
    # The same import with a writable path does write the unmatched list.
    listed = tmp_path / "unmatched.csv"
    assert _import(str(ics), "--rules", str(rules), "--out", str(out), "--unmatched", str(listed)) == 0
    assert "Lunch" in listed.read_text()


def test_a_temporary_file_left_by_an_older_version_does_not_block_the_import(tmp_path, capsys):
    out = _bundle(tmp_path)
    (out / "attendance.csv.tmp").write_text("meeting_id,person_id\nhalf a")
    ics = write_ics(tmp_path / "more.ics", _event("m1", 20, "ann@client.example"))
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps(RULES))
    assert _import(str(ics), "--rules", str(rules), "--out", str(out)) == 0
    assert "attendance.csv.tmp: removed" in capsys.readouterr().out
    assert not (out / "attendance.csv.tmp").exists()
