"""load_bundle reads a folder's tables from one moment; the rejects folder is written as one set."""

from __future__ import annotations

import os

import pytest

from engagement_analytics import load_bundle
from engagement_analytics.bundle import _load
from engagement_analytics.cli import main

from .conftest import write_csv


def test_a_table_replaced_while_the_bundle_is_read_is_read_again(make_bundle, rows, monkeypatch):
    folder = make_bundle()
    meetings = rows("meetings")
    meetings.append(["M4", "E2", "2025-02-11T09:00:00Z", "30", "status", "", "Status", "held"])
    real_read = _load.read_source
    calls = []

    def read_while_an_import_switches(source):
        tables = real_read(source)
        if not calls:
            # An import replaces meetings.csv after this reader read it (new file, renamed in).
            write_csv(folder / "meetings.new", meetings)
            os.replace(folder / "meetings.new", folder / "meetings.csv")
        calls.append(source)
        return tables

    monkeypatch.setattr(_load, "read_source", read_while_an_import_switches)
    bundle = load_bundle(folder, pseudonymize=False)
    assert len(calls) == 2
    assert "M4" in set(bundle.meetings["meeting_id"])


def _validate(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(["validate", *args])
    captured = capsys.readouterr()
    return exited.value.code, captured.out, captured.err


def test_rejects_folder_describes_one_load_only(make_bundle, rows, tmp_path, capsys):
    rejects = tmp_path / "rejects"
    meetings = rows("meetings")
    meetings[1][4] = "party"
    _validate(capsys, "--lenient", "--rejects", str(rejects), str(make_bundle(meetings=meetings)))
    assert sorted(p.name for p in rejects.iterdir() if not p.name.startswith(".")) == [
        "attendance.rejected.csv", "meetings.rejected.csv"]  # M1's attendance depends on M1
    (rejects / "notes.txt").write_text("mine")

    # Meetings fixed, one attendance row broken: the meetings rejects of the first load go.
    attendance = rows("attendance")
    attendance[3][2] = "maybe"
    code, _, _ = _validate(capsys, "--lenient", "--rejects", str(rejects),
                           str(make_bundle(meetings=rows("meetings"), attendance=attendance)))
    assert code == 1
    assert sorted(p.name for p in rejects.iterdir() if not p.name.startswith(".")) == [
        "attendance.rejected.csv", "notes.txt"]
    assert "maybe" in (rejects / "attendance.rejected.csv").read_text()


def test_unwritable_rejects_folder_fails_before_the_bundle_is_loaded(make_bundle, tmp_path, capsys,
                                                                       monkeypatch):
    import engagement_analytics.cli.validate as validate_cli

    loads = []
    monkeypatch.setattr(validate_cli, "load_bundle", lambda *a, **k: loads.append(a))
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    code, _, err = _validate(capsys, "--lenient", "--rejects", str(blocker / "sub"), str(make_bundle()))
    assert code == 2 and loads == []
    assert len(err.strip().splitlines()) == 1 and "--rejects" in err
