"""Render prepared notebooks into the report's pages: sections, the index, report.html.

nbconvert renders only the cells of a section (``templates/cells.html.j2``);
the page around them is the report's own (``templates/page.html.j2``, with
``report.css`` and ``report.js`` inlined), the same for every page, so each
page opens from ``file://`` with no network. plotly.js is inlined once per
page that has figures, and the same input gives byte-identical HTML.
Everything that comes from the data is escaped: the Jinja environment
autoescapes, and the report's own markup is built here with
:func:`html.escape`.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..plots import family_label
from ._prepare import Prepared, figure_html, notebook_title, prepare

__all__ = [
    "REPORT_TITLE",
    "SectionPage",
    "findings_html",
    "notebook_title",
    "render_index",
    "render_notebook",
    "render_report",
    "render_section",
]

TEMPLATES_DIR = Path(__file__).with_name("templates")
REPORT_TITLE = "Engagement analytics report"
_NO_FINDINGS = ("The findings could not be summarised: the section that computes them "
                "was not computed (see the contents).")


@dataclass(frozen=True)
class SectionPage:
    """One section as the pages show it."""

    stem: str  # "02_sponsor_absence": its page is f"{stem}.html"
    title: str
    error: str | None
    notebook: nbformat.NotebookNode | None  # executed, possibly partial; None if it never ran

    @property
    def file_name(self) -> str:
        return f"{self.stem}.html"


@functools.cache
def _asset(name: str) -> str:
    return (TEMPLATES_DIR / name).read_text(encoding="utf-8")


@functools.cache
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
        keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
    )


def _page(*, kind: str, title: str, bundle_name: str, run_date: str, content: str,
          toc: list[dict], links: list[dict], figures: int) -> str:
    from plotly.offline import get_plotlyjs

    return _environment().get_template("page.html.j2").render(
        kind=kind, title=title, report_title=REPORT_TITLE, bundle_name=bundle_name,
        run_date=run_date, content=content, toc=toc, links=links,
        css=_asset("report.css"), js=_asset("report.js"),
        plotly_js=get_plotlyjs() if figures else "",
    )


def _cells_html(prepared: Prepared) -> str:
    """The section's cells as HTML (code hidden), through nbconvert."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        extra_template_paths=[str(TEMPLATES_DIR)],
        template_file="cells.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,  # headings get the report's own ids (see _prepare)
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(prepared.notebook)
    return body


def _empty_notebook(title: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_markdown_cell(f"# {title}"))
    return notebook


def _prepared(section: SectionPage, *, shift: int) -> Prepared:
    notebook = section.notebook if section.notebook is not None else _empty_notebook(section.title)
    return prepare(notebook, prefix=f"{section.stem}-", error=section.error, shift=shift)


def _escape(text: object) -> str:
    return html.escape(str(text), quote=True)


def findings_html(findings: dict | None, *, link: Callable[[str | None], tuple[str, str] | None],
                  figure: str = "") -> str:
    """The top of a report: what was compared, the findings (``#findings``), the non-findings.

    Parameters
    ----------
    findings : dict or None
        The findings payload (``plots.FindingsSummary.payload``); None when
        the section computing it failed.
    link : callable
        Family (or None) -> (href, section title) of the place to read more, or None.
    figure : str
        HTML of the summary figure, shown under the lists.
    """
    if not findings:
        return f'<p class="ea-note" id="findings-missing">{_escape(_NO_FINDINGS)}</p>'
    parts = []
    analysed = findings.get("analysed") or ""
    notes = " ".join(f"{n[:1].upper()}{n[1:]}." for n in findings.get("analysed_notes") or [])
    if analysed:
        parts.append(
            f'<p class="ea-analysed"><strong>What was compared.</strong> {_escape(analysed)}'
            + (f'<span class="ea-analysed-notes">{_escape(notes)}</span>' if notes else "") + "</p>"
        )
    items = findings.get("findings") or []
    parts.append(f'<h2 id="findings-title">Findings, strongest first ({len(items)})</h2>')
    rows = []
    for item in items:
        claim, evidence = item.get("claim"), item.get("evidence")
        if claim and evidence:
            text = f'{_escape(claim)} <span class="ea-evidence">{_escape(evidence)}</span>'
        else:
            text = _escape(item.get("text", ""))
        target = link(item.get("family"))
        goto = (f' <a class="ea-goto" href="{_escape(target[0])}">{_escape(target[1])} &rarr;</a>'
                if target else "")
        rows.append(f"<li>{text}{goto}</li>")
    if rows:
        parts.append('<ol id="findings" class="ea-findings">\n' + "\n".join(rows) + "\n</ol>")
    else:
        parts.append('<ol id="findings" class="ea-findings"></ol>'
                     '<p>No signal goes with the outcome at the 5% false-discovery rate.</p>')
    others = findings.get("non_findings") or []
    if others:
        parts.append(f'<h3 id="non-findings-title">No evidence ({len(others)})</h3>')
        parts.append('<ul id="non-findings" class="ea-non-findings">\n'
                     + "\n".join(f"<li>{_escape(item.get('text', ''))}</li>" for item in others)
                     + "\n</ul>")
    if figure:
        parts.append('<h3 id="summary-figure-title">Every signal at a glance</h3>')
        parts.append('<p class="ea-figure-note">Each dot is how much the odds of the outcome rise '
                     "for a one standard deviation step in the signal's risky direction; the line "
                     "is its 95% interval. Right of 1 means riskier; a line crossing 1 means no "
                     "clear link.</p>")
        parts.append(figure)
    return "\n".join(parts)


def _toc_children(prepared: Prepared, *, href: Callable[[str], str]) -> list[dict]:
    return [{"title": h.text, "href": href(h.anchor)} for h in prepared.headings if h.level == 2]


def render_section(section: SectionPage, *, sections: Sequence[SectionPage], bundle_name: str,
                   run_date: str) -> tuple[str, Prepared]:
    """A standalone section page, with the contents of every section on the left."""
    prepared = _prepared(section, shift=0)
    toc = []
    for other in sections:
        entry = {"title": other.title, "href": other.file_name, "failed": other.error is not None,
                 "current": other.stem == section.stem, "children": []}
        if other.stem == section.stem:
            entry["children"] = _toc_children(prepared, href=lambda anchor: f"#{anchor}")
        toc.append(entry)
    links = [{"href": "index.html", "text": "Summary"},
             {"href": "report.html", "text": "Whole report in one file"}]
    page = _page(kind="section", title=f"{section.title} · {REPORT_TITLE}", bundle_name=bundle_name,
                 run_date=run_date, content=_cells_html(prepared), toc=toc, links=links,
                 figures=prepared.figures)
    return page, prepared


def render_index(*, findings: dict | None, sections: Sequence[SectionPage],
                 families: dict[str, tuple[str, str]], findings_stem: str | None,
                 bundle_name: str, run_date: str, report_size: str) -> str:
    """``index.html``: the findings, links to every section page, and report.html to send."""
    titles = {s.stem: s.title for s in sections}

    def link(family: str | None) -> tuple[str, str] | None:
        if family in families:
            stem, anchor = families[family]
            return f"{stem}.html#{anchor}", family_label(family)
        return (f"{findings_stem}.html", titles[findings_stem]) if findings_stem else None

    rows = []
    for s in sections:
        status = ('<span class="ea-ok">computed</span>' if s.error is None
                  else f'<span class="ea-failed-label">could not be computed</span>: {_escape(s.error)}')
        rows.append(f'<li><a href="{_escape(s.file_name)}">{_escape(s.title)}</a> &mdash; {status}</li>')
    content = "\n".join([
        '<p class="ea-one-file">The whole report, every section and figure, is one file to open or '
        f'send: <a href="report.html"><strong>report.html</strong></a> ({_escape(report_size)}, '
        "works offline).</p>",
        findings_html(findings, link=link),
        '<h2 id="sections">Sections</h2>',
        '<ul class="ea-sections-list">', *rows, "</ul>",
    ])
    return _page(kind="index", title=REPORT_TITLE, bundle_name=bundle_name, run_date=run_date,
                 content=content, toc=[], links=[{"href": "report.html", "text": "Whole report in one file"}],
                 figures=0)


def render_report(*, sections: Sequence[SectionPage], bundle_name: str, run_date: str) -> str:
    """``report.html``: the findings first, then every section, in one offline page.

    It links only inside itself (it is the file people send). The findings
    come from the first section that has them, the summary figure from the
    same section; in that section, the findings' own output points up to them.
    """
    prepared = [_prepared(s, shift=1) for s in sections]
    source = next((p for p in prepared if p.findings is not None), None)
    families: dict[str, str] = {}
    for p in prepared:
        for family, anchor in p.families.items():
            families.setdefault(family, anchor)
    source_section = next((s for s, p in zip(sections, prepared, strict=True) if p is source), None)

    def link(family: str | None) -> tuple[str, str] | None:
        if family in families:
            return f"#{families[family]}", family_label(family)
        return (f"#{source_section.stem}", source_section.title) if source_section else None

    figure = ""
    if source is not None and source.summary_figure is not None:
        figure = figure_html(source.summary_figure, div_id="summary-figure")
        figure = figure.replace('class="ea-figure"', 'class="ea-figure ea-summary-figure"', 1)
    if source is not None and source.findings_cell is not None:
        pointer = nbformat.v4.new_output("display_data", data={"text/html": (
            '<p class="ea-note">The findings are listed at the top of the report: '
            '<a href="#findings-title">Findings</a>.</p>')})
        source.notebook.cells[source.findings_cell].outputs = [pointer]
    blocks = [
        '<section id="summary" class="ea-summary">',
        findings_html(source.findings if source else None, link=link, figure=figure),
        "</section>",
    ]
    toc = [{"title": "Findings", "href": "#summary", "failed": False, "current": False, "children": []}]
    total_figures = 1 if figure else 0
    for section, p in zip(sections, prepared, strict=True):
        total_figures += p.figures
        blocks.append(f'<section id="{_escape(section.stem)}" class="ea-section">')
        blocks.append(_cells_html(p))
        blocks.append("</section>")
        toc.append({"title": section.title, "href": f"#{section.stem}", "failed": section.error is not None,
                    "current": False, "children": _toc_children(p, href=lambda anchor: f"#{anchor}")})
    return _page(kind="report", title=f"{REPORT_TITLE} · {bundle_name}", bundle_name=bundle_name,
                 run_date=run_date, content="\n".join(blocks), toc=toc, links=[],
                 figures=total_figures)


def render_notebook(
    notebook: nbformat.NotebookNode | None,
    *,
    title: str,
    error: str | None = None,
    bundle_name: str = "",
    run_date: str = "",
) -> tuple[str, int]:
    """One executed notebook as a standalone, offline page; returns the HTML and its figures."""
    section = SectionPage(stem="section", title=title, error=error, notebook=notebook)
    page, prepared = render_section(section, sections=[section], bundle_name=bundle_name,
                                    run_date=run_date)
    return page, prepared.figures
