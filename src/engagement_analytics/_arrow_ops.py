"""Set operations on string columns through pyarrow's compute kernels.

pandas 3's arrow-backed ``isin`` and ``duplicated`` walk Python objects for
large inputs; on the 5-million-row attendance table of the large bundle that
was most of the load time. These helpers take pandas Series and return numpy
arrays, so callers stay in pandas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["arrow_isin", "distinct", "encode", "has_duplicates", "lower", "trim", "trim_to_missing"]


def _arrow(series: pd.Series) -> pa.Array:
    if series.dtype == object:
        series = series.astype("str")
    array = pa.array(series, from_pandas=True, type=pa.string())
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _text_kernel(series: pd.Series, ascii_kernel, utf8_kernel) -> pd.Series:
    # The ASCII kernels are about 8x faster; use them when every value is ASCII.
    array = _arrow(series)
    all_ascii = pc.all(pc.string_is_ascii(array)).as_py() is not False
    result = (ascii_kernel if all_ascii else utf8_kernel)(array)
    return pd.Series(result, index=series.index, dtype=series.dtype)


def trim(series: pd.Series) -> pd.Series:
    """``series.str.strip()`` for a string Series, through pyarrow."""
    return _text_kernel(series, pc.ascii_trim_whitespace, pc.utf8_trim_whitespace)


def trim_to_missing(series: pd.Series) -> pd.Series:
    """Trimmed strings, with cells left empty by the trim made missing (one pass in pyarrow)."""
    array = _arrow(trim(series))
    empty = pc.equal(array, "")
    if pc.any(empty).as_py():
        array = pc.if_else(empty, pa.scalar(None, pa.string()), array)
    return pd.Series(array, index=series.index, dtype=series.dtype)


def lower(series: pd.Series) -> pd.Series:
    """``series.str.lower()`` for a string Series, through pyarrow."""
    return _text_kernel(series, pc.ascii_lower, pc.utf8_lower)


def arrow_isin(series: pd.Series, values: pd.Series) -> np.ndarray:
    """``series.isin(values)`` as a numpy bool array (missing is never in)."""
    found = pc.is_in(_arrow(series), value_set=pc.unique(_arrow(values).drop_null()))
    return found.fill_null(False).to_numpy(zero_copy_only=False)


def encode(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Dictionary-encode: integer codes (-1 for missing) and the distinct values."""
    encoded = pc.dictionary_encode(_arrow(series))
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return codes, encoded.dictionary.to_pylist()


def distinct(series: pd.Series) -> list[str]:
    """The distinct non-missing values."""
    return pc.unique(_arrow(series).drop_null()).to_pylist()


def has_duplicates(frame: pd.DataFrame, columns: list[str]) -> bool:
    """Whether any two complete rows share the key ``columns`` (fast check)."""
    if len(columns) == 1:
        array = _arrow(frame[columns[0]])
        return pc.count_distinct(array).as_py() < len(array) - array.null_count
    # Several columns: one int64 key from the columns' dictionary codes.
    key = np.zeros(len(frame), dtype=np.int64)
    complete = np.ones(len(frame), dtype=bool)
    for column in columns:
        codes, uniques = encode(frame[column])
        key = key * (len(uniques) + 1) + codes
        complete &= codes >= 0
    key = np.sort(key[complete])  # sorting beats hashing for 5 million distinct keys
    return bool((key[1:] == key[:-1]).any())
