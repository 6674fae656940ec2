"""Plotly figures of the reports, with one consistent look, and the numbers behind them.

Figure builders (``*_figure``) take tidy DataFrames and return a
``plotly.graph_objects.Figure`` styled with :data:`TEMPLATE`; each signal family
has one colour in :data:`FAMILY_COLORS` everywhere, and signals show by the
catalog's plain labels. The ``*_numbers`` helpers compute, from package
outputs, the small rounded frames the figures draw; :func:`table` shows such a
frame as a full, sortable HTML table whose text form nbval checks, and
:func:`findings_summary` turns a drivers result into the findings list the
report puts first. Text from the data is HTML-escaped before it reaches a
figure or a table.

Examples
--------
>>> from engagement_analytics import load_bundle, signals, plots
>>> bundle = load_bundle("data/sample")
>>> table = signals.compute(bundle, at_fraction=0.5)
>>> groups = plots.outcome_groups(bundle.engagements)
>>> groups.value_counts().to_dict()
{'other closed': 163, 'failed': 76, 'active': 61}
>>> figure = plots.distribution_figure(table, groups, signal="sponsor_named")
>>> figure.layout.title.text
'Executive sponsor named, by outcome'
"""

from ._figures import (
    adjusted_figure,
    auc_figure,
    calibration_figure,
    comparison_figure,
    coverage_figure,
    distribution_figure,
    forest_figure,
    importance_figure,
    lead_time_auc_figure,
    lead_time_figure,
    measured_figure,
    outcome_figure,
    portfolio_figure,
    trajectory_figure,
)
from ._findings import FINDINGS_MIMETYPE, FindingsSummary, findings_summary
from ._labels import family_label, label_of
from ._numbers import (
    DECIMALS,
    adjusted_numbers,
    auc_numbers,
    comparison_numbers,
    contrasting_pair,
    coverage_numbers,
    distribution_numbers,
    forest_numbers,
    lead_time_numbers,
    measured_numbers,
    outcome_groups,
    outcome_numbers,
    portfolio_numbers,
    trajectory_numbers,
)
from ._sections import (
    FamilySection,
    comparison_summary,
    family_section,
    family_trajectory,
    lead_signal,
    lead_time_summary,
)
from ._table import COLLAPSE_ROWS, METADATA_KEY, Table, readable_number, table
from ._theme import FAMILY_COLORS, TEMPLATE, escape
from ._watchlist import FullTable, backtest_figure, full_table, risk_history_figure

__all__ = [
    "COLLAPSE_ROWS",
    "DECIMALS",
    "FAMILY_COLORS",
    "FINDINGS_MIMETYPE",
    "METADATA_KEY",
    "FamilySection",
    "FullTable",
    "TEMPLATE",
    "adjusted_figure",
    "adjusted_numbers",
    "FindingsSummary",
    "TEMPLATE",
    "Table",
    "auc_figure",
    "auc_numbers",
    "backtest_figure",
    "calibration_figure",
    "comparison_figure",
    "comparison_numbers",
    "comparison_summary",
    "contrasting_pair",
    "coverage_figure",
    "coverage_numbers",
    "distribution_figure",
    "distribution_numbers",
    "escape",
    "family_label",
    "family_section",
    "family_trajectory",
    "findings_summary",
    "forest_figure",
    "forest_numbers",
    "full_table",
    "importance_figure",
    "label_of",
    "lead_signal",
    "lead_time_auc_figure",
    "lead_time_figure",
    "lead_time_numbers",
    "lead_time_summary",
    "measured_figure",
    "measured_numbers",
    "outcome_figure",
    "outcome_groups",
    "outcome_numbers",
    "portfolio_figure",
    "portfolio_numbers",
    "risk_history_figure",
    "readable_number",
    "table",
    "trajectory_figure",
    "trajectory_numbers",
]
