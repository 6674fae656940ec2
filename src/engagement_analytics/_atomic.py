"""Exclusive folder locks and all-or-nothing replacement of files and folders.

Every command that writes a folder goes through here: ``import`` (the tables
of a bundle), ``validate --rejects`` (the rejects folder) and ``report`` (a
report folder). :func:`load_bundle` uses
:func:`finish_interrupted` and :func:`folder_state` to read a bundle folder as
one consistent set of files.

Locks are ``flock(2)`` locks on a lock file: the kernel releases them when the
process dies, however it dies (``kill -9`` included), so a killed run never
leaves a stale lock. ``fcntl.flock`` rather than the ``filelock`` package: the
project targets Linux and macOS, where ``flock`` is the very call
``filelock`` makes; no dependency is needed for it.

A set of files is replaced in four steps (see :func:`replace_files`): write
the new files into a hidden staging folder inside the target folder; rename
that folder to the commit folder (the commit point: one atomic rename); move
each file into place; remove the commit folder. A run killed before the
commit point leaves the old files, plus a staging folder that the next writer
deletes; a run killed after it leaves a commit folder from which the next
writer, or :func:`load_bundle`, finishes the switch (roll forward).

A folder is replaced by building its new content in a sibling folder and
swapping the two: atomically with ``renameat2(RENAME_EXCHANGE)`` (Linux) or
``renamex_np(RENAME_SWAP)`` (macOS) where the filesystem supports it, else by
two renames (see :func:`replacing_folder`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "LOCK_NAME",
    "LOCK_WAIT_SECONDS",
    "FolderBusy",
    "FolderState",
    "exclusive_lock",
    "finish_interrupted",
    "folder_state",
    "locked_folder",
    "replace_files",
    "replacing_folder",
]

#: Seconds a run waits for another run holding the same folder before it stops.
LOCK_WAIT_SECONDS = 60.0
#: The lock file inside a folder whose files are replaced as a set (a bundle, a rejects folder).
LOCK_NAME = ".engagement-analytics.lock"
#: New files of an uncommitted set: deleted by the next writer.
STAGING_NAME = ".engagement-analytics.staging"
#: New files of a committed set, not yet all moved into place: moved by the next writer or reader.
COMMIT_NAME = ".engagement-analytics.commit"
#: Inside the staging/commit folder: the names to move into place and to delete.
MANIFEST_NAME = ".manifest.json"
#: Suffix of the siblings of a replaced folder (``.<name>.engagement-analytics.lock|new|old``).
SIBLING_SUFFIX = ".engagement-analytics"
#: Longest pause between two attempts to take a busy lock.
_POLL_SECONDS = 0.25

# Locks this process holds: (device, inode) of the lock file -> [thread, fd, depth].
# flock locks belong to an open file, so a second open() in the same thread
# would wait for itself; a thread taking a lock it holds goes through instead.
_held: dict[tuple[int, int], list[int]] = {}
_held_guard = threading.Lock()


class FolderBusy(OSError):
    """Another run holds the lock of a folder for longer than the caller waits."""

    def __init__(self, path: Path, waited: float) -> None:
        super().__init__(
            errno.EBUSY,
            f"busy: another engagement-analytics run is writing here (waited {waited:g} s); "
            "try again when it has finished, or wait longer (--wait SECONDS)",
            str(path),
        )


@contextlib.contextmanager
def exclusive_lock(
    lock_file: Path, *, wait: float = LOCK_WAIT_SECONDS, label: Path | None = None
) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file`` (created if missing) for the block.

    Waits up to ``wait`` seconds for another holder, then raises
    :class:`FolderBusy` naming ``label`` (default: the lock file's folder);
    ``wait=0`` stops at once. The same thread may take a lock
    it already holds. The lock file is never deleted: a process waiting on it
    would then lock a file nobody else sees.
    """
    fd = _open_lock_file(lock_file)
    key = _file_key(fd)
    me = threading.get_ident()
    with _held_guard:
        entry = _held.get(key)
        if entry is not None and entry[0] == me:
            entry[2] += 1
            os.close(fd)
            fd = -1
    if fd == -1:
        try:
            yield
        finally:
            with _held_guard:
                _held[key][2] -= 1
        return
    try:
        _flock(fd, label or lock_file.parent, wait)
    except BaseException:
        os.close(fd)
        raise
    with _held_guard:
        _held[key] = [me, fd, 1]
    try:
        yield
    finally:
        with _held_guard:
            del _held[key]
        os.close(fd)  # closing the only descriptor releases the lock


def _open_lock_file(lock_file: Path) -> int:
    nofollow = getattr(os, "O_NOFOLLOW", 0)  # a planted symlink must not redirect the lock
    flags = os.O_CLOEXEC | nofollow
    try:
        return os.open(lock_file, os.O_RDWR | os.O_CREAT | flags, 0o666)
    except PermissionError:
        # Someone else's lock file in a folder we may read: flock works on a read-only descriptor.
        return os.open(lock_file, os.O_RDONLY | flags)


def _file_key(fd: int) -> tuple[int, int]:
    info = os.fstat(fd)
    return info.st_dev, info.st_ino


def _flock(fd: int, label: Path, wait: float) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        raise OSError(errno.ENOTSUP, "file locks need Linux or macOS", str(label)) from None
    deadline = time.monotonic() + max(0.0, wait)
    pause = 0.01
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            left = deadline - time.monotonic()
            if left <= 0:
                raise FolderBusy(label, wait) from None
            time.sleep(min(pause, left))
            pause = min(2 * pause, _POLL_SECONDS)


@contextlib.contextmanager
def locked_folder(folder: Path, *, wait: float = LOCK_WAIT_SECONDS) -> Iterator[list[str]]:
    """Create ``folder`` if needed and hold its lock, after repairing an interrupted run.

    Yields the lines saying what :func:`finish_interrupted` repaired (usually none).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(folder / LOCK_NAME, wait=wait):
        yield finish_interrupted(folder, wait=wait)


def finish_interrupted(
    folder: Path, *, wait: float = LOCK_WAIT_SECONDS, discard_staging: bool = True
) -> list[str]:
    """Finish the switch of a committed file set (roll forward); delete an uncommitted one.

    Cheap when there is nothing to do (two ``stat`` calls, no lock). Readers
    pass ``discard_staging=False``: a staging folder may belong to a run that
    is still writing (it holds the lock), and the old files are complete
    anyway. Returns one line per repair.
    """
    folder = Path(folder)
    commit, staging = folder / COMMIT_NAME, folder / STAGING_NAME
    if not commit.exists() and not (discard_staging and staging.exists()):
        return []
    done = []
    with exclusive_lock(folder / LOCK_NAME, wait=wait):
        if commit.is_dir():
            moved = _apply(folder)
            done.append(f"{folder}: finished switching the files of an interrupted run "
                        f"({', '.join(moved) or 'all were in place'})")
        if discard_staging and staging.is_dir():
            shutil.rmtree(staging)
            done.append(f"{folder}: removed the uncommitted files of an interrupted run "
                        "(the folder keeps its previous files)")
    return done


def replace_files(
    folder: Path,
    writers: Mapping[str, Callable[[Path], object] | None],
    *,
    wait: float = LOCK_WAIT_SECONDS,
) -> None:
    """Replace several files of ``folder`` as one set.

    Parameters
    ----------
    folder : Path
        Created if missing.
    writers : mapping
        File name -> a function writing that file's new content to the path
        it is given, or None to delete the file.
    wait : float
        Seconds to wait for another run holding the folder's lock.

    Notes
    -----
    What the folder holds if the process dies at each step:

    1. writing into ``.engagement-analytics.staging/``: the old files; the
       next writer deletes the staging folder;
    2. renaming it to ``.engagement-analytics.commit/`` (the commit point, one
       atomic rename): before it the old files, after it the new ones;
    3. moving each file into place: old and new files side by side, but the
       commit folder says so: :func:`finish_interrupted` (run by the next
       writer and by ``load_bundle`` before it reads) completes the moves;
    4. removing the commit folder: the new files.

    Files are flushed to disk (``fsync``) before the commit point, so a power
    cut behaves like a kill.
    """
    names = list(writers)
    for name in names:
        if name != Path(name).name or name.startswith(".") or name in ("", ".."):
            raise ValueError(f"{name!r} is not a plain file name")
    folder = Path(folder)
    with locked_folder(folder, wait=wait):
        staging = folder / STAGING_NAME
        staging.mkdir()
        try:
            for name, write in writers.items():
                if write is not None:
                    write(staging / name)
                    _fsync(staging / name)
            manifest = {"replace": [n for n, w in writers.items() if w is not None],
                        "delete": [n for n, w in writers.items() if w is None]}
            (staging / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
            _fsync(staging / MANIFEST_NAME)
            _fsync(staging)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        os.rename(staging, folder / COMMIT_NAME)  # the commit point
        _fsync(folder)
        _apply(folder)


def _apply(folder: Path) -> list[str]:
    """Move the committed files into place, delete the listed ones; idempotent."""
    commit = folder / COMMIT_NAME
    manifest_path = commit / MANIFEST_NAME
    moved = []
    if manifest_path.is_file():  # no manifest: every step was done but removing the folder
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        for name in manifest["replace"]:
            if (commit / name).exists():
                os.replace(commit / name, folder / name)
                moved.append(name)
        for name in manifest["delete"]:
            (folder / name).unlink(missing_ok=True)
        _fsync(folder)
        manifest_path.unlink()
    shutil.rmtree(commit)
    _fsync(folder)
    return moved


class FolderState(NamedTuple):
    """What a reader compares before and after reading a folder to know nothing changed."""

    #: A commit folder is present: a switch is under way, or was interrupted.
    switching: bool
    #: Name, inode, size and modification time of every visible entry (a replaced file is a new inode).
    entries: tuple[tuple[str, int, int, int], ...]


def folder_state(folder: Path) -> FolderState:
    """The :class:`FolderState` of ``folder`` now."""
    entries = []
    with os.scandir(folder) as listing:
        for entry in listing:
            if entry.name.startswith("."):
                continue
            info = entry.stat(follow_symlinks=True) if entry.is_file() else entry.stat(follow_symlinks=False)
            entries.append((entry.name, info.st_ino, info.st_size, info.st_mtime_ns))
    return FolderState(Path(folder, COMMIT_NAME).exists(), tuple(sorted(entries)))


@contextlib.contextmanager
def replacing_folder(target: Path, *, wait: float = LOCK_WAIT_SECONDS) -> Iterator[Path]:
    """Yield an empty sibling folder to build ``target``'s new content in; swap it in at the end.

    ``target`` (symlinks resolved) is locked through a sibling lock file
    ``.<name>.engagement-analytics.lock`` for the whole block, so two runs never
    interleave. If the block raises, ``target`` is left as it was. The sibling
    is created before the block runs, so an unwritable place fails before any
    work is done.

    What ``target`` is if the process dies at each step: building (the block)
    -- the previous content; swapping -- with an atomic exchange the previous
    or the new content, never a mix; without it (a filesystem that cannot
    exchange) ``target`` is missing for the instant between two renames, and
    a run killed in that instant leaves the previous content in
    ``.<name>.engagement-analytics.old``, which the next run puts back. The
    next run deletes every leftover sibling.
    """
    target = Path(os.path.realpath(target))
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "exists and is not a folder", str(target))
    if target.is_dir() and os.path.ismount(target):
        raise ValueError(f"{target} is a mount point; give a folder inside it")
    lock, new, old = (target.with_name(f".{target.name}{SIBLING_SUFFIX}.{kind}")
                      for kind in ("lock", "new", "old"))
    _make_beside(target, lock, lambda: os.close(_open_lock_file(lock)))
    with exclusive_lock(lock, wait=wait, label=target):
        if not target.exists() and old.is_dir():
            os.rename(old, target)  # killed between the two renames of a swap: put it back
        for leftover in (new, old):
            if leftover.exists():
                shutil.rmtree(leftover)
        _make_beside(target, new, new.mkdir)
        try:
            yield new
            _swap(new, target, old)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise


def _make_beside(target: Path, sibling: Path, make: Callable[[], object]) -> None:
    """Make a sibling of ``target``; if that fails, say which and why in one line."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        make()
    except OSError as exc:
        raise OSError(exc.errno, f"cannot create {sibling.name} beside it ({exc.strerror})",
                      str(target)) from None


def _swap(new: Path, target: Path, old: Path) -> None:
    if not target.exists():
        os.rename(new, target)
        _fsync(target.parent)
        return
    os.chmod(new, stat.S_IMODE(target.stat().st_mode))
    if _exchange(new, target):
        _fsync(target.parent)
        shutil.rmtree(new, ignore_errors=True)  # now the previous content
        return
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    _fsync(target.parent)
    shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE = 2  # linux/fs.h
_RENAME_SWAP = 2  # macOS stdio.h
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step; False where the system or filesystem cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover
        return False
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        call = libc.renameat2
        call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        result = call(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):  # pragma: no cover
        call = libc.renamex_np
        call.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
        result = call(os.fsencode(a), os.fsencode(b), _RENAME_SWAP)
    else:  # pragma: no cover
        return False
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries, to disk (where the filesystem can)."""
    fd = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if path.is_dir() else 0))
    try:
        os.fsync(fd)
    except OSError as exc:  # some filesystems cannot fsync a folder
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)
