"""Turn an executed notebook into what a report page shows.

Everything here works on the notebook's cells and outputs, never on rendered
HTML, and holds for any notebook:

- cells that only make sense to papermill are dropped, and tracebacks with them;
- each heading gets an id unique in the page (the table of contents links to
  it), and a family's first table or summary (output metadata
  ``{"engagement_analytics": {"family": ...}}``) gets an anchor before its
  heading, where findings about that family link;
- plotly outputs become offline ``<div>``\\ s with ids unique in the page;
- a text output longer than :data:`MAX_TEXT_LINES` lines is folded into a
  ``<details>``, and a table pandas cut short (``... rows × ... columns``) is
  left out with a note, so that no page shows a console dump or hides rows;
- the findings (the :data:`FINDINGS_MIMETYPE` JSON of any output, else the
  Markdown list of the cell tagged ``findings``) and the summary figure (the
  cell tagged ``summary-figure``) are picked up for the top of the report.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import nbformat

from ..plots import FINDINGS_MIMETYPE, METADATA_KEY

__all__ = [
    "FINDINGS_TAG",
    "MAX_TEXT_LINES",
    "PLOTLY_MIMETYPE",
    "SUMMARY_FIGURE_TAG",
    "Heading",
    "Prepared",
    "figure_html",
    "notebook_title",
    "prepare",
]

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
#: Tag of the cell whose output lists the findings (JSON, or a Markdown list).
FINDINGS_TAG = "findings"
#: Tag of the cell whose figure the report shows under the findings.
SUMMARY_FIGURE_TAG = "summary-figure"
#: Longer text outputs are folded (a report never shows a longer console dump).
MAX_TEXT_LINES = 15
#: Longest failure reason shown on a page; longer ones are cut.
MAX_REASON_CHARS = 600
_HIDDEN_TAGS = {"papermill-error-cell-tag", "parameters", "injected-parameters"}
_PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")
_TITLE = re.compile(r"^\s*#\s+(.+?)\s*$", re.MULTILINE)
_DECORATION = re.compile(r"(\*\*|__|`)")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: pandas' own HTML preview says "61 rows × 29 columns" only when it cut the table.
_PANDAS_CUT = re.compile(r"<p>(\d+) rows × (\d+) columns</p>")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")


@dataclass(frozen=True)
class Heading:
    """A heading of a section, for the table of contents."""

    level: int  # 1: the section title, 2: its parts, ...
    text: str
    anchor: str


@dataclass
class Prepared:
    """A notebook ready to render, and what the report takes from it.

    Attributes
    ----------
    notebook : NotebookNode
        Copy of the executed notebook, outputs rewritten (see the module).
    headings : list of Heading
    figures : int
        Plotly figures in it.
    families : dict
        Family -> anchor id of the place its section starts.
    findings : dict or None
        The findings payload (``plots.FindingsSummary.payload`` keys), or None.
    findings_cell : int or None
        Index in ``notebook.cells`` of the cell that output the findings.
    summary_figure : dict or None
        The plotly JSON of the summary figure, or None.
    """

    notebook: nbformat.NotebookNode
    headings: list[Heading] = field(default_factory=list)
    figures: int = 0
    families: dict[str, str] = field(default_factory=dict)
    findings: dict | None = None
    findings_cell: int | None = None
    summary_figure: dict | None = None


def notebook_title(notebook: nbformat.NotebookNode, *, default: str) -> str:
    """The first level-1 Markdown heading of ``notebook``, else ``default``."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = _TITLE.search(cell.source)
            if match:
                return _DECORATION.sub("", match.group(1))
    return default


def slug(text: str) -> str:
    """Lower-case letters, digits and dashes only: safe in an id and a URL fragment."""
    return _NOT_SLUG.sub("-", text.lower()).strip("-") or "part"


def _tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _outputs(notebook: nbformat.NotebookNode) -> Iterator[tuple[int, dict]]:
    for number, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            yield number, output


def _banner(reason: str) -> str:
    shown = reason if len(reason) <= MAX_REASON_CHARS else reason[: MAX_REASON_CHARS - 3] + "..."
    return (
        '<div class="ea-banner"><strong>This section could not be computed.</strong> '
        f"The notebook stopped with: <code>{html.escape(shown)}</code>. "
        "What is shown below is the part that ran before the failure.</div>"
    )


def _family_of(output: dict) -> str | None:
    """The family an output belongs to, from its metadata (top level or per mimetype)."""
    metadata = output.get("metadata") or {}
    candidates = [metadata, *(v for v in metadata.values() if isinstance(v, dict))]
    for candidate in candidates:
        mark = candidate.get(METADATA_KEY)
        if isinstance(mark, dict) and isinstance(mark.get("family"), str):
            return mark["family"]
    return None


def _text_of(output: dict) -> str | None:
    """The text an output shows as a ``<pre>`` block, or None if it shows something richer."""
    if output.get("output_type") == "stream":
        text = output.get("text", "")
        return "".join(text) if isinstance(text, list) else text
    data = output.get("data", {})
    if set(data) == {"text/plain"}:
        text = data["text/plain"]
        return "".join(text) if isinstance(text, list) else text
    return None


def _folded(text: str) -> dict:
    """A display output showing ``text`` folded under a one-line summary."""
    text = _ANSI.sub("", text).rstrip("\n")
    lines = text.count("\n") + 1
    body = (f'<details class="ea-text"><summary>Text output ({lines} lines)</summary>'
            f"<pre>{html.escape(text)}</pre></details>")
    return nbformat.v4.new_output("display_data", data={"text/html": body})


def _cut_table_note(match: re.Match) -> dict:
    rows, columns = match.groups()
    note = (f'<p class="ea-note">A table of {rows} rows and {columns} columns is left out here: '
            "its preview showed only part of it.</p>")
    return nbformat.v4.new_output("display_data", data={"text/html": note})


def _rewrite_output(output: dict) -> dict:
    """Fold long text, replace tables pandas cut short; other outputs unchanged."""
    text = _text_of(output)
    if text is not None and text.rstrip("\n").count("\n") + 1 > MAX_TEXT_LINES:
        return _folded(text)
    shown = output.get("data", {}).get("text/html")
    if isinstance(shown, list):
        shown = "".join(shown)
    if shown and "<table" in shown:
        match = _PANDAS_CUT.search(shown)
        if match:
            return _cut_table_note(match)
    return output


def figure_html(figure: dict, *, div_id: str) -> str:
    """An offline plotly ``<div>`` (plotly.js is loaded once by the page) with a fixed id."""
    import plotly.io as pio

    figure = dict(figure)
    config = {**figure.pop("config", {}), **_PLOTLY_CONFIG}
    div = pio.to_html(figure, config=config, include_plotlyjs=False, include_mathjax=False,
                      full_html=False, div_id=div_id, default_width="100%", validate=False)
    return f'<div class="ea-figure">{div}</div>'


def _heading_lines(source: str, *, shift: int, anchors: dict[str, int], prefix: str,
                   families: list[str], family_ids: dict[str, str]) -> tuple[str, list[Heading]]:
    """Give each heading of a Markdown cell an anchor; families' anchors go before the last one."""
    lines = source.split("\n")
    in_fence = False
    found: list[tuple[int, int, str]] = []
    for number, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        match = None if in_fence else _HEADING.match(line)
        if match:
            found.append((number, len(match.group(1)), match.group(2)))
    headings = []
    for position, (number, level, text) in enumerate(found):
        plain = _DECORATION.sub("", text)
        base = f"{prefix}{slug(plain)}"
        anchors[base] = anchors.get(base, 0) + 1
        anchor = base if anchors[base] == 1 else f"{base}-{anchors[base]}"
        marks = [anchor]
        if position == len(found) - 1:
            marks += [family_ids[family] for family in families]
        links = "".join(f'<a class="ea-anchor" id="{m}"></a>' for m in marks)
        lines[number] = f"{links}\n\n{'#' * min(6, level + shift)} {text}"
        headings.append(Heading(level=level, text=plain, anchor=anchor))
    return "\n".join(lines), headings


def _legacy_findings(output: dict) -> dict | None:
    """Findings from a Markdown list (a ``findings`` cell without the JSON): one item per bullet."""
    text = output.get("data", {}).get("text/markdown")
    if not text:
        return None
    text = "".join(text) if isinstance(text, list) else text
    items, context = [], []
    for line in text.splitlines():
        bullet = _BULLET.match(line)
        if bullet:
            items.append({"text": _DECORATION.sub("", bullet.group(1)).strip(), "kind": "finding"})
        elif line.strip():
            context.append(_DECORATION.sub("", line.strip()))
    if not items:
        return None
    return {"analysed": " ".join(context), "analysed_notes": [], "findings": items, "non_findings": []}


def _take_findings(prepared: Prepared) -> None:
    for number, output in _outputs(prepared.notebook):
        payload = output.get("data", {}).get(FINDINGS_MIMETYPE)
        if isinstance(payload, dict) and isinstance(payload.get("findings"), list):
            prepared.findings, prepared.findings_cell = payload, number
            return
    for number, cell in enumerate(prepared.notebook.cells):
        if FINDINGS_TAG in _tags(cell):
            for output in cell.get("outputs", []):
                payload = _legacy_findings(output)
                if payload:
                    prepared.findings, prepared.findings_cell = payload, number
                    return


def _take_summary_figure(prepared: Prepared) -> None:
    """The figure of the cell tagged ``summary-figure``; else the first after the findings."""
    cells = prepared.notebook.cells
    tagged = [n for n, cell in enumerate(cells) if SUMMARY_FIGURE_TAG in _tags(cell)]
    after = [] if prepared.findings_cell is None else list(range(prepared.findings_cell + 1, len(cells)))
    for number in tagged or after:
        for output in cells[number].get("outputs", []):
            figure = output.get("data", {}).get(PLOTLY_MIMETYPE)
            if isinstance(figure, dict):
                prepared.summary_figure = copy.deepcopy(figure)
                return


def prepare(
    notebook: nbformat.NotebookNode,
    *,
    prefix: str,
    error: str | None = None,
    shift: int = 0,
) -> Prepared:
    """A rendering-ready copy of ``notebook`` and what the report takes from it.

    Parameters
    ----------
    notebook : NotebookNode
        The executed (possibly partial) notebook.
    prefix : str
        Prefix of every id in it (``"02_sponsor_absence-"``): ids stay unique
        when several sections share one page.
    error : str, optional
        Why the notebook failed: a banner says so at the top.
    shift : int
        Levels added to every heading (1 when the page has its own title).
    """
    prepared = Prepared(notebook=copy.deepcopy(notebook))
    nb = prepared.notebook
    # Papermill's error cell is replaced by the banner; the parameter cells have no
    # output, and the injected one gets a random id on every run. Tracebacks show
    # code and data values, which a reader does not need and which could be personal.
    nb.cells = [cell for cell in nb.cells if not _HIDDEN_TAGS & _tags(cell)]
    for cell in nb.cells:
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs if o.get("output_type") != "error"]
    if error is not None:
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(_banner(error)))
    nb.metadata.pop("papermill", None)
    _take_findings(prepared)
    _take_summary_figure(prepared)
    _anchor_headings_and_families(prepared, prefix=prefix, shift=shift)
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"{prefix}cell-{number}"
        if "outputs" in cell:
            cell.outputs = [_rewrite_output(o) for o in cell.outputs]
    for _, output in _outputs(nb):
        figure = output.get("data", {}).get(PLOTLY_MIMETYPE)
        if isinstance(figure, dict):
            prepared.figures += 1
            output["data"] = {"text/html": figure_html(figure, div_id=f"{prefix}figure-{prepared.figures}")}
    return prepared


def _anchor_headings_and_families(prepared: Prepared, *, prefix: str, shift: int) -> None:
    nb = prepared.notebook
    # Where each family starts: its first marked output, anchored at the heading before it.
    family_cell: dict[str, int] = {}
    for number, output in _outputs(nb):
        family = _family_of(output)
        if family is not None:
            family_cell.setdefault(family, number)
    family_ids = {family: f"{prefix}family-{slug(family)}" for family in family_cell}
    with_heading = [n for n, cell in enumerate(nb.cells) if cell.cell_type == "markdown"
                    and any(_HEADING.match(line) for line in cell.source.split("\n"))]
    at_cell: dict[int, list[str]] = {}
    orphans: list[tuple[int, str]] = []
    for family, number in family_cell.items():
        before = [n for n in with_heading if n < number]
        if before:
            at_cell.setdefault(before[-1], []).append(family)
        else:
            orphans.append((number, family))
    anchors: dict[str, int] = {}
    for number, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        cell.source, headings = _heading_lines(
            cell.source, shift=shift, anchors=anchors, prefix=prefix,
            families=at_cell.get(number, []), family_ids=family_ids,
        )
        prepared.headings.extend(headings)
    for number, family in sorted(orphans, reverse=True):
        nb.cells.insert(number, nbformat.v4.new_markdown_cell(
            f'<a class="ea-anchor" id="{family_ids[family]}"></a>'))
        if prepared.findings_cell is not None and prepared.findings_cell >= number:
            prepared.findings_cell += 1
    prepared.families = family_ids
