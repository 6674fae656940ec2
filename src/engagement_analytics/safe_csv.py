"""Spreadsheet-safe CSV cells: one escape rule for every CSV the package writes.

A spreadsheet opening a CSV evaluates a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula (OWASP, "CSV
Injection"): a calendar invite titled ``=HYPERLINK(...)`` would become a live
link in ``meetings.csv``. Every writer therefore passes its cells through
:func:`escape_text` (or :func:`escape_frame`), and every reader of the
package's own CSVs through :func:`unescape_text`.

The rule (documented in ``docs/bundle.md``, "Spreadsheet-safe CSV cells"):

- **Escape**: a text cell gets one leading ``'`` when it starts with a trigger
  character (``= + - @``, tab, carriage return), or when it starts with ``'``
  followed by a trigger character or another ``'``. A plain decimal number
  (``-3.5``, ``+1e3``) is left alone: a spreadsheet reads it as a number, not
  a formula, and numeric columns stay numbers.
- **Unescape**: a cell that starts with ``'`` followed by a trigger character
  or another ``'`` loses that one ``'``; every other cell is kept as it is.

So ``unescape(escape(x)) == x`` for every text ``x`` (the round trip the
bundle loader relies on), no escaped cell starts with a trigger character,
and a title that genuinely starts with ``'`` (``'Tis the season``) is written
and read unchanged: only ``'`` before a trigger or another ``'`` is ever
touched. Cells of numeric, boolean and datetime columns are never escaped:
pandas writes them as numbers and dates, which no spreadsheet evaluates.

The rule is applied with pyarrow's RE2 kernels (linear time, no backtracking)
on whole columns; a column that needs nothing costs one pass over the first
byte of each cell.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "TRIGGERS",
    "escape_cell",
    "escape_frame",
    "escape_text",
    "unescape_cell",
    "unescape_column",
    "unescape_frame",
    "unescape_text",
    "write_csv",
]

#: First characters that make a spreadsheet evaluate a cell (OWASP's list).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPE = "'"
_TRIGGER_CLASS = "[=+\\-@\\t\\r]"
#: Cells the writer prefixes: a trigger first, or ``'`` before a trigger or ``'``.
_NEEDS_ESCAPE = f"^(?:{_TRIGGER_CLASS}|'{_TRIGGER_CLASS}|'')"
#: Cells the reader strips one ``'`` from: exactly the writer's escaped cells.
_ESCAPED = f"^'(?:{_TRIGGER_CLASS}|')"
#: A plain decimal number: a spreadsheet reads it as a number, never a formula.
_PLAIN_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"

TextArray = pa.Array | pa.ChunkedArray


#: Every first byte that may need the escape (all ASCII, so one byte each).
_FIRST_BYTES = tuple(char.encode() for char in (*TRIGGERS, _ESCAPE))


def _may_need_escape(cells: TextArray) -> bool:
    # The first byte of each cell against a set of seven: one cheap pass (about
    # twice as fast as seven prefix scans) before any regex runs on a large column.
    binary = pa.large_binary() if pa.types.is_large_string(cells.type) else pa.binary()
    first = pc.binary_slice(cells.cast(binary), 0, 1)
    return bool(pc.any(pc.is_in(first, value_set=pa.array(_FIRST_BYTES, binary))).as_py())


def escape_text(cells: TextArray) -> TextArray:
    """Text cells with the spreadsheet escape applied (the same array when none needs it).

    Missing cells stay missing.
    """
    if not _may_need_escape(cells):
        return cells
    needs = pc.and_kleene(
        pc.match_substring_regex(cells, _NEEDS_ESCAPE),
        pc.invert(pc.match_substring_regex(cells, _PLAIN_NUMBER)),
    )
    if not pc.any(needs).as_py():
        return cells
    prefixed = pc.binary_join_element_wise(pa.scalar(_ESCAPE, cells.type), cells, pa.scalar("", cells.type))
    return pc.if_else(needs, prefixed, cells)


def unescape_text(cells: TextArray) -> TextArray:
    """Text cells with one escape ``'`` removed where :func:`escape_text` put one.

    Returns the same array, uncopied, when no cell starts with ``'``.
    """
    if not pc.any(pc.starts_with(cells, pattern=_ESCAPE)).as_py():
        return cells
    escaped = pc.match_substring_regex(cells, _ESCAPED)
    if not pc.any(escaped).as_py():
        return cells
    return pc.if_else(escaped, pc.utf8_slice_codeunits(cells, 1), cells)


def _apply_to_cell(function, value: str) -> str:
    return function(pa.array([value], type=pa.large_string()))[0].as_py()


def escape_cell(value: str) -> str:
    """One text cell, escaped (see the module docstring)."""
    return _apply_to_cell(escape_text, value)


def unescape_cell(value: str) -> str:
    """One text cell, unescaped: the inverse of :func:`escape_cell`."""
    return _apply_to_cell(unescape_text, value)


def _is_text(values: pd.Series | pd.Index) -> bool:
    dtype = values.dtype
    return isinstance(dtype, pd.StringDtype | pd.CategoricalDtype) or pd.api.types.is_object_dtype(dtype)


def _map_text(values: pd.Series, function) -> pd.Series:
    """``function`` applied to the ``str`` cells of a text column; other cells untouched.

    Returns ``values`` itself when no cell changes.
    """
    if not _is_text(values):
        return values  # numbers, booleans, datetimes: written as such, never a formula
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        # pandas' own text storage: whole arrays, no Python objects.
        text = pa.array(values)
        changed = function(text)
        if changed is text:
            return values
        return pd.Series(changed, index=values.index, name=values.name, dtype=values.dtype)
    cells = np.array(values.to_numpy(dtype=object, na_value=None), dtype=object)  # writable
    is_str = np.fromiter((isinstance(cell, str) for cell in cells), dtype=bool, count=len(cells))
    if not is_str.any():
        return values
    text = pa.array(cells[is_str], type=pa.large_string())
    changed = function(text)
    if changed is text:
        return values
    cells[is_str] = changed.to_numpy(zero_copy_only=False)
    dtype = values.dtype if isinstance(values.dtype, pd.StringDtype) else object
    return pd.Series(cells, index=values.index, name=values.name, dtype=dtype)


def _map_index(index: pd.Index, function) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        levels = [_map_index(level, function) for level in index.levels]
        return index.set_levels(levels).set_names(_map_names(index.names, function))
    mapped = _map_text(index.to_series(index=pd.RangeIndex(len(index))), function)
    return pd.Index(mapped, name=_map_names([index.name], function)[0], dtype=mapped.dtype)


def _map_names(names, function) -> list:
    texts = [name for name in names if isinstance(name, str)]
    if not texts:
        return list(names)
    changed = iter(function(pa.array(texts, type=pa.large_string())).to_pylist())
    return [next(changed) if isinstance(name, str) else name for name in names]


def _map_frame(frame: pd.DataFrame, function, *, index: bool) -> pd.DataFrame:
    out = frame.copy(deep=False)
    for position in range(frame.shape[1]):
        out.isetitem(position, _map_text(frame.iloc[:, position], function))
    out.columns = _map_index(frame.columns, function)
    if index:
        out.index = _map_index(frame.index, function)
    return out


def unescape_column(values: pd.Series) -> pd.Series:
    """A column read from a CSV, its text cells unescaped (``values`` itself if none was escaped).

    Cells that are not text (native Parquet or XLSX values) are left as they are.
    """
    return _map_text(values, unescape_text)


def escape_frame(frame: pd.DataFrame, *, index: bool = True) -> pd.DataFrame:
    """A copy of ``frame`` ready for ``to_csv``: text cells, column names and
    (with ``index=True``) index labels escaped.

    Numeric, boolean and datetime columns are left as they are: pandas writes
    them as numbers and dates (``-3.5``), which a spreadsheet never evaluates.
    """
    return _map_frame(frame, escape_text, index=index)


def unescape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A CSV read back as text: cells and column names unescaped (the inverse of
    :func:`escape_frame` for frames of text)."""
    return _map_frame(frame, unescape_text, index=False)


def write_csv(frame: pd.DataFrame, path: str | Path, *, index: bool) -> None:
    """Write ``frame`` as a spreadsheet-safe UTF-8 CSV file.

    Cells are escaped (:func:`escape_frame`) and lines end with ``\\r\\n``
    (RFC 4180): Python's CSV writer quotes a cell only for the characters of
    the line end, so with ``\\n`` alone a lone carriage return inside a cell
    would be written bare and split the row for every reader.
    """
    escape_frame(frame, index=index).to_csv(path, index=index, encoding="utf-8", lineterminator="\r\n")
