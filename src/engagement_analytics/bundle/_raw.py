"""The raw table every reader returns, and the helpers the readers share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._types import BundleError, Problem

__all__ = ["RawTable", "first_line", "normalise_columns", "unreadable"]


@dataclass
class RawTable:
    """One table as read from its file, before validation."""

    table: str
    file: str
    frame: pd.DataFrame
    # Maps a record position (0-based, in `frame`) to the row shown in the file.
    _row_numbers: Callable[[np.ndarray], np.ndarray]
    # Records the reader itself could not split into the header's columns.
    unparsable: list[Problem] = field(default_factory=list)
    # The cells of such a record that are intact (those before a stray quote), by its row.
    intact_cells: dict[int, dict[str, str]] = field(default_factory=dict)

    @property
    def read(self) -> int:
        return len(self.frame) + len(self.unparsable)

    def row_number(self, positions: np.ndarray) -> np.ndarray:
        return self._row_numbers(np.asarray(positions, dtype=np.int64))


def unreadable(file: str, why: str, table: str = "", row: int | None = None) -> BundleError:
    """The one-line error for a file the loader will not or cannot read."""
    return BundleError([Problem(table, file, row, None, None, why)], unreadable=True)


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message, or its type when it has none (MemoryError())."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def normalise_columns(frame: pd.DataFrame, file: str, table: str) -> pd.DataFrame:
    """Column names trimmed and lower-cased; a name given twice is an error."""
    names = [str(c).strip().lower() for c in frame.columns]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise BundleError(
                [Problem(table, file, 1, name, None, "column given twice (names are matched case-insensitively)")]
            )
        seen.add(name)
    frame.columns = names
    return frame
