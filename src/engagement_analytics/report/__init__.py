"""Shareable offline HTML reports built from the analysis notebooks.

:func:`build_report` runs the numbered notebooks of ``notebooks/`` on a bundle
with papermill and writes ``report.html``: the whole report in one offline
file to send (findings first, then every section; code hidden, plotly.js
included once, no network needed to view it). Each section also gets its own
standalone page, and ``index.html`` lists the findings and links the pages.
"""

from ._build import ReportResult, SectionResult, build_report, default_notebooks_dir, run_date
from ._execute import kernel_environment

__all__ = [
    "ReportResult",
    "SectionResult",
    "build_report",
    "default_notebooks_dir",
    "kernel_environment",
    "run_date",
]
