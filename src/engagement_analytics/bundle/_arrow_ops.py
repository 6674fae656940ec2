"""Column operations on string data through pyarrow's compute kernels.

pandas 3 keeps text in pyarrow ``large_string`` chunked arrays. Working on
those arrays directly (no cast, no combining of chunks, no Python objects)
is what keeps loading the large bundle within a small factor of DuckDB: the
kernels release the GIL and touch each value once. The text helpers work on
pyarrow arrays (:func:`as_arrow` gets them from a Series, :func:`text_series`
wraps them back); the set helpers take pandas objects and return numpy arrays.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "arrow_isin",
    "as_arrow",
    "dictionary_codes",
    "encode",
    "has_duplicates",
    "lower_text",
    "text_series",
    "trim_text",
]

_NULL_TEXT = pa.scalar(None, pa.large_string())
#: Combined keys below this fit in an int64.
_INT64_KEYS = 2**63


def as_arrow(series: pd.Series) -> pa.ChunkedArray:
    """The Series' values as a pyarrow text array (zero-copy for pandas' ``str`` dtype)."""
    if not isinstance(series.dtype, pd.StringDtype) or series.dtype.storage != "pyarrow":
        series = series.astype(pd.StringDtype("pyarrow", na_value=np.nan))
    array = pa.array(series)
    return array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])


def text_series(array: pa.ChunkedArray | pa.Array, index: pd.Index) -> pd.Series:
    """A pandas ``str`` Series wrapping a pyarrow text array."""
    if array.type != pa.large_string():
        array = array.cast(pa.large_string())
    return pd.Series(array, index=index, dtype=pd.StringDtype("pyarrow", na_value=np.nan))


def _all_ascii(array: pa.ChunkedArray) -> bool:
    return pc.all(pc.string_is_ascii(array)).as_py() is not False


#: ASCII characters that Unicode, pyarrow's UTF-8 trim and Python's ``str.strip``
#: count as whitespace (the file and group separators \x1c-\x1f included).
_ASCII_WHITESPACE = (" ", "\t", "\n", "\v", "\f", "\r", "\x1c", "\x1d", "\x1e", "\x1f")


def _has_edge_whitespace(array: pa.ChunkedArray) -> bool:
    # Bitmaps only: far cheaper than writing a trimmed copy of every string.
    # A value sorting below "!" starts with a space or a control character.
    if pc.any(pc.less(array, "!")).as_py():
        return True
    return any(pc.any(pc.ends_with(array, pattern=space)).as_py() for space in _ASCII_WHITESPACE)


def _trimmed(array: pa.ChunkedArray) -> pa.ChunkedArray:
    # Most exports need no trim at all; checking is cheaper than copying. One
    # trim (UTF-8) serves every column, so what counts as blank never depends
    # on what else the column holds.
    if _all_ascii(array) and not _has_edge_whitespace(array):
        return array
    return pc.utf8_trim_whitespace(array)


def lower_text(array: pa.ChunkedArray) -> pa.ChunkedArray:
    """Lower-cased strings (unchanged, without a copy, when they are lower-case already)."""
    if _all_ascii(array):
        # Most ids are lower-case already: checking is cheaper than rewriting.
        # (a value without letters is not "lower", and simply gets lowered)
        if pc.all(pc.ascii_is_lower(array)).as_py() is not False:
            return array
        return pc.ascii_lower(array)
    return pc.utf8_lower(array)


def trim_text(array: pa.ChunkedArray) -> pa.ChunkedArray:
    """Trimmed strings, with cells left empty by the trim made missing."""
    array = _trimmed(array)
    empty = pc.equal(array, "")
    if pc.any(empty).as_py():
        array = pc.if_else(empty, _NULL_TEXT.cast(array.type), array)
    return array


def arrow_isin(series: pd.Series, values: pd.Series) -> np.ndarray:
    """``series.isin(values)`` as a numpy bool array (missing is never in)."""
    found = pc.is_in(as_arrow(series), value_set=pc.unique(as_arrow(values).drop_null()))
    return found.fill_null(False).to_numpy()


def dictionary_codes(array: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Integer codes (-1 for missing) of each value, and the distinct values they index."""
    encoded = pc.dictionary_encode(array)
    if encoded.num_chunks == 0:
        return np.zeros(0, dtype=np.int32), pa.array([], array.type)
    # One memo table serves every chunk, so all chunks carry the final
    # dictionary; unifying (slow) is only needed if that ever changes.
    dictionary = encoded.chunk(encoded.num_chunks - 1).dictionary
    if any(len(chunk.dictionary) != len(dictionary) for chunk in encoded.chunks):
        encoded = encoded.unify_dictionaries()
        dictionary = encoded.chunk(0).dictionary
    codes = pa.chunked_array([chunk.indices for chunk in encoded.chunks], type=pa.int32())
    return codes.fill_null(-1).to_numpy(), dictionary


def encode(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Dictionary-encode: integer codes (-1 for missing) and the distinct values."""
    codes, dictionary = dictionary_codes(as_arrow(series))
    return codes, dictionary.to_pylist()


def has_duplicates(frame: pd.DataFrame, columns: list[str],
                   codes: dict[str, tuple[np.ndarray, pa.Array]] | None = None) -> bool:
    """Whether any two complete rows share the key ``columns`` (fast check).

    Sorting and comparing neighbours: for millions of distinct string keys it
    is several times faster than hashing them. For a key of several columns,
    each column's :func:`dictionary_codes` are stored in ``codes`` (when
    given) for later use.
    """
    if len(columns) == 1:
        array = as_arrow(frame[columns[0]]).drop_null()
        if len(array) < 2:
            return False
        ordered = array.take(pc.sort_indices(array))
        return bool(pc.any(pc.equal(ordered.slice(1), ordered.slice(0, len(ordered) - 1))).as_py())
    # Several columns: their dictionary codes, sorted as one int64 key where the
    # key fits (sorting integers beats hashing or sorting millions of string
    # pairs), else row-wise.
    encoded = [dictionary_codes(as_arrow(frame[column])) for column in columns]
    if codes is not None:
        codes.update(zip(columns, encoded, strict=True))
    complete = np.logical_and.reduce([column_codes >= 0 for column_codes, _ in encoded])
    parts = [column_codes[complete] for column_codes, _ in encoded]
    if math.prod(len(dictionary) + 1 for _, dictionary in encoded) < _INT64_KEYS:
        key = np.zeros(len(parts[0]), dtype=np.int64)
        for part, (_, dictionary) in zip(parts, encoded, strict=True):
            key = key * (len(dictionary) + 1) + part
        key = np.sort(key)
        return bool((key[1:] == key[:-1]).any())
    rows = np.column_stack(parts)[np.lexsort(parts[::-1])]
    return bool((rows[1:] == rows[:-1]).all(axis=1).any())
