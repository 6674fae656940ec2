"""Render executed notebooks and the index page to offline, standalone HTML.

Figures reach this stage as plotly's JSON mimetype output (exactly what the
committed notebooks carry). Each one is turned into a ``<div>`` with a
deterministic id, and plotly.js is inlined once in the page head, so the page
draws every figure from ``file://`` with no network and the same input gives
byte-identical HTML. Plotly's own ``notebook`` renderer is not used because it
adds a CDN MathJax ``<script src>`` to every figure and random div ids.
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

import nbformat

__all__ = [
    "PLOTLY_MIMETYPE",
    "findings_text",
    "notebook_title",
    "render_index",
    "render_notebook",
]

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
TEMPLATES_DIR = Path(__file__).with_name("templates")
#: Tag of the notebook cell whose Markdown output summarises the findings.
FINDINGS_TAG = "findings"
#: Longest failure reason shown on a page; longer ones are cut.
MAX_REASON_CHARS = 600
_HIDDEN_TAGS = {"papermill-error-cell-tag", "parameters", "injected-parameters"}
_PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
_HEADING = re.compile(r"^\s*#\s+(.+?)\s*$", re.MULTILINE)
_MARKDOWN_DECORATION = re.compile(r"(\*\*|__|`)")


def notebook_title(notebook: nbformat.NotebookNode, *, default: str) -> str:
    """The first level-1 Markdown heading of ``notebook``, else ``default``."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = _HEADING.search(cell.source)
            if match:
                return match.group(1)
    return default


def findings_text(notebook: nbformat.NotebookNode) -> str | None:
    """The plain text of the Markdown output of the cell tagged ``findings``."""
    for cell in notebook.cells:
        if FINDINGS_TAG in cell.get("metadata", {}).get("tags", []):
            for output in cell.get("outputs", []):
                text = output.get("data", {}).get("text/markdown")
                if text:
                    lines = [line.strip().lstrip("-*").strip() for line in text.splitlines()]
                    return _MARKDOWN_DECORATION.sub("", " ".join(filter(None, lines)))
    return None


def _outputs(notebook: nbformat.NotebookNode):
    for cell in notebook.cells:
        yield from cell.get("outputs", [])


def _figures_to_html(notebook: nbformat.NotebookNode) -> int:
    """Replace each plotly JSON output by an offline ``text/html`` div; return how many."""
    import plotly.io as pio

    count = 0
    for output in _outputs(notebook):
        data = output.get("data", {})
        if PLOTLY_MIMETYPE not in data:
            continue
        figure = dict(data[PLOTLY_MIMETYPE])
        config = {**figure.pop("config", {}), **_PLOTLY_CONFIG}
        count += 1
        div = pio.to_html(
            figure,
            config=config,
            include_plotlyjs=False,
            include_mathjax=False,
            full_html=False,
            div_id=f"figure-{count}",
            default_width="100%",
            validate=False,
        )
        output["data"] = {"text/html": div}
    return count


def _banner(reason: str) -> str:
    shown = reason if len(reason) <= MAX_REASON_CHARS else reason[: MAX_REASON_CHARS - 3] + "..."
    return (
        '<div class="ea-banner"><strong>This section could not be computed.</strong> '
        f"The notebook stopped with: <code>{html.escape(shown)}</code>. "
        "What is shown below is the part that ran before the failure.</div>"
    )


def _prepare(notebook: nbformat.NotebookNode, *, error: str | None) -> nbformat.NotebookNode:
    """Copy of ``notebook`` ready to render: no error cells or tracebacks, a banner if failed.

    Tracebacks are dropped because they show code and data values, which a
    reader of the report does not need and which could carry personal data.
    """
    prepared = copy.deepcopy(notebook)
    # Papermill's error cell is replaced by the banner; the parameter cells
    # have no output, and the injected one gets a random id on every run.
    prepared.cells = [
        cell
        for cell in prepared.cells
        if not _HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", []))
    ]
    for cell in prepared.cells:
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs if o.get("output_type") != "error"]
    if error is not None:
        prepared.cells.insert(0, nbformat.v4.new_markdown_cell(_banner(error)))
    prepared.metadata.pop("papermill", None)
    for number, cell in enumerate(prepared.cells):
        cell["id"] = f"cell-{number}"
    return prepared


def render_notebook(
    notebook: nbformat.NotebookNode | None,
    *,
    title: str,
    error: str | None = None,
) -> tuple[str, int]:
    """Render an executed notebook to one standalone, offline HTML page.

    Parameters
    ----------
    notebook : NotebookNode or None
        The executed (possibly partial) notebook; None when it never ran.
    title : str
        Page title.
    error : str, optional
        Why the notebook failed; shown in a banner at the top of the page.

    Returns
    -------
    html : str
    figures : int
        Number of plotly figures on the page.
    """
    from nbconvert import HTMLExporter
    from plotly.offline import get_plotlyjs

    if notebook is None:
        notebook = nbformat.v4.new_notebook()
        notebook.cells.append(nbformat.v4.new_markdown_cell(f"# {title}"))
    prepared = _prepare(notebook, error=error)
    figures = _figures_to_html(prepared)
    prepared.metadata["title"] = title
    exporter = HTMLExporter(
        template_name="lab",
        extra_template_paths=[str(TEMPLATES_DIR)],
        template_file="report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    resources = {"plotly_js": get_plotlyjs() if figures else ""}
    body, _ = exporter.from_notebook_node(prepared, resources=resources)
    return body, figures


def render_index(
    *,
    title: str,
    summary: str | None,
    sections: list[tuple[str, str, str | None]],
    bundle_name: str,
) -> str:
    """The ``index.html`` page: a findings paragraph and links to every section.

    Parameters
    ----------
    title : str
        Page heading.
    summary : str or None
        Plain-text findings paragraph (None when the drivers section failed).
    sections : list of (file name, section title, error or None)
    bundle_name : str
        Name of the bundle folder the report was computed from.
    """
    esc = html.escape
    summary_html = (
        f"<p>{esc(summary)}</p>"
        if summary
        else "<p><em>The findings could not be summarised: the drivers section "
        "was not computed (see below).</em></p>"
    )
    rows = []
    for file_name, section_title, error in sections:
        status = (
            '<span class="ok">computed</span>'
            if error is None
            else f'<span class="failed">could not be computed</span>: {esc(error)}'
        )
        rows.append(
            f'<li><a href="{esc(file_name)}">{esc(section_title)}</a> &mdash; {status}</li>'
        )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8" />',
            f"<title>{esc(title)}</title>",
            "<style>",
            "body { font-family: sans-serif; max-width: 52em; margin: 2em auto; "
            "line-height: 1.5; color: #222; }",
            ".ok { color: #1b7837; } .failed { color: #b22222; font-weight: bold; }",
            "li { margin: 0.3em 0; }",
            "</style>",
            "</head>",
            "<body>",
            f"<h1>{esc(title)}</h1>",
            f"<p>Bundle: <code>{esc(bundle_name)}</code></p>",
            "<h2>Findings</h2>",
            summary_html,
            "<h2>Sections</h2>",
            "<ul>",
            *rows,
            "</ul>",
            "</body>",
            "</html>",
            "",
        ]
    )
