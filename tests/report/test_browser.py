"""Rendered reports open in a real headless Chromium, offline, safely, completely and readably.

Each report is built once per session (notebook execution dominates the cost).
Every page (report.html, the index, each section) is opened at 1280 px and
checked: figures drawn, no console error, no request leaving the machine, no
sideways scroll, no visible text block over 15 lines, no table with rows left
out, and report.html lists one ``#findings`` item per finding of the drivers.
Run with ``pytest -m browser tests/report``.
"""

import csv
import re
from pathlib import Path

import nbformat
import pytest

from engagement_analytics.report import build_report
from engagement_analytics.report._html import render_notebook

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
WIDTH = 1280  # a laptop browser window, as a partner opens the report
MAX_PRE_LINES = 15
MAX_REPORT_BYTES = 8_000_000  # report.html of data/sample, one file to send

# What a reader sees, measured in the page: sideways overflow, visible <pre> blocks and
# their lines, tables with rows left out (pandas' "..." rows, or fewer rows than the
# table says it has), and the findings list.
INSPECT = """(maxLines) => {
  // false inside a closed <details> too (its content is content-visibility: hidden)
  const visible = (el) => el.checkVisibility({visibilityProperty: true});
  const pres = Array.from(document.querySelectorAll("pre")).filter(visible)
    .map((pre) => pre.textContent.replace(/\\n+$/, "").split("\\n").length);
  const dotted = Array.from(document.querySelectorAll("td, th"))
    .filter((cell) => ["...", "\u2026"].includes(cell.textContent.trim())).length;
  const short = Array.from(document.querySelectorAll(".ea-table[data-rows]"))
    .filter((box) => box.querySelectorAll("tbody tr").length !== Number(box.dataset.rows)).length;
  const cut = Array.from(document.querySelectorAll("p"))
    .filter((p) => /^\\d+ rows × \\d+ columns$/.test(p.textContent.trim())).length;
  const findings = document.querySelector("#findings");
  return {
    scrollWidth: document.documentElement.scrollWidth,
    longPres: pres.filter((lines) => lines > maxLines),
    truncated: dotted + short + cut,
    tables: document.querySelectorAll("table").length,
    findings: findings ? findings.querySelectorAll(":scope > li").length : null,
  };
}"""




@pytest.fixture(scope="session")
def sample_report(tmp_path_factory):
    if not SAMPLE.exists():
        pytest.fail(f"{SAMPLE} is missing: generate the sample bundle first")
    return build_report(SAMPLE, out_dir=tmp_path_factory.mktemp("sample-report"), progress=False)


@pytest.fixture(scope="session")
def hostile_report(tmp_path_factory, tiny_bundle_writer):
    bundle = tmp_path_factory.mktemp("hostile-bundle")
    people = tiny_bundle_writer(bundle, n=30)
    result = build_report(bundle, out_dir=tmp_path_factory.mktemp("hostile-report"),
                          progress=False)
    return result, people, bundle


def open_page(browser, path: Path) -> dict:
    """Load a page from file:// with every other request blocked; report what happened."""
    seen = {"errors": [], "requests": [], "dialogs": []}
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})
    page.on("console", lambda msg: seen["errors"].append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("file://", "data:", "blob:", "about:")):
            request_route.continue_()
        else:
            seen["requests"].append(url)
            request_route.abort()

    page.route("**/*", route)
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(300)  # let plotly finish drawing
    seen["plots"] = page.locator(".js-plotly-plot").count()
    # plotly draws several .main-svg per figure, so count the figures holding one
    seen["drawn"] = page.locator(".js-plotly-plot", has=page.locator(".main-svg")).count()
    seen["text"] = page.inner_text("body")
    seen.update(page.evaluate(INSPECT, MAX_PRE_LINES))
    page.close()
    return seen


def check_page(seen: dict, name: str, *, figures: int | None = None) -> None:
    """What every page must be: quiet, offline, drawn, readable at 1280 px."""
    assert seen["errors"] == [], f"{name}: console errors {seen['errors'][:3]}"
    assert seen["requests"] == [], f"{name}: requests left the machine {seen['requests'][:3]}"
    assert seen["dialogs"] == [], f"{name}: a dialog fired"
    assert seen["drawn"] == seen["plots"], f"{name}: {seen['drawn']} of {seen['plots']} figures drawn"
    if figures is not None:
        assert seen["plots"] == figures, f"{name}: {seen['plots']} of {figures} figures"
    assert seen["scrollWidth"] <= WIDTH, f"{name}: the page scrolls sideways ({seen['scrollWidth']} px)"
    assert seen["longPres"] == [], f"{name}: visible text blocks of {seen['longPres']} lines"
    assert seen["truncated"] == 0, f"{name}: {seen['truncated']} tables with rows left out"


def check_pages(browser, result) -> dict:
    """Open every page of a report; return what report.html showed."""
    assert result.sections, "no section was rendered"
    for section in result.sections:
        check_page(open_page(browser, section.html_path), section.html_path.name,
                   figures=section.figures)
    check_page(open_page(browser, result.index_path), "index.html", figures=0)
    report = open_page(browser, result.report_path)
    check_page(report, "report.html")
    # every section's figures, and the summary figure when the findings have one
    assert report["plots"] - sum(s.figures for s in result.sections) in (0, 1)
    return report


def test_sample_report_pages_render_offline_with_every_figure(browser, sample_report):
    from engagement_analytics import drivers, load_bundle

    assert sample_report.ok, [s.error for s in sample_report.failed]
    assert sum(s.figures for s in sample_report.sections) > 0
    report = check_pages(browser, sample_report)
    # one item per finding of the drivers' JSON, as the notebook computes them
    expected = drivers.analyze(load_bundle(SAMPLE, lenient=True), random_state=0).to_dict()
    assert report["findings"] == len(expected["findings"]) > 0
    assert report["tables"] > 0
    assert sample_report.report_path.stat().st_size < MAX_REPORT_BYTES


def _raw_people(bundle: Path) -> set[str]:
    with open(bundle / "stakeholders.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    values = set()
    for row in rows:
        for key, value in row.items():
            if key.strip().lower() in {"person_id", "name"} and value and len(value) > 3:
                values.add(value)
    return values


def _pages(result) -> list[Path]:
    return [result.report_path, result.index_path, *(s.html_path for s in result.sections)]


def _content(path: Path) -> str:
    """A page without the inlined plotly.js library (the same 4.6 MB on every page, no data)."""
    from plotly.offline import get_plotlyjs

    return path.read_text(encoding="utf-8").replace(get_plotlyjs(), "")


def test_sample_report_shows_no_person_id_or_name(sample_report):
    people = _raw_people(SAMPLE)
    assert people, "stakeholders.csv holds no person ids to look for"
    for path in _pages(sample_report):
        text = _content(path)
        leaked = sorted(value for value in people if value in text)
        assert not leaked, f"{path.name} shows personal data: {len(leaked)} values"


def test_hostile_titles_and_ids_show_as_text_and_never_run(browser, hostile_report, hostile_text):
    result, people, _ = hostile_report
    assert len(result.sections) == 7, [s.html_path.name for s in result.sections]
    check_pages(browser, result)  # no dialog fired on any page
    data_page = open_page(browser, result.sections[0].html_path)
    assert hostile_text in data_page["text"]  # the practice names are shown, as text
    for path in _pages(result):
        html = path.read_text(encoding="utf-8").lower()
        assert hostile_text not in html, f"{path.name} carries the raw hostile HTML"
        assert "<img src=x" not in html and "<script>alert" not in html, path.name
        assert "@tiny-client.example" not in html, f"{path.name} shows an e-mail address"
        leaked = [value for value in people["ids"] + people["names"] if value.lower() in html]
        assert not leaked, f"{path.name} shows personal data: {len(leaked)} values"


def test_an_undrawn_figure_is_caught(browser, tmp_path):
    # two figure divs, plotly's three svgs drawn in the first only
    drawn = '<div class="js-plotly-plot">' + '<svg class="main-svg"></svg>' * 3 + "</div>"
    page = tmp_path / "page.html"
    page.write_text(f'<html><body>{drawn}<div class="js-plotly-plot"></div></body></html>')
    seen = open_page(browser, page)
    assert seen["plots"] == 2
    assert seen["drawn"] == 1


def test_table_headers_sort_whole_numbers_numerically_and_other_cells_as_text(browser, tmp_path):
    cells = ["300-1", "2024-3", "10", "9", "1,000"]
    table = "".join(f"<tr><td>{cell}</td></tr>" for cell in cells)
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
        "display_data",
        data={"text/html": f'<table class="dataframe"><thead><tr><th>id</th></tr></thead>'
                           f"<tbody>{table}</tbody></table>"},
    )]))
    html, _ = render_notebook(notebook, title="sorting")
    path = tmp_path / "sorting.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page()
    page.goto(path.as_uri())
    page.click("table.dataframe th")
    shown = page.locator("table.dataframe tbody td").all_inner_texts()
    page.close()
    # numbers 9 < 10 < 1000 first, then the text cells in text order ("2" < "3")
    assert shown == ["9", "10", "1,000", "2024-3", "300-1"]


def test_pages_fetch_nothing_from_a_cdn(sample_report):
    remote = re.compile(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", re.I)
    for section in sample_report.sections:
        html = section.html_path.read_text(encoding="utf-8")
        assert not remote.search(html), f"{section.html_path.name}: {remote.search(html)}"
        # plotly.js is inlined exactly once when the page has figures
        assert html.count("plotly.js v") == (1 if section.figures else 0), section.html_path.name
    report = sample_report.report_path.read_text(encoding="utf-8")
    assert not remote.search(report)
    assert report.count("plotly.js v") == 1  # once for all sections
    # the file people send links only inside itself
    links = re.findall(r'href="([^"]*)"', _content(sample_report.report_path))
    assert links and all(link.startswith("#") for link in links), [x for x in links if x[:1] != "#"]


def test_a_failing_section_is_reported_not_crashed(tmp_path, tiny_bundle_writer):
    bundle = tmp_path / "bundle"
    tiny_bundle_writer(bundle, n=6)
    (bundle / "meetings.csv").unlink()  # a required table: the notebook cannot load the bundle
    result = build_report(bundle, out_dir=tmp_path / "out", notebooks=["01"], progress=False)
    assert not result.ok
    [section] = result.sections
    assert "meetings" in section.error
    page = section.html_path.read_text(encoding="utf-8")
    assert "This section could not be computed" in page
    assert "Traceback" not in page
    index = result.index_path.read_text(encoding="utf-8")
    assert "could not be computed" in index and "The findings could not be summarised" in index


def _main(path: Path) -> str:
    """A page's content without its contents list (which names the other sections built)."""
    html = path.read_text(encoding="utf-8")
    return html[html.index('<main class="ea-main">'):html.index("</main>")]


def _section(path: Path, stem: str) -> str:
    html = path.read_text(encoding="utf-8")
    start = html.index(f'<section id="{stem}"')
    return html[start:html.index("</section>", start)]


def test_rebuilding_gives_identical_pages(tmp_path, hostile_report):
    result, _, bundle = hostile_report
    again = build_report(bundle, out_dir=tmp_path, notebooks=["01"], progress=False)
    assert _main(again.sections[0].html_path) == _main(result.sections[0].html_path)
    stem = result.sections[0].html_path.stem
    assert _section(again.report_path, stem) == _section(result.report_path, stem)

