"""The spreadsheet escape every CSV writer uses: safe, and undone exactly by the reader."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pyarrow as pa

from engagement_analytics.safe_csv import (
    escape_cell,
    escape_frame,
    escape_text,
    unescape_cell,
    unescape_frame,
    unescape_text,
)

# Every string of up to four characters over the characters the rule is about.
ALPHABET = ["=", "+", "-", "@", "\t", "\r", "'", "a", "1", ".", " "]
ALL_SHORT = ["".join(chars) for n in range(5) for chars in itertools.product(ALPHABET, repeat=n)]


def test_escape_is_safe_and_unescape_returns_every_value(is_formula):
    values = pa.array(ALL_SHORT, type=pa.large_string())
    escaped = escape_text(values).to_pylist()
    assert not [cell for cell in escaped if is_formula(cell)]
    assert unescape_text(pa.array(escaped, type=pa.large_string())).to_pylist() == ALL_SHORT
    # Only cells that would be evaluated, or would lose a quote when read back, change.
    changed = [value for value, cell in zip(ALL_SHORT, escaped, strict=True) if value != cell]
    assert all(is_formula(value) or value[:2] in {"''", *(f"'{t}" for t in "=+-@\t\r")}
               for value in changed)
    assert all(cell == "'" + value for value, cell in zip(ALL_SHORT, escaped, strict=True)
               if value != cell)


def test_a_genuine_leading_quote_and_plain_numbers_are_written_as_they_are():
    for value in ("'Tis the season", "'; DROP TABLE meetings; --", "'", "-3.5", "+1e5", "-.5", "12"):
        assert escape_cell(value) == value
    assert escape_cell('=HYPERLINK("http://x.example","y")') == '\'=HYPERLINK("http://x.example","y")'
    assert unescape_cell("'=1+1") == "=1+1" and unescape_cell("''=1") == "'=1"
    assert [escape_cell(v) for v in ("-1+2", "--1", "-", "@x", "\tx")] == ["'-1+2", "'--1", "'-", "'@x", "'\tx"]


def test_escape_frame_leaves_numbers_alone_and_escapes_text_header_and_index():
    frame = pd.DataFrame(
        {"=name": ["=cmd", None, "ok"], "score": [-3.5, np.nan, 2.0], "mixed": [1, "-x", None]},
        index=pd.Index(["@e1", "e2", "e3"], name="engagement_id"),
    )
    written = escape_frame(frame).to_csv()
    assert written.splitlines() == [
        "engagement_id,'=name,score,mixed",
        "'@e1,'=cmd,-3.5,1",
        "e2,,,'-x",
        "e3,ok,2.0,",
    ]
    assert frame.loc["@e1", "=name"] == "=cmd"  # the caller's frame is not changed
    back = unescape_frame(escape_frame(frame, index=False))
    assert list(back.columns) == ["=name", "score", "mixed"] and back.loc["@e1", "=name"] == "=cmd"
