"""Plotly figures of the reports, with one consistent look, and the numbers behind them.

Figure builders (``*_figure``) take tidy DataFrames and return a
``plotly.graph_objects.Figure`` styled with :data:`TEMPLATE`; each signal family
has one colour in :data:`FAMILY_COLORS` everywhere. The ``*_numbers`` helpers
compute, from package outputs, the small rounded frames the figures draw, so a
notebook can print exactly the numbers behind each figure. Text from the data
is HTML-escaped before it reaches a figure.

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
'sponsor_named by outcome'
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
from ._theme import FAMILY_COLORS, TEMPLATE, escape
from ._watchlist import FullTable, backtest_figure, full_table, risk_history_figure

__all__ = [
    "DECIMALS",
    "FAMILY_COLORS",
    "FamilySection",
    "FullTable",
    "TEMPLATE",
    "adjusted_figure",
    "adjusted_numbers",
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
    "family_section",
    "family_trajectory",
    "forest_figure",
    "forest_numbers",
    "full_table",
    "importance_figure",
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
    "trajectory_figure",
    "trajectory_numbers",
]
