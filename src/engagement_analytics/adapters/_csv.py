"""Reading CSV exports as text and finding their columns whatever the spelling."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from ._result import AdapterError
from ._text import read_text

__all__ = ["ColumnFinder", "csv_from_text", "read_text_csv"]


def read_text_csv(path: str | Path, *, max_bytes: int | None = None) -> pd.DataFrame:
    """A UTF-8 CSV file (at most ``max_bytes``) as strings ('' for empty cells), or a one-line AdapterError."""
    path = Path(path)
    return csv_from_text(read_text(path, max_bytes=max_bytes), path.name)


def csv_from_text(text: str, file: str) -> pd.DataFrame:
    """CSV text as a frame of strings, or an AdapterError naming ``file``."""
    try:
        return pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise AdapterError(f"{file}: not a readable CSV file ({first})") from None


def _folded(name: str) -> str:
    # 'Account.Name', 'Account Name' and 'account_name' are the same field.
    return re.sub(r"[^0-9a-z]", "", name.casefold())


class ColumnFinder:
    """Finds a frame's columns by name, ignoring case, spaces and punctuation."""

    def __init__(self, frame: pd.DataFrame, file: str) -> None:
        self.frame, self.file = frame, file
        self._names = {_folded(str(c)): c for c in reversed(frame.columns)}

    def get(self, *names: str) -> str | None:
        """The frame's column for the first of ``names`` it has, else None."""
        for name in names:
            found = self._names.get(_folded(name))
            if found is not None:
                return found
        return None

    def require(self, *names: str, hint: str = "") -> str:
        """Like :meth:`get` but a missing column is an AdapterError."""
        found = self.get(*names)
        if found is None:
            raise AdapterError(f"{self.file}: column '{names[0]}' missing{hint}")
        return found

    def values(self, *names: str) -> pd.Series:
        """The column's stripped text, or empty strings when it is absent."""
        found = self.get(*names)
        if found is None:
            return pd.Series("", index=self.frame.index, dtype=object)
        return self.frame[found].astype(str).str.strip()
