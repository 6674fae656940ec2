"""Reading exports safely: folders (no symlink loops), zips and JSON with size caps, one-line errors."""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from .._zipcheck import ZipTooLarge, check_zip
from ._result import AdapterError

__all__ = ["LINK_NOTE", "MAX_EXPORT_BYTES", "MAX_JSON_BYTES", "ExportTree", "files_under", "load_json",
           "read_json_file"]

#: Bytes of one JSON file read at most (after decompression, for a zip member).
#: Parsed JSON takes up to 25 times its size in memory (``[{},{},...]``); a
#: Slack day file or a Graph page is a few MB.
MAX_JSON_BYTES = 32 * 1024 * 1024
#: Bytes of JSON read at most from one export (a zip's ``.json`` members
#: after decompression, or a folder's files), whatever each file holds.
MAX_EXPORT_BYTES = 4 * 1024 * 1024 * 1024
#: Report note counting symbolic links to folders not followed (loops, files elsewhere).
LINK_NOTE = "symlinked_folder_not_followed"


def files_under(folder: Path, links: list[Path] | None = None) -> list[Path]:
    """Regular files below ``folder``; symbolic links to folders are not followed (no loops).

    The links not followed are appended to ``links`` when given, for the report.
    """
    found = []
    for root, folders, names in os.walk(folder):
        if links is not None:
            links.extend(Path(root, d) for d in folders if Path(root, d).is_symlink())
        found += [Path(root, name) for name in names if Path(root, name).is_file()]
    return found


def load_json(data: bytes, where: str) -> object:
    """Parsed JSON, or an AdapterError naming ``where``."""
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise AdapterError(f"{where}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise AdapterError(f"{where}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise AdapterError(f"{where}: JSON nested too deeply") from None
    except MemoryError:
        raise AdapterError(f"{where}: out of memory while reading; the input is too large") from None


def read_json_file(path: Path) -> object:
    """A JSON file (at most :data:`MAX_JSON_BYTES`), or a one-line AdapterError."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_JSON_BYTES + 1)
    except OSError as exc:
        raise AdapterError(f"{path.name}: cannot read the file ({exc.strerror})") from None
    if len(data) > MAX_JSON_BYTES:
        raise AdapterError(f"{path.name}: larger than {MAX_JSON_BYTES:,} bytes; refused")
    return load_json(data, path.name)


class ExportTree:
    """The files of an export given as a folder or a zip file, by relative POSIX path.

    A zip is never extracted: its directory is checked first (each ``.json``
    member at most :data:`MAX_JSON_BYTES`, all of them at most
    :data:`MAX_EXPORT_BYTES`, none compressed more than
    ``_zipcheck.MAX_RATIO`` to 1), then members are read one at a time, each
    capped at :data:`MAX_JSON_BYTES` and all at :data:`MAX_EXPORT_BYTES`
    whatever the directory claims (zip bombs).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._budget = MAX_EXPORT_BYTES
        #: Symbolic links to folders inside a folder export, not followed.
        self.links_not_followed: list[Path] = []
        if path.is_dir():
            self._names = sorted(p.relative_to(path).as_posix()
                                 for p in files_under(path, self.links_not_followed))
            return
        try:
            self._zip = zipfile.ZipFile(path)
            infos = [i for i in self._zip.infolist() if not i.is_dir()]
            self._names = sorted(i.filename for i in infos)
            check_zip(self._zip, path.name, max_member_bytes=MAX_JSON_BYTES,
                      max_total_bytes=MAX_EXPORT_BYTES,
                      members=[i for i in infos if i.filename.lower().endswith(".json")])
        except ZipTooLarge as exc:
            self._zip.close()
            raise AdapterError(str(exc)) from None
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise AdapterError(f"{path.name}: not a readable zip file or folder ({exc})") from None

    def __enter__(self) -> ExportTree:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._zip is not None:
            self._zip.close()

    def names(self) -> list[str]:
        return self._names

    def find(self, file_name: str) -> str | None:
        """The shallowest member called ``file_name`` (exports are often re-zipped in a folder)."""
        found = [n for n in self._names if PurePosixPath(n).name == file_name]
        return min(found, key=lambda n: (n.count("/"), n)) if found else None

    def json(self, name: str) -> object:
        """Member ``name`` parsed as JSON."""
        where = f"{self.path.name}: {name}"
        try:
            if self._zip is None:
                with (self.path / name).open("rb") as stream:
                    data = stream.read(MAX_JSON_BYTES + 1)
            else:
                with self._zip.open(name) as stream:
                    data = stream.read(MAX_JSON_BYTES + 1)
        except (OSError, zipfile.BadZipFile, EOFError, RuntimeError, ValueError,
                NotImplementedError, zlib.error) as exc:
            raise AdapterError(f"{where}: cannot read ({exc})") from None
        if len(data) > MAX_JSON_BYTES:
            raise AdapterError(f"{where}: larger than {MAX_JSON_BYTES:,} bytes; refused")
        self._budget -= len(data)
        if self._budget < 0:
            raise AdapterError(f"{where}: the export holds more than {MAX_EXPORT_BYTES:,} bytes "
                               "of JSON; refused")
        return load_json(data, where)
