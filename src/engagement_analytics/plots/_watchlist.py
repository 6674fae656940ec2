"""Figures and tables of the watchlist page: risk over time, the backtest, tables shown whole.

The builders take the frames of :mod:`engagement_analytics.watchlist`
(``Watchlist.history()``, ``Backtest.table``, ``Backtest.pooled``,
``Watchlist.table()``) and never compute anything themselves.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from ._figures import _note_if_empty, _values
from ._numbers import DECIMALS
from ._theme import escape, new_figure

__all__ = ["FullTable", "backtest_figure", "full_table", "risk_history_figure"]

_RANKING_COLORS = {"watchlist": "#B2182B", "flag count": "#6B7B8C", "sponsor rule": "#0072B2"}
_RANKING_COLUMNS = {"watchlist": "auc", "flag count": "flag_count_auc", "sponsor rule": "sponsor_rule_auc"}
_HISTORY_COLORS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882255",
                   "#332288", "#999933", "#6B7B8C")


class FullTable:
    """A DataFrame shown whole: every row and column in HTML (sortable in a report), text in repr."""

    def __init__(self, frame: pd.DataFrame, *, decimals: int = DECIMALS) -> None:
        self.frame = frame
        self.decimals = decimals

    def _format(self, value: float) -> str:
        return f"{value:.{self.decimals}f}"

    def _repr_html_(self) -> str:
        # to_html escapes cell text; the "dataframe" class makes report headers sort on click.
        return self.frame.to_html(index=False, escape=True, na_rep="", border=0, max_rows=None,
                                  max_cols=None, float_format=self._format)

    def __repr__(self) -> str:
        with pd.option_context("display.max_rows", None, "display.max_columns", None,
                               "display.width", 250, "display.max_colwidth", None):
            return self.frame.to_string(index=False, float_format=self._format, na_rep="")


def full_table(frame: pd.DataFrame, *, decimals: int = DECIMALS) -> FullTable:
    """Display ``frame`` in a notebook with no row hidden behind "..." (HTML escaped).

    Floats show ``decimals`` decimals; missing values show empty.
    """
    return FullTable(frame, decimals=decimals)


def risk_history_figure(history: pd.DataFrame) -> go.Figure:
    """Risk of a few engagements on successive as-of dates (``Watchlist.history()``), one line each."""
    figure = new_figure(title="Risk over time of the riskiest engagements (each point as of its date)")
    for k, (engagement, rows) in enumerate(history.groupby("engagement_id", sort=False)):
        figure.add_trace(go.Scatter(
            x=[stamp.date().isoformat() for stamp in rows["as_of"]], y=_values(rows["risk"]),
            mode="lines+markers", name=escape(engagement),
            line={"color": _HISTORY_COLORS[k % len(_HISTORY_COLORS)]},
            hovertemplate=escape(engagement) + ": %{y:.0%} as of %{x}<extra></extra>",
        ))
    figure.update_layout(yaxis={"title": "risk", "tickformat": ".0%", "range": [0, 1]},
                         xaxis={"title": "as of"}, height=460)
    return _note_if_empty(figure, history, what="scored engagements")


def backtest_figure(table: pd.DataFrame, pooled: pd.DataFrame | None = None) -> go.Figure:
    """AUC of the watchlist and of the two baselines on each backtest date, against chance.

    Parameters
    ----------
    table : DataFrame
        ``Backtest.table``.
    pooled : DataFrame, optional
        ``Backtest.pooled``: all dates together, shown in the legend.
    """
    figure = new_figure(title="Has the warning worked before? AUC on each past as-of date")
    dates = [stamp.date().isoformat() for stamp in table["as_of"]]
    overall = {} if pooled is None else pooled.set_index("ranking")
    for ranking, column in _RANKING_COLUMNS.items():
        name = ranking
        if ranking in getattr(overall, "index", ()):
            row = overall.loc[ranking]
            if pd.notna(row["auc"]):
                name = f"{ranking} (all dates {row['auc']:.2f}"
                name += (f", {row['auc_low']:.2f}-{row['auc_high']:.2f})" if pd.notna(row["auc_low"])
                         else ")")
        figure.add_trace(go.Scatter(
            x=dates, y=_values(table[column]), mode="lines+markers", name=html.escape(name),
            line={"color": _RANKING_COLORS[ranking], "width": 3 if ranking == "watchlist" else 2},
            connectgaps=False, hovertemplate=html.escape(ranking) + ": AUC %{y:.2f} as of %{x}<extra></extra>",
        ))
    figure.add_hline(y=0.5, line={"color": "#888888", "dash": "dash", "width": 1},
                     annotation_text="chance", annotation_position="bottom right")
    figure.update_layout(yaxis={"title": "AUC (engagements active then, outcome known now)",
                                "range": [0, 1]}, xaxis={"title": "as of"}, height=460)
    return _note_if_empty(figure, table, what="backtest dates")
