"""Shareable offline HTML reports built from the analysis notebooks.

:func:`build_report` runs the numbered notebooks of ``notebooks/`` on a bundle
with papermill and renders each to a standalone HTML page (code hidden,
plotly.js inlined, no network needed to view it), plus an ``index.html``
linking them with a summary of the findings.
"""

from ._build import ReportResult, SectionResult, build_report, default_notebooks_dir
from ._execute import kernel_environment

__all__ = [
    "ReportResult",
    "SectionResult",
    "build_report",
    "default_notebooks_dir",
    "kernel_environment",
]
