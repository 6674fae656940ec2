"""What the pages make of a notebook's outputs: no console dumps, no cut tables, findings first.

Synthetic executed notebooks, no kernel: each test takes milliseconds.
"""

from __future__ import annotations

import re

import nbformat
import pandas as pd

from engagement_analytics import plots
from engagement_analytics.report._html import SectionPage, render_report
from engagement_analytics.report._prepare import MAX_TEXT_LINES, prepare

HOSTILE = "<img src=x onerror=alert(1)>"
FIGURE = {"data": [{"type": "bar", "x": [1, 2], "y": [3, 4]}], "layout": {}}


def _code(*outputs, tags=()):
    cell = nbformat.v4.new_code_cell("x", outputs=list(outputs))
    cell.metadata["tags"] = list(tags)
    return cell


def _display(data, metadata=None):
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})


def _stream(text):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def _notebook(*cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Title\n\nWhat it is about."), *cells]
    return notebook


def _findings_output(n_findings=2):
    result = type("Result", (), {})()
    result.n, result.events, result.outcome = 40, 12, "failed"
    result.window = "first 40% of each engagement's planned schedule, as of 2026-06-30; closed ones end early"
    result.findings = [f"Finding {i} {HOSTILE}." for i in range(n_findings)]
    result.non_findings = ["No evidence that overselling goes with failure."]
    data, = [plots.findings_summary(result)._repr_mimebundle_()]
    return _display(data)


def test_long_text_is_folded_and_short_text_stays():
    long_text = "\n".join(f"line {i}" for i in range(MAX_TEXT_LINES + 1)) + "\n"
    short_text = "\n".join(f"line {i}" for i in range(MAX_TEXT_LINES)) + "\n"
    prepared = prepare(_notebook(_code(_stream(long_text)), _code(_stream(short_text)),
                                 _code(_display({"text/plain": "\n".join([HOSTILE] * 20)}))), prefix="s-")
    folded, kept, plain = (cell.outputs[0] for cell in prepared.notebook.cells[1:])
    assert folded["data"]["text/html"].startswith('<details class="ea-text"><summary>Text output (16 lines)')
    assert kept["output_type"] == "stream"
    assert "<img" not in plain["data"]["text/html"] and "&lt;img" in plain["data"]["text/html"]


def test_a_table_pandas_cut_short_is_left_out_with_a_note():
    cut = pd.DataFrame({"x": range(100)})._repr_html_()  # pandas shows 10 of 100 rows
    prepared = prepare(_notebook(_code(_display({"text/html": cut, "text/plain": "..."}))), prefix="s-")
    shown = prepared.notebook.cells[1].outputs[0]["data"]["text/html"]
    assert "<table" not in shown
    assert "A table of 100 rows and 1 columns is left out here" in shown
    whole = plots.table(pd.DataFrame({"x": range(100)}))._repr_mimebundle_()
    prepared = prepare(_notebook(_code(_display(whole))), prefix="s-")
    assert prepared.notebook.cells[1].outputs[0]["data"] == whole  # the full table stays


def test_ids_are_unique_in_a_page_of_several_sections_and_families_get_anchors():
    family_table = plots.table(pd.DataFrame({"x": [1]}), family="going_dark")._repr_mimebundle_()
    notebook = _notebook(
        nbformat.v4.new_markdown_cell("## Going dark\n\nSilences."),
        _code(_display({"application/vnd.plotly.v1+json": FIGURE})),
        _code(_display(*family_table)),
        nbformat.v4.new_markdown_cell("## Going dark"),  # the same heading twice
    )
    prepared = prepare(notebook, prefix="05_x-", shift=1)
    assert [(h.level, h.text, h.anchor) for h in prepared.headings] == [
        (1, "Title", "05_x-title"), (2, "Going dark", "05_x-going-dark"),
        (2, "Going dark", "05_x-going-dark-2")]
    assert prepared.families == {"going_dark": "05_x-family-going-dark"}
    heading = prepared.notebook.cells[1].source
    assert heading.startswith('<a class="ea-anchor" id="05_x-going-dark"></a>'
                              '<a class="ea-anchor" id="05_x-family-going-dark"></a>\n\n### Going dark')
    assert 'id="05_x-figure-1"' in prepared.notebook.cells[2].outputs[0]["data"]["text/html"]
    assert prepared.figures == 1


def test_the_report_lists_one_item_per_finding_first_with_the_summary_figure(tmp_path):
    drivers = _notebook(_code(_findings_output(3), tags=["findings"]),
                        _code(_display({"application/vnd.plotly.v1+json": FIGURE}), tags=["summary-figure"]))
    data = _notebook(_code(_stream("read 10 rows\n")))
    html = render_report(sections=[SectionPage("01_data", "Data", None, data),
                                   SectionPage("06_drivers", "Drivers", None, drivers)],
                         bundle_name=HOSTILE, run_date="2026-12-02")
    findings = html[html.index('<ol id="findings"'):html.index("</ol>", html.index('<ol id="findings"'))]
    assert findings.count("<li>") == 3
    assert html.count('<ul id="non-findings"') == 1
    assert "<img" not in html.replace(plots_js(), "")  # the bundle name and findings are escaped
    assert html.index('id="findings"') < html.index('id="summary-figure"') < html.index('id="01_data"')
    assert "The findings are listed at the top of the report" in html  # not twice in full
    links = re.findall(r'href="([^"]*)"', html.replace(plots_js(), ""))
    assert links and all(link.startswith("#") for link in links)


def test_a_findings_cell_with_a_markdown_list_gives_one_item_per_bullet():
    legacy = _display({"text/markdown": "Window: the first weeks\n\n- First **finding**.\n- Second.",
                       "text/plain": "<Markdown>"})
    prepared = prepare(_notebook(_code(legacy, tags=["findings"])), prefix="06-")
    assert [item["text"] for item in prepared.findings["findings"]] == ["First finding.", "Second."]
    assert prepared.findings["analysed"] == "Window: the first weeks"


def plots_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()
