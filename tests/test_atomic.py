"""The locks and all-or-nothing replacements every writer uses (``engagement_analytics._atomic``)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from engagement_analytics import _atomic
from engagement_analytics._atomic import (
    COMMIT_NAME,
    STAGING_NAME,
    FolderBusy,
    exclusive_lock,
    finish_interrupted,
    replace_files,
    replacing_folder,
)


def _visible(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


def _writer(text: str):
    return lambda path: path.write_text(text)


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    for name in ("a.csv", "b.csv", "c.csv", "keep.txt"):
        (folder / name).write_text(f"old {name}")
    return folder


def test_a_writer_failing_leaves_every_old_file(folder):
    old = _visible(folder)

    def fail(path):
        path.write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        replace_files(folder, {"a.csv": _writer("new a"), "b.csv": fail, "c.csv": None})
    assert _visible(folder) == old
    assert not (folder / STAGING_NAME).exists()


def test_files_are_replaced_and_deleted_together_and_others_kept(folder):
    replace_files(folder, {"a.csv": _writer("new a"), "c.csv": None, "d.csv": _writer("new d")})
    assert _visible(folder) == {"a.csv": "new a", "b.csv": "old b.csv", "d.csv": "new d",
                                "keep.txt": "old keep.txt"}
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == [_atomic.LOCK_NAME]


def test_a_switch_stopped_after_the_commit_point_is_finished_by_the_next_run(folder, monkeypatch):
    real_replace = os.replace
    moves = []

    def stop_after_one_move(src, dst):
        if Path(dst).parent == folder and moves:
            raise KeyboardInterrupt  # the process stops here
        moves.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", stop_after_one_move)
    with pytest.raises(KeyboardInterrupt):
        replace_files(folder, {"a.csv": _writer("new a"), "b.csv": _writer("new b"), "c.csv": None})
    monkeypatch.setattr(os, "replace", real_replace)
    assert (folder / COMMIT_NAME).is_dir()
    assert _visible(folder)["a.csv"] == "new a" and _visible(folder)["b.csv"] == "old b.csv"

    repaired = finish_interrupted(folder)
    assert len(repaired) == 1 and "b.csv" in repaired[0]
    assert _visible(folder) == {"a.csv": "new a", "b.csv": "new b", "keep.txt": "old keep.txt"}
    assert not (folder / COMMIT_NAME).exists()
    assert finish_interrupted(folder) == []


def test_uncommitted_files_are_deleted_by_a_writer_not_by_a_reader(folder):
    (folder / STAGING_NAME).mkdir()
    (folder / STAGING_NAME / "a.csv").write_text("half")
    assert finish_interrupted(folder, discard_staging=False) == []
    assert (folder / STAGING_NAME).exists()
    assert len(finish_interrupted(folder)) == 1
    assert not (folder / STAGING_NAME).exists()
    assert _visible(folder)["a.csv"] == "old a.csv"


def test_lock_is_reentrant_in_its_thread_and_exclusive_across_threads(tmp_path):
    lock = tmp_path / "x.lock"
    outcome = []

    def other_thread(wait):
        try:
            with exclusive_lock(lock, wait=wait):
                outcome.append("locked")
        except FolderBusy as exc:
            outcome.append(exc.strerror)

    with exclusive_lock(lock, wait=0), exclusive_lock(lock, wait=0):
        worker = threading.Thread(target=other_thread, args=(0.1,))
        worker.start()
        worker.join()
    assert outcome[0].startswith("busy: another engagement-analytics run")
    other_thread(0)
    assert outcome[1] == "locked"


@pytest.mark.parametrize("exchange", [True, False])
def test_folder_replaced_as_a_whole_or_kept_on_error(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(_atomic, "_exchange", lambda a, b: False)
    target = tmp_path / "report"
    target.mkdir()
    (target / "old.html").write_text("old")
    with pytest.raises(RuntimeError), replacing_folder(target) as staging:
        (staging / "new.html").write_text("new")
        raise RuntimeError("a notebook crashed the build")
    assert _visible(target) == {"old.html": "old"}
    with replacing_folder(target) as staging:
        (staging / "new.html").write_text("new")
        assert _visible(target) == {"old.html": "old"}
    assert _visible(target) == {"new.html": "new"}
    assert [p.name for p in tmp_path.iterdir() if p.name != "report"] == [
        ".report.engagement-analytics.lock"]


def test_a_folder_missing_after_a_stopped_two_rename_swap_is_put_back(tmp_path):
    target = tmp_path / "report"
    old = tmp_path / ".report.engagement-analytics.old"
    old.mkdir()
    (old / "index.html").write_text("previous")
    (tmp_path / ".report.engagement-analytics.new").mkdir()
    with pytest.raises(RuntimeError), replacing_folder(target):
        assert _visible(target) == {"index.html": "previous"}
        raise RuntimeError("stopped before swapping")
    assert _visible(target) == {"index.html": "previous"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".report.engagement-analytics.lock", "report"]
