"""Turn raw cells into typed columns, one contract type at a time.

Every parser is vectorised and returns ``(typed, bad)``: the typed Series and
a boolean mask of cells that were given but are not valid for the type. An
empty cell is never "bad" here (required-ness is checked by the caller).

Text is parsed in pyarrow, on the arrays pandas keeps its strings in. Dates
and datetimes repeat a lot (a few thousand distinct days in a million rows),
so each distinct value is parsed once, by pandas, and the result is spread
back to the rows: the strictness of ``pd.to_datetime`` at a fraction of its
cost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._contract import ColumnSpec
from ..safe_csv import unescape_text
from ._arrow_ops import as_arrow, dictionary_codes, lower_text, text_series, trim_text

__all__ = ["ParsedColumn", "parse_column"]

_DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# A datetime is a date (10 characters), "T" or a space and the hour and minute
# (6 characters), then optional seconds, fraction and offset: the three parts
# repeat far more than whole timestamps, so each distinct part is parsed once.
_CLOCK_PATTERN = r"^[T ][0-9]{2}:[0-9]{2}$"
_REST_PATTERN = r"^(?::[0-9]{2}(?:\.[0-9]{1,9})?)?(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?$"
_OFFSET_PATTERN = r"(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)$"
# Timestamps are kept in nanoseconds, which reach from 1677-09-21 to 2262-04-11.
_FIRST_DAY, _LAST_DAY = pd.Timestamp("1678-01-01"), pd.Timestamp("2261-12-31")
_DATE_RULE = "not a date in YYYY-MM-DD form (years 1678 to 2261)"
_TRUE = ("true", "yes", "1")
_FALSE = ("false", "no", "0")


@dataclass
class ParsedColumn:
    values: pd.Series
    bad: np.ndarray  # cells given but invalid for the type
    rule: str  # what a bad cell breaks, in words
    naive: int = 0  # datetimes without offset, read as UTC
    # datetimes: the UTC offset each cell was written with, in minutes (NaN without one)
    utc_offset_minutes: pd.Series | None = None
    defaulted: int = 0  # empty cells filled with the contract default


def _raw_text(series: pd.Series) -> pa.ChunkedArray:
    """The cells as text, untrimmed; native values written the contract's way."""
    if not isinstance(series.dtype, pd.StringDtype):
        series = series.map(_cell_text, na_action="ignore")
    return as_arrow(series)


def _text(series: pd.Series) -> pa.ChunkedArray:
    return trim_text(_raw_text(series))


def _cell_text(value: object) -> object:
    # Native values from XLSX, Parquet or in-memory frames, written the way the
    # contract spells them so one string parser serves every source.
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(value)
        if ts.tzinfo is None and ts == ts.normalize():
            return ts.strftime("%Y-%m-%d")
        return ts.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return np.nan
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return str(value)


def _mask(array: pa.ChunkedArray) -> np.ndarray:
    return array.fill_null(False).to_numpy()


def parse_column(series: pd.Series, spec: ColumnSpec) -> ParsedColumn:
    """Parse one raw column according to its contract spec."""
    parser = _PARSERS[spec.type]
    parsed = parser(series, spec)
    if spec.default is not None:
        empty = parsed.values.isna().to_numpy() & ~parsed.bad
        parsed.defaulted = int(empty.sum())
        if parsed.defaulted:
            parsed.values = parsed.values.mask(empty, spec.default)
    return parsed


def _parse_string(series: pd.Series, spec: ColumnSpec) -> ParsedColumn:
    # The spreadsheet escape a CSV writer put in front of "=cmd" (or "'=x") is
    # not part of the value: removed before anything else, so ids, names and
    # free text round-trip through the package's own CSV writers.
    raw = unescape_text(_raw_text(series))
    if spec.case_folded:
        text = lower_text(trim_text(raw))
    elif spec.key:
        text = trim_text(raw)
    else:
        # Free text is kept exactly as typed; only blank becomes missing.
        blank = pc.is_null(trim_text(raw))
        text = pc.if_else(blank, pa.scalar(None, raw.type), raw) if pc.any(blank).as_py() else raw
    return ParsedColumn(text_series(text, series.index), np.zeros(len(series), dtype=bool), "")


def _folded(series: pd.Series) -> pa.ChunkedArray:
    """Trimmed, lower-cased text (empty as missing) of a column with few distinct values.

    The distinct values are normalised and spread back to the rows; when they
    need nothing (the usual case) the column is used as it is, uncopied.
    """
    raw = _raw_text(series)
    distinct = pc.unique(raw)
    folded = lower_text(trim_text(pa.chunked_array([distinct])))
    if folded.equals(pa.chunked_array([distinct])):
        return raw
    return folded.chunk(0).take(pc.index_in(raw, value_set=distinct))


def _parse_enum(series: pd.Series, spec: ColumnSpec) -> ParsedColumn:
    text = _folded(series)
    bad = pc.and_(pc.is_valid(text), pc.invert(pc.is_in(text, value_set=pa.array(spec.values, text.type))))
    if pc.any(bad).as_py():
        text = pc.if_else(bad, pa.scalar(None, text.type), text)
    return ParsedColumn(text_series(text, series.index), _mask(bad), f"must be one of: {', '.join(spec.values)}")


def _by_distinct(text: pa.ChunkedArray, parse) -> np.ndarray:
    """``parse`` applied to each distinct value of ``text`` once, spread back to the rows.

    ``parse`` takes a pandas Series of distinct strings and returns a numpy
    array of the same length; missing cells give the parser's missing value.
    """
    codes, dictionary = dictionary_codes(text)
    parsed = parse(pd.Series(dictionary.to_pylist() + [None], dtype=object))
    return parsed[np.where(codes < 0, len(dictionary), codes)]


def _within_range(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Naive timestamps (any unit) as datetime64[ns], and which were outside its range.

    Parquet and XLSX carry real timestamps, in units that reach far beyond
    what nanoseconds hold (a "9999-12-31" placeholder): those become bad cells.
    """
    seconds = values.astype("datetime64[s]")  # seconds reach any year: safe to compare
    outside = (seconds.notna() & ~seconds.between(_FIRST_DAY, _LAST_DAY + pd.Timedelta(days=1),
                                                  inclusive="left")).to_numpy()
    return values.where(~outside).astype("datetime64[ns]"), outside


def _date_values(text: pd.Series) -> np.ndarray:
    """Each "YYYY-MM-DD" as datetime64[ns] (NaT if not a real day, or outside pandas' range)."""
    shaped = text.str.fullmatch(_DATE_PATTERN).fillna(False).astype(bool)
    days, _ = _within_range(pd.to_datetime(text.where(shaped), format="%Y-%m-%d", errors="coerce"))
    return days.to_numpy()


def _parse_date(series: pd.Series, spec: ColumnSpec) -> ParsedColumn:
    rule = _DATE_RULE
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = series.dt.tz_localize(None) if series.dt.tz is not None else series
        values, bad = _within_range(values.dt.normalize())
        return ParsedColumn(values, bad, rule)
    text = _text(series)
    values = pd.Series(_by_distinct(text, _date_values), index=series.index)
    bad = _mask(pc.is_valid(text)) & values.isna().to_numpy()
    return ParsedColumn(values, bad, rule)


def _since(anchor: str, parts: pd.Series, pattern: str) -> np.ndarray:
    """Each part appended to ``anchor``, parsed by pandas, as time after the anchor (NaT if invalid)."""
    shaped = parts.str.fullmatch(pattern).fillna(False).astype(bool)
    stamps = pd.to_datetime(anchor + parts.where(shaped), format="ISO8601", utc=True, errors="coerce")
    return (stamps - pd.Timestamp(anchor, tz="UTC")).to_numpy("timedelta64[ns]")


def _clock_values(parts: pd.Series) -> np.ndarray:
    """Each "T09:30" (the hour and minute after the date) as time after midnight."""
    return _since("2000-01-01", parts, _CLOCK_PATTERN)


def _rest_values(parts: pd.Series) -> np.ndarray:
    """Each ":05.25+01:00" (seconds, fraction and offset, all optional) as a shift, and its offset.

    ``shift`` is the time after midnight UTC; ``offset`` is local minus UTC
    (NaT without an offset), so the writer's wall clock can be recovered.
    """
    shift = _since("2000-01-01T00:00", parts, _REST_PATTERN)
    with_offset = parts.str.contains(_OFFSET_PATTERN, regex=True).fillna(False).astype(bool).to_numpy()
    local = _since("2000-01-01T00:00", parts.str.replace(_OFFSET_PATTERN, "", regex=True), _REST_PATTERN)
    offset = np.where(with_offset, local - shift, np.timedelta64("NaT"))
    return np.rec.fromarrays([shift, with_offset, offset], names=["shift", "with_offset", "offset"])


def _parse_datetime(series: pd.Series, spec: ColumnSpec) -> ParsedColumn:
    rule = "not an ISO 8601 datetime (e.g. 2025-03-04T09:30:00+01:00)"
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        naive = series.dt.tz is None
        values = series.dt.tz_localize("UTC") if naive else series.dt.tz_convert("UTC")
        offset = (pd.Series(np.nan, index=series.index) if naive else
                  (series.dt.tz_localize(None) - values.dt.tz_localize(None)).dt.total_seconds() / 60)
        utc, bad = _within_range(values.dt.tz_localize(None))
        return ParsedColumn(
            utc.dt.tz_localize("UTC"),
            bad,
            rule,
            naive=int((series.notna().to_numpy() & ~bad).sum()) if naive else 0,
            utc_offset_minutes=offset.where(~bad).astype("float64"),
        )
    text = _text(series)
    days = _by_distinct(pc.utf8_slice_codeunits(text, 0, 10), _date_values)
    clocks = _by_distinct(pc.utf8_slice_codeunits(text, 10, 16), _clock_values)
    rests = _by_distinct(pc.utf8_slice_codeunits(text, 16), _rest_values)
    stamps = days + clocks + rests["shift"]
    values = pd.Series(stamps, index=series.index).dt.tz_localize("UTC")
    given = _mask(pc.is_valid(text))
    bad = given & values.isna().to_numpy()
    naive = int((~bad & given & ~rests["with_offset"]).sum())
    offset = pd.Series(rests["offset"], index=series.index).where(~bad).dt.total_seconds() / 60
    return ParsedColumn(values.astype("datetime64[ns, UTC]"), bad, rule, naive=naive,
                        utc_offset_minutes=offset.astype("float64"))


def _parse_bool(series: pd.Series, spec: ColumnSpec) -> ParsedColumn:
    rule = "not a boolean (true/false, yes/no, 1/0)"
    if pd.api.types.is_bool_dtype(series.dtype):
        return ParsedColumn(series.astype("boolean"), np.zeros(len(series), dtype=bool), rule)
    text = _folded(series)
    true = _mask(pc.is_in(text, value_set=pa.array(_TRUE, text.type)))
    false = _mask(pc.is_in(text, value_set=pa.array(_FALSE, text.type)))
    values = pd.Series(pd.arrays.BooleanArray(true, ~(true | false)), index=series.index)
    bad = _mask(pc.is_valid(text)) & ~(true | false)
    return ParsedColumn(values, bad, rule)


def _numbers(text: pa.ChunkedArray) -> np.ndarray:
    """Text as float64 (NaN where missing or not a number)."""
    try:
        # pyarrow's cast is exact and fast but all-or-nothing ...
        return pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        # ... so a column with a bad cell is parsed by pandas, cell by cell.
        return pd.to_numeric(pd.Series(text, dtype="str"), errors="coerce").to_numpy("float64", na_value=np.nan)


def _parse_number(series: pd.Series, spec: ColumnSpec) -> ParsedColumn:
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values = series.astype("float64")
        given = series.notna().to_numpy()
    else:
        text = _text(series)
        values = pd.Series(_numbers(text), index=series.index, dtype="float64")
        given = _mask(pc.is_valid(text))
    finite = np.isfinite(values.to_numpy())
    bad = given & ~finite
    rule = "not a number"
    if spec.minimum is not None:
        below = values < spec.minimum if not spec.exclusive_minimum else values <= spec.minimum
        bad |= below.to_numpy() & finite
        rule = f"must be a number {'>' if spec.exclusive_minimum else '>='} {spec.minimum:g}"
    if spec.type == "integer":
        with np.errstate(invalid="ignore"):  # inf % 1 is NaN; infinite cells are bad already
            fractional = finite & (values.to_numpy() % 1 != 0)
        bad |= fractional
        rule = rule.replace("a number", "a whole number")
        values = values.mask(bad).astype("Int64")
        return ParsedColumn(values, bad, rule)
    return ParsedColumn(values.mask(bad), bad, rule)


_PARSERS = {
    "string": _parse_string,
    "enum": _parse_enum,
    "date": _parse_date,
    "datetime": _parse_datetime,
    "bool": _parse_bool,
    "number": _parse_number,
    "integer": _parse_number,
}
