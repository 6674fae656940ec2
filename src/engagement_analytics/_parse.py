"""Turn raw cells into typed columns, one contract type at a time.

Every parser is vectorised and returns ``(typed, bad)``: the typed Series and
a boolean mask of cells that were given but are not valid for the type. An
empty cell is never "bad" here (required-ness is checked by the caller).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._arrow_ops import lower, trim_to_missing
from ._contract import ColumnSpec

__all__ = ["ParsedColumn", "parse_column", "as_text"]

_DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$"
_OFFSET_PATTERN = r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$"
_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
_TRUE = ("true", "yes", "1")
_FALSE = ("false", "no", "0")


@dataclass
class ParsedColumn:
    values: pd.Series
    bad: np.ndarray  # cells given but invalid for the type
    rule: str  # what a bad cell breaks, in words
    naive: int = 0  # datetimes without offset, read as UTC
    defaulted: int = 0  # empty cells filled with the contract default


def as_text(series: pd.Series) -> pd.Series:
    """Cells as trimmed strings (NaN for empty), whatever the source format gave."""
    if not isinstance(series.dtype, pd.StringDtype):
        series = series.map(_cell_text, na_action="ignore").astype("str")
    return trim_to_missing(series)


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


def parse_column(series: pd.Series, spec: ColumnSpec) -> ParsedColumn:
    """Parse one raw column according to its contract spec."""
    parser = _PARSERS[spec.type]
    parsed = parser(series, spec)
    if spec.default is not None:
        empty = parsed.values.isna() & ~parsed.bad
        parsed.defaulted = int(empty.sum())
        if parsed.defaulted:
            parsed.values = parsed.values.mask(empty, spec.default)
    return parsed


def _parse_string(series: pd.Series, spec: ColumnSpec) -> ParsedColumn:
    if spec.personal and spec.name != "name":
        # Person ids are usually e-mail addresses: compared case-insensitively.
        text = lower(as_text(series))
    elif spec.name.endswith("_id") or spec.name == "in_reply_to":
        text = as_text(series)  # keys: trimmed, so references match
    else:
        # Free text is kept exactly as typed; only empty becomes missing.
        text = series if isinstance(series.dtype, pd.StringDtype) else series.map(_cell_text, na_action="ignore").astype("str")
        text = text.mask(text.str.strip() == "")
    return ParsedColumn(text, np.zeros(len(text), dtype=bool), "")


def _parse_enum(series: pd.Series, spec: ColumnSpec) -> ParsedColumn:
    text = lower(as_text(series))
    bad = (text.notna() & ~text.isin(spec.values)).to_numpy()
    return ParsedColumn(text.mask(bad), bad, f"must be one of: {', '.join(spec.values)}")


def _parse_date(series: pd.Series, spec: ColumnSpec) -> ParsedColumn:
    rule = "not a date in YYYY-MM-DD form"
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = series.dt.tz_localize(None) if series.dt.tz is not None else series
        values = values.dt.normalize().astype("datetime64[ns]")
        return ParsedColumn(values, np.zeros(len(series), dtype=bool), rule)
    text = as_text(series)
    shaped = text.str.fullmatch(_DATE_PATTERN).fillna(False).astype(bool)
    values = pd.to_datetime(text.where(shaped), format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")
    bad = (text.notna() & values.isna()).to_numpy()
    return ParsedColumn(values, bad, rule)


def _parse_datetime(series: pd.Series, spec: ColumnSpec) -> ParsedColumn:
    rule = "not an ISO 8601 datetime (e.g. 2025-03-04T09:30:00+01:00)"
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        naive = series.dt.tz is None
        values = series.dt.tz_localize("UTC") if naive else series.dt.tz_convert("UTC")
        return ParsedColumn(
            values.astype("datetime64[ns, UTC]"),
            np.zeros(len(series), dtype=bool),
            rule,
            naive=int(series.notna().sum()) if naive else 0,
        )
    text = as_text(series)
    shaped = text.str.fullmatch(_DATETIME_PATTERN).fillna(False).astype(bool)
    values = pd.to_datetime(text.where(shaped), format="ISO8601", utc=True, errors="coerce")
    values = values.astype("datetime64[ns, UTC]")
    bad = (text.notna() & values.isna()).to_numpy()
    with_offset = text.str.contains(_OFFSET_PATTERN, regex=True).fillna(False).astype(bool)
    naive = int((values.notna() & ~with_offset).sum())
    return ParsedColumn(values, bad, rule, naive=naive)


def _parse_bool(series: pd.Series, spec: ColumnSpec) -> ParsedColumn:
    rule = "not a boolean (true/false, yes/no, 1/0)"
    if pd.api.types.is_bool_dtype(series.dtype):
        return ParsedColumn(series.astype("boolean"), np.zeros(len(series), dtype=bool), rule)
    text = lower(as_text(series))
    values = pd.Series(pd.NA, index=series.index, dtype="boolean")
    values[text.isin(_TRUE).to_numpy()] = True
    values[text.isin(_FALSE).to_numpy()] = False
    bad = (text.notna() & values.isna()).to_numpy()
    return ParsedColumn(values, bad, rule)


def _parse_number(series: pd.Series, spec: ColumnSpec) -> ParsedColumn:
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values = series.astype("float64")
        given = series.notna().to_numpy()
    else:
        text = as_text(series)
        values = pd.to_numeric(text, errors="coerce").astype("float64")
        given = text.notna().to_numpy()
    finite = np.isfinite(values.to_numpy())
    bad = given & ~finite
    rule = "not a number"
    if spec.minimum is not None:
        below = values < spec.minimum if not spec.exclusive_minimum else values <= spec.minimum
        bad |= below.to_numpy() & finite
        rule = f"must be a number {'>' if spec.exclusive_minimum else '>='} {spec.minimum:g}"
    if spec.type == "integer":
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
