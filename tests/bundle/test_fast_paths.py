"""The loader's fast paths agree with the plain pandas way of doing the same thing.

Dates and datetimes are parsed per distinct part, text is trimmed only when
an edge holds whitespace, numbers go through pyarrow's cast first, and
duplicate keys are found by sorting. Each test below builds many awkward
cells and compares the result with a reference written directly in pandas
(whole-string regex plus ``pd.to_datetime``, ``str.strip``, ``pd.to_numeric``,
``DataFrame.duplicated``), so a shortcut that changes a value or a verdict fails.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from engagement_analytics._contract import TABLES
from engagement_analytics.bundle._arrow_ops import has_duplicates
from engagement_analytics.bundle._parse import parse_column

# The contract's datetime shape, written once here as a whole-string pattern.
_WHOLE_DATETIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?"
_NS_RANGE = (pd.Timestamp("1678-01-01", tz="UTC"), pd.Timestamp("2262-01-01", tz="UTC"))


def _spec(table: str, column: str):
    return next(c for c in TABLES[table].columns if c.name == column)


def trim_to_missing(raw: pd.Series) -> pd.Series:
    """What the loader makes of a key column's cells: trimmed, blank as missing."""
    return parse_column(raw, _spec("meetings", "meeting_id")).values


def _cells(parts: list[list[str]], n: int, seed: int) -> list[str]:
    """``n`` strings glued from one choice per part; the first choice of each part half of the time."""
    rng = np.random.default_rng(seed)
    return ["".join(p[0] if rng.random() < 0.5 else p[rng.integers(len(p))] for p in parts) for _ in range(n)]


DAYS = ["2024-06-25", "1999-12-31", "2024-02-29", "2023-02-29", "2024-02-30", "2024-13-01",
        "1677-01-01", "2262-05-01", "2024-6-25", "2024-06-2", "２０２４-06-25"]
SEPARATORS = ["T", " ", "t", "", "TT"]
CLOCKS = ["09:30", "23:59", "24:00", "00:00", "9:30", "12:60", "25:00", "0930"]
SECONDS = ["", ":00", ":59", ":60", ":5", ":07.5", ":07.123456789", ":07.1234567891", "."]
OFFSETS = ["", "Z", "z", "+01:00", "-04:00", "+0130", "+05", "+14:00", "+24:00", "-00:60", "+1", "Q", " x"]


def test_datetimes_parsed_by_parts_equal_pandas_on_whole_strings():
    cells = _cells([DAYS, SEPARATORS, CLOCKS, SECONDS, OFFSETS], 20_000, seed=1)
    cells += [None, "", "  ", " 2024-06-25T10:00Z ", "2024-06-25", "2024-06-25T10:00:00+01:00junk"]
    raw = pd.Series(cells, dtype="str")
    parsed = parse_column(raw, _spec("meetings", "start"))

    text = raw.str.strip().replace("", np.nan)
    shaped = text.str.fullmatch(_WHOLE_DATETIME).fillna(False).astype(bool)
    expected = pd.to_datetime(text.where(shaped), format="ISO8601", utc=True, errors="coerce")
    expected = expected.where(expected.between(*_NS_RANGE)).astype("datetime64[ns, UTC]")

    assert parsed.values.notna().sum() > 3000  # the cells exercise the valid path too
    pd.testing.assert_series_equal(parsed.values, expected, check_names=False)
    np.testing.assert_array_equal(parsed.bad, (text.notna() & expected.isna()).to_numpy())
    has_offset = text.str.contains(r"(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)$").fillna(False).astype(bool)
    assert parsed.naive == int((expected.notna() & ~has_offset).sum())
    # The offset each valid cell was written with, as pandas reads it from that cell alone.
    valid = expected.notna() & has_offset
    written = [pd.Timestamp(cell).utcoffset().total_seconds() / 60 for cell in text[valid]]
    np.testing.assert_array_equal(parsed.utc_offset_minutes[valid].to_numpy(), written)
    assert parsed.utc_offset_minutes[~valid].isna().all()


def test_dates_parsed_once_per_distinct_value_equal_pandas():
    cells = _cells([DAYS, ["", " ", "T00:00", "x"]], 5_000, seed=2) + [None, "", "9999-12-31", "0001-01-01"]
    raw = pd.Series(cells, dtype="str")
    parsed = parse_column(raw, _spec("commitments", "due_date"))

    text = raw.str.strip().replace("", np.nan)
    shaped = text.str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fillna(False).astype(bool)
    expected = pd.to_datetime(text.where(shaped), format="%Y-%m-%d", errors="coerce")
    expected = expected.where(expected.between(_NS_RANGE[0].tz_localize(None), _NS_RANGE[1].tz_localize(None)))

    assert parsed.values.notna().sum() > 1000
    pd.testing.assert_series_equal(parsed.values, expected.astype("datetime64[ns]"), check_names=False)
    np.testing.assert_array_equal(parsed.bad, (text.notna() & expected.isna()).to_numpy())


@pytest.mark.parametrize("edge", [" ", "\t", "\n", "\r", "\v", "\f", "\x1c", "\x1f", "\x85", "\u00a0",
                                  "\u2003", "\u3000"])
@pytest.mark.parametrize("where", ["left", "right", "both"])
@pytest.mark.parametrize("rest", ["ascii", "non-ascii"])
def test_trim_removes_each_kind_of_edge_whitespace_like_str_strip(edge, where, rest):
    # The other cells must not change the verdict: an all-ASCII column and one
    # with an accented value take different paths through pyarrow.
    clean = ["a@b.example", "c d", "", None, "x" if rest == "ascii" else "é"] * 3
    padded = (edge if where != "right" else "") + "Mixed Case" + (edge if where != "left" else "")
    raw = pd.Series(clean + [padded, edge, edge * 2], dtype="str")
    expected = raw.str.strip().replace("", np.nan)
    pd.testing.assert_series_equal(trim_to_missing(raw), expected)


def test_control_characters_that_are_not_whitespace_are_kept():
    raw = pd.Series(["\x00x", "x\u200b", "!x", " !x", "\x01"], dtype="str")
    pd.testing.assert_series_equal(trim_to_missing(raw), pd.Series(["\x00x", "x\u200b", "!x", "!x", "\x01"],
                                                                   dtype="str"))


def test_text_without_edge_whitespace_is_kept_as_it_is():
    raw = pd.Series(["a b", "inner\ttab", "", None, "ü"], dtype="str")
    pd.testing.assert_series_equal(trim_to_missing(raw), pd.Series(["a b", "inner\ttab", None, None, "ü"], dtype="str"))


NUMBERS = ["30", " 45.5 ", "1e3", "-1", "0", "+5", "5.", ".5", "1,000", "1_000", "0x10", "inf", "-inf",
           "nan", "NaN", "1e400", "abc", "", None, "12 ", "٣"]


@pytest.mark.parametrize("column", [("meetings", "duration_minutes"), ("engagements", "sold_deliverables")])
def test_numbers_cast_by_pyarrow_agree_with_pandas_to_numeric(column):
    spec = _spec(*column)
    # Every single awkward cell alone (the cast either takes the column or hands it to pandas) ...
    columns = [[value, "7"] for value in NUMBERS]
    # ... and all of them together.
    columns.append(NUMBERS)
    for cells in columns:
        raw = pd.Series(cells, dtype="str")
        parsed = parse_column(raw, spec)
        text = raw.str.strip().replace("", np.nan)
        reference = pd.to_numeric(text, errors="coerce").astype("float64")
        given = text.notna().to_numpy()
        finite = np.isfinite(reference.to_numpy())
        accepted = ~parsed.bad & given
        # A cell the cast accepts is a finite number pandas reads the same way.
        np.testing.assert_array_equal(parsed.values.astype("float64").to_numpy()[accepted],
                                      reference.to_numpy()[accepted])
        assert (finite[accepted]).all(), cells
        # A cell pandas reads as a finite number that meets the minimum is never called bad.
        minimum = -np.inf if spec.minimum is None else spec.minimum
        meets_minimum = finite & (reference.to_numpy() > minimum if spec.exclusive_minimum
                                  else reference.to_numpy() >= minimum)
        whole = np.ones(len(raw), bool)
        if spec.type == "integer":
            whole = np.floor(reference.to_numpy()) == reference.to_numpy()
        assert not (parsed.bad & meets_minimum & whole).any(), cells


@pytest.mark.parametrize("columns", [["a"], ["a", "b"], ["a", "b", "c"]])
@pytest.mark.parametrize("int64_key", [True, False])
def test_duplicate_keys_found_by_sorting_match_pandas_duplicated(columns, int64_key, monkeypatch):
    if not int64_key:  # as if the combined key did not fit in an int64: rows are sorted instead
        monkeypatch.setattr("engagement_analytics.bundle._arrow_ops._INT64_KEYS", 1)
    rng = np.random.default_rng(3)
    for n, alphabet in itertools.product([0, 1, 2, 50, 2_000], [["x", "y"], list("abcdefghij"), None]):
        if alphabet is None:
            values = {c: [f"id{i}-{c}" for i in range(n)] for c in "abc"}  # all distinct
        else:
            values = {c: list(rng.choice(alphabet + [None], size=n)) for c in "abc"}
        frame = pd.DataFrame({c: pd.Series(v, dtype="str") for c, v in values.items()})
        complete = frame[columns].dropna()
        expected = bool(complete.duplicated().any())
        assert has_duplicates(frame, columns) is expected, (n, alphabet)


def test_native_datetimes_keep_the_offset_of_their_own_zone():
    # Parquet or XLSX can carry zoned timestamps: Paris is +60 in winter and +120 in summer.
    zoned = pd.Series(pd.to_datetime(["2025-01-08 09:00", "2025-07-08 09:00", None]).tz_localize("Europe/Paris"))
    parsed = parse_column(zoned, _spec("communications", "sent_at"))
    assert parsed.values.dt.hour.tolist()[:2] == [8, 7]
    assert parsed.utc_offset_minutes.tolist()[:2] == [60.0, 120.0] and np.isnan(parsed.utc_offset_minutes[2])
    naive = parse_column(zoned.dt.tz_localize(None), _spec("communications", "sent_at"))
    assert naive.utc_offset_minutes.isna().all() and naive.naive == 2
