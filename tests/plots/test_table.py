"""plots.table: every row as escaped HTML for readers, the exact text for nbval."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from engagement_analytics import plots

HOSTILE = "<img src=x onerror=alert(1)>"


def _rows(html: str) -> int:
    return len(re.findall(r"<tr>", html.split("<tbody>", 1)[1]))


def test_the_text_is_exactly_what_print_showed_and_the_html_has_every_row():
    frame = pd.DataFrame({"week": np.arange(1.0, 101.0), "value": np.linspace(0, 1, 100)})
    shown = plots.table(frame, index=False)
    assert repr(shown) == frame.to_string(index=False)
    data = shown._repr_mimebundle_()
    assert data["text/plain"] == frame.to_string(index=False)
    assert _rows(data["text/html"]) == 100  # pandas' own HTML would show 10 of them
    assert "..." not in data["text/html"]
    series = pd.Series([3, 4], index=pd.Index(["a", "b"], name="table"), name="rows")
    assert repr(plots.table(series)) == series.to_string()


def test_long_tables_start_collapsed_under_their_caption():
    long = plots.table(pd.DataFrame({"x": range(plots.COLLAPSE_ROWS + 1)}), caption="Numbers")
    short = plots.table(pd.DataFrame({"x": range(3)}), caption="Numbers")
    assert long.html.count("<details>") == 1
    assert f"<summary>Numbers ({plots.COLLAPSE_ROWS + 1} rows × 1 column)</summary>" in long.html
    assert "<details>" not in short.html and "Numbers (3 rows × 1 column)" in short.html
    assert "<details>" in plots.table(pd.DataFrame({"x": [1]}), collapsed=True).html


def test_text_from_the_data_is_escaped_everywhere():
    frame = pd.DataFrame({HOSTILE: [HOSTILE]}, index=pd.Index([HOSTILE], name=HOSTILE))
    html = plots.table(frame, caption=HOSTILE, collapsed=True).html
    assert "<img" not in html
    # caption, index and column headers, index and value cells
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") == 5


def test_signals_show_by_their_plain_labels_with_the_code_as_tooltip():
    frame = pd.DataFrame({"signal": ["sponsor_steering_attendance_rate"], "family": ["sponsor_absence"],
                          "risk_difference": [0.305]})
    html = plots.table(frame).html
    assert '<span title="sponsor_steering_attendance_rate" class="ea-label">' \
           "sponsor attendance at steering meetings</span>" in html
    assert ">Sponsor absence</span>" in html
    assert '<th scope="col" title="risk_difference">risk difference</th>' in html
    assert ">sponsor_steering_attendance_rate<" not in html
    custom = plots.table(frame, labels={"risk_difference": "difference (SD)"}).html
    assert '<th scope="col" title="risk_difference">difference (SD)</th>' in custom


@pytest.mark.parametrize(("value", "text"), [
    (0, "0"), (1.3222, "1.32"), (0.0123456, "0.0123"), (12.34, "12.3"), (999.6, "1,000"),
    (12345.6, "12,346"), (0.00004, "<0.001"), (-0.00004, ">-0.001"), (-2.5, "-2.5"),
])
def test_numbers_are_rounded_for_reading(value, text):
    assert plots.readable_number(value) == text


def test_columns_read_as_counts_percentages_yes_no_or_three_digits_and_sort_by_the_exact_value():
    frame = pd.DataFrame({
        "n": [76.0, 163.0],
        "sponsor_decline_rate": [0.3204, 0.995],  # a share signal: percentages
        "sponsor_named": [1.0, 0.0],  # a yes/no signal
        "mean": [1.32222, np.nan],
        "filled": [0.004, 1.0],
    })
    html = plots.table(frame, shares=["filled"]).html
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert cells == ["76", "32%", "yes", "1.32", "&lt;1%", "163", "99.5%", "no", "–", "100%"]
    assert 'data-sort="1.32222"' in html and 'data-sort="0.3204"' in html
    assert '<td class="ea-num ea-na" title="no value">–</td>' in html  # NaN: no sort value


def test_a_family_table_marks_where_its_section_starts():
    shown = plots.table(pd.DataFrame({"x": [1]}), family="overselling")
    data, metadata = shown._repr_mimebundle_()
    assert metadata == {plots.METADATA_KEY: {"family": "overselling"}}
    assert set(data) == {"text/plain", "text/html"}
    assert isinstance(plots.table(pd.DataFrame({"x": [1]}))._repr_mimebundle_(), dict)
    with pytest.raises(TypeError, match="DataFrame or Series"):
        plots.table([1, 2])
