"""Plotly figure builders of the report, all with the same look.

Each builder takes one of the tidy frames of :mod:`._plot_numbers` (or a
frame of the drivers result) and returns a ``go.Figure``. Every piece of text
that comes from the data goes through :func:`escape`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ._labels import family_label, label_of, unit_of
from ._numbers import ADJUSTED, DECIMALS, ONE_AT_A_TIME
from ._theme import FAMILY_COLORS, escape, group_color, new_figure

__all__ = [
    "adjusted_figure",
    "auc_figure",
    "calibration_figure",
    "comparison_figure",
    "coverage_figure",
    "distribution_figure",
    "forest_figure",
    "importance_figure",
    "lead_time_auc_figure",
    "lead_time_figure",
    "measured_figure",
    "outcome_figure",
    "portfolio_figure",
    "trajectory_figure",
]

_LINE_COLORS = ("#B2182B", "#2166AC", "#555555", "#E69F00")


def _values(series: pd.Series) -> list:
    """Rounded plain floats (None for NaN), so figure JSON is small and stable."""
    return [None if pd.isna(v) else round(float(v), DECIMALS) for v in series]


def _labels(series: pd.Series) -> list[str]:
    return [escape(v) for v in series]


def _plain(series: pd.Series) -> list[str]:
    """Plain labels of signal or family code names (the code names go in the hover text)."""
    return [escape(label_of(v)) for v in series]


def _note_if_empty(figure: go.Figure, frame: pd.DataFrame, *, what: str) -> go.Figure:
    if frame.empty:
        figure.add_annotation(text=escape(f"No {what} to show for this bundle."), showarrow=False,
                              x=0.5, y=0.5, xref="paper", yref="paper")
        figure.update_xaxes(visible=False)
        figure.update_yaxes(visible=False)
    return figure


def distribution_figure(
    signals: pd.DataFrame, groups: pd.Series, *, signal: str, unit: str = ""
) -> go.Figure:
    """Box plots with every engagement as a point, one per group of closed engagements.

    Parameters
    ----------
    signals : DataFrame
        Signal values indexed by engagement_id.
    groups : Series
        Group per engagement_id (``outcome_groups``); active ones are left out.
    signal : str
        The signal column to draw.
    unit : str
        Axis unit.
    """
    frame = signals[[signal]].join(groups.rename("group"), how="inner").dropna()
    frame = frame[frame["group"] != "active"]
    label = label_of(signal)
    figure = new_figure(title=f"{label[:1].upper()}{label[1:]}, by outcome")
    for group, part in frame.groupby("group", sort=True):
        figure.add_trace(go.Box(
            y=_values(part[signal]), name=escape(group), boxpoints="all", jitter=0.4,
            pointpos=0, marker={"color": group_color(group), "size": 4, "opacity": 0.6},
            line={"color": group_color(group)}, hoverinfo="y",
        ))
    # the title names the signal; the axis says its unit (a long label would not fit)
    figure.update_layout(showlegend=False, yaxis_title=escape(unit or unit_of(signal) or label))
    return _note_if_empty(figure, frame, what="measured values")


def comparison_figure(comparison: pd.DataFrame, *, title: str) -> go.Figure:
    """Horizontal bars of ``risk_difference`` per signal, coloured by family.

    ``comparison`` is :func:`comparison_numbers` output; bars to the right
    mean the event group looks riskier on that signal.
    """
    frame = comparison.dropna(subset=["risk_difference"])
    figure = new_figure(title=title)
    figure.add_trace(go.Bar(
        x=_values(frame["risk_difference"]), y=_plain(frame["signal"]), orientation="h",
        marker={"color": [FAMILY_COLORS.get(f, "#777777") for f in frame["family"]]},
        customdata=_labels(frame["signal"]),
        hovertemplate="%{y} (%{customdata}): %{x:.2f} SD<extra></extra>",
    ))
    figure.add_vline(x=0, line={"color": "#888888", "width": 1})
    # A fixed minimum span, so that a difference of 0.05 SD never fills the plot.
    values = frame["risk_difference"].abs()
    span = max(0.5, 1.1 * float(values.max())) if len(values) else 0.5
    low = -span if (frame["risk_difference"] < 0).any() else -0.05 * span
    figure.update_layout(
        xaxis={"range": [round(low, DECIMALS), round(span, DECIMALS)]},
        xaxis_title="difference in means, in standard deviations (right = riskier)",
        yaxis={"autorange": "reversed", "automargin": True}, height=max(260, 90 + 45 * len(frame)),
    )
    return _note_if_empty(figure, frame, what="signal measured in both groups")


def trajectory_figure(trajectory: pd.DataFrame, *, signal: str, unit: str = "") -> go.Figure:
    """One line per engagement over the weeks of its life (:func:`trajectory_numbers`)."""
    label = label_of(signal)
    figure = new_figure(title=f"{label[:1].upper()}{label[1:]}, week by week")
    for i, line in enumerate(trajectory.columns):
        figure.add_trace(go.Scatter(
            x=_values(pd.Series(trajectory.index)), y=_values(trajectory[line]),
            mode="lines+markers", name=escape(line),
            line={"color": _LINE_COLORS[i % len(_LINE_COLORS)]}, connectgaps=False,
        ))
    figure.update_layout(xaxis_title="week of the engagement",
                         yaxis_title=escape(unit or unit_of(signal) or label))
    return _note_if_empty(figure, trajectory, what="weekly values")


def forest_figure(forest: pd.DataFrame) -> go.Figure:
    """Odds ratios with 95% intervals per signal, one colour per family (:func:`forest_numbers`)."""
    figure = new_figure(title="Odds of the outcome per standard deviation in the risky direction")
    for family, part in forest.groupby("family", sort=False):
        figure.add_trace(go.Scatter(
            x=_values(part["odds_ratio"]), y=_plain(part["signal"]), mode="markers",
            name=escape(family_label(family)),
            marker={"color": FAMILY_COLORS.get(family, "#777777"), "size": 9},
            error_x={
                "type": "data", "symmetric": False,
                "array": _values(part["ci_high"] - part["odds_ratio"]),
                "arrayminus": _values(part["odds_ratio"] - part["ci_low"]),
            },
            customdata=[list(row) for row in zip(_values(part["ci_low"]), _values(part["ci_high"]),
                                                 _labels(part["signal"]), strict=True)],
            hovertemplate="%{y} (%{customdata[2]})<br>odds ratio %{x:.2f} (95% CI "
                          "%{customdata[0]:.2f}-%{customdata[1]:.2f})<extra></extra>",
        ))
    figure.add_vline(x=1, line={"color": "#888888", "dash": "dash", "width": 1})
    figure.update_layout(
        xaxis={"type": "log", "title": "odds ratio (log scale; right of 1 = riskier)"},
        yaxis={"autorange": "reversed", "automargin": True}, height=max(300, 90 + 26 * len(forest)),
    )
    return _note_if_empty(figure, forest, what="tested signal")


def adjusted_figure(adjusted: pd.DataFrame) -> go.Figure:
    """Each family's odds ratio one at a time and adjusted for the others (:func:`adjusted_numbers`).

    A family whose adjusted interval reaches 1 while its one-at-a-time interval
    does not is a shadow of another family.
    """
    figure = new_figure(title="Each family one at a time, and adjusted for the others")
    styles = {ONE_AT_A_TIME: ("#999999", "circle-open"), ADJUSTED: ("#2166AC", "circle")}
    for view, (color, symbol) in styles.items():
        part = adjusted[adjusted["view"] == view]
        figure.add_trace(go.Scatter(
            x=_values(part["odds_ratio"]), y=_labels(part["family"]), mode="markers", name=escape(view),
            marker={"color": color, "size": 10, "symbol": symbol},
            error_x={
                "type": "data", "symmetric": False,
                "array": _values(part["ci_high"] - part["odds_ratio"]),
                "arrayminus": _values(part["odds_ratio"] - part["ci_low"]),
            },
            customdata=np.column_stack([_labels(part["signal"]), _values(part["ci_low"]),
                                        _values(part["ci_high"])]) if len(part) else None,
            hovertemplate="%{y} (%{customdata[0]})<br>odds ratio %{x:.2f} (95% CI "
                          "%{customdata[1]:.2f}-%{customdata[2]:.2f})<extra>" + escape(view) + "</extra>",
        ))
    figure.add_vline(x=1, line={"color": "#888888", "dash": "dash", "width": 1})
    families = adjusted["family"].nunique()
    figure.update_layout(
        xaxis={"type": "log", "title": "odds ratio per SD of the family's strongest signal (log scale)"},
        yaxis={"autorange": "reversed"}, height=max(300, 110 + 40 * families), margin={"l": 200},
        scattermode="group", legend={"orientation": "h", "y": -0.2},
    )
    return _note_if_empty(figure, adjusted, what="tested family")


def lead_time_auc_figure(auc: pd.DataFrame) -> go.Figure:
    """Cross-validated AUC at each fraction of the planned schedule, with its interval."""
    frame = auc.dropna(subset=["cv_auc"])
    figure = new_figure(title="How well the signals separate the outcome, by point in the plan")
    percent = [f"{100 * f:.0f}%" for f in frame["fraction"]]
    figure.add_trace(go.Scatter(
        x=percent, y=_values(frame["cv_auc"]), mode="lines+markers", name="cross-validated AUC",
        line={"color": "#2166AC"},
        error_y={"type": "data", "symmetric": False,
                 "array": _values(frame["cv_auc_high"] - frame["cv_auc"]),
                 "arrayminus": _values(frame["cv_auc"] - frame["cv_auc_low"])},
        customdata=np.column_stack([frame["n"].astype(int), frame["events"].astype(int)])
        if len(frame) else None,
        hovertemplate="%{x} of plan: AUC %{y:.2f} (%{customdata[1]} events of "
                      "%{customdata[0]})<extra></extra>",
    ))
    figure.add_hline(y=0.5, line={"color": "#888888", "dash": "dash", "width": 1},
                     annotation_text="chance", annotation_position="bottom right")
    figure.update_layout(xaxis_title="share of the planned schedule measured",
                         yaxis={"title": "cross-validated AUC", "range": [0.3, 1]})
    return _note_if_empty(figure, frame, what="fraction with enough outcomes")


def _q_text(evidence: float) -> str:
    if np.isnan(evidence):
        return ""
    q = 10 ** -abs(evidence)
    return "<0.001" if q < 0.001 else f"{q:.2g}"


def lead_time_figure(evidence: pd.DataFrame) -> go.Figure:
    """Family by fraction of the plan: how clearly each pattern goes with failure (:func:`lead_time_numbers`).

    Colour is -log10(q) of the family's strongest signal: red where the risky
    direction goes with failure, blue where the opposite does; the text is the q-value.
    """
    figure = new_figure(title="When each pattern starts to go with failure (q-value)")
    values = evidence.to_numpy(dtype=float)
    figure.add_trace(go.Heatmap(
        z=[_values(pd.Series(row)) for row in np.clip(values, -4, 4)],
        x=[f"{100 * f:.0f}%" for f in evidence.columns], y=_labels(pd.Series(evidence.index)),
        text=[[_q_text(v) for v in row] for row in values], texttemplate="%{text}",
        zmin=-4, zmax=4, zmid=0, colorscale="RdBu_r",
        colorbar={"title": "q", "tickvals": [-4, -1.3, 0, 1.3, 4],
                  "ticktext": ["0.0001 (safer)", "0.05", "1", "0.05", "0.0001 (riskier)"]},
        hovertemplate="%{y} at %{x} of plan: q %{text}<extra></extra>",
    ))
    figure.update_layout(xaxis_title="share of the planned schedule measured",
                         yaxis={"autorange": "reversed"}, margin={"l": 200},
                         height=max(300, 120 + 36 * len(evidence)))
    return _note_if_empty(figure, evidence, what="fraction with enough outcomes")


def calibration_figure(calibration: pd.DataFrame, *,
                       title: str = "Calibration of the cross-validated model") -> go.Figure:
    """Observed event rate against mean predicted probability, per bin, with the diagonal."""
    figure = new_figure(title=title)
    figure.add_trace(go.Scatter(
        x=[0, 1], y=[0, 1], mode="lines", name="perfect calibration",
        line={"color": "#AAAAAA", "dash": "dash"}, hoverinfo="skip",
    ))
    figure.add_trace(go.Scatter(
        x=_values(calibration["mean_predicted"]), y=_values(calibration["observed_rate"]),
        mode="lines+markers", name="model", line={"color": "#2166AC"},
        customdata=calibration["n"].astype(int).to_list(),
        hovertemplate="predicted %{x:.2f}, observed %{y:.2f} (n=%{customdata})<extra></extra>",
    ))
    figure.update_layout(xaxis={"title": "mean predicted probability", "range": [0, 1]},
                         yaxis={"title": "observed rate", "range": [0, 1]})
    return _note_if_empty(figure, calibration, what="calibration bins")


def auc_figure(auc: pd.DataFrame) -> go.Figure:
    """Cross-validated AUC per model with its interval, against chance (0.5)."""
    figure = new_figure(title="How well all signals together separate the outcome (AUC)")
    figure.add_trace(go.Bar(
        x=_labels(auc["model"]), y=_values(auc["auc"]), marker={"color": "#2166AC"},
        error_y={"type": "data", "symmetric": False, "array": _values(auc["high"] - auc["auc"]),
                 "arrayminus": _values(auc["auc"] - auc["low"])},
        hovertemplate="%{x}: AUC %{y:.2f}<extra></extra>",
    ))
    figure.add_hline(y=0.5, line={"color": "#888888", "dash": "dash", "width": 1},
                     annotation_text="chance", annotation_position="bottom right")
    figure.update_layout(yaxis={"title": "cross-validated AUC", "range": [0, 1]}, width=None)
    return _note_if_empty(figure, auc, what="model")


def importance_figure(importance: pd.DataFrame) -> go.Figure:
    """Drop in held-out AUC when a family's signals are shuffled, per family."""
    frame = importance.sort_values("importance", ascending=False, kind="stable")
    figure = new_figure(title="Which families the model leans on")
    figure.add_trace(go.Bar(
        x=_values(frame["importance"]), y=_plain(frame["family"]), orientation="h",
        marker={"color": [FAMILY_COLORS.get(f, "#777777") for f in frame["family"]]},
        hovertemplate="%{y}: AUC drop %{x:.3f}<extra></extra>",
    ))
    figure.update_layout(xaxis_title="drop in AUC when shuffled",
                         yaxis={"autorange": "reversed", "automargin": True})
    return _note_if_empty(figure, frame, what="family")


def coverage_figure(coverage: pd.DataFrame) -> go.Figure:
    """Share of filled cells per column, one row of bars per table (:func:`coverage_numbers`)."""
    figure = new_figure(title="How complete each column of the bundle is")
    # one colour per table (the family palette has enough distinct ones)
    palette = dict(zip(dict.fromkeys(coverage["table"]), list(FAMILY_COLORS.values()) * 2, strict=False))
    for table, part in coverage.groupby("table", sort=False):
        figure.add_trace(go.Bar(
            x=_values(part["filled_share"]), y=_labels(table + "." + part["column"]),
            orientation="h", name=escape(table), marker={"color": palette[table]},
            hovertemplate="%{y}: %{x:.0%} filled<extra></extra>",
        ))
    figure.update_layout(xaxis={"title": "share of rows filled", "range": [0, 1],
                                "tickformat": ".0%"},
                         yaxis={"autorange": "reversed", "automargin": True},
                         height=max(300, 90 + 20 * len(coverage)))
    return _note_if_empty(figure, coverage, what="table")


def outcome_figure(outcomes: pd.DataFrame, *, by: str = "practice") -> go.Figure:
    """Stacked bars of engagements per ``by`` value and status (:func:`outcome_numbers`)."""
    colors = {"active": "#BBBBBB", "success": "#1B7837", "challenged": "#E69F00",
              "failed": "#B2182B"}
    figure = new_figure(title=f"Engagements by {by} and outcome")
    for status in [c for c in outcomes.columns if c != "total"]:
        figure.add_trace(go.Bar(
            x=_labels(pd.Series(outcomes.index)), y=outcomes[status].astype(int).to_list(),
            name=escape(status), marker={"color": colors.get(status, "#777777")},
        ))
    figure.update_layout(barmode="stack", xaxis_title=escape(by), yaxis_title="engagements")
    return _note_if_empty(figure, outcomes, what="engagement")


def measured_figure(measured: pd.DataFrame) -> go.Figure:
    """Share of engagements each signal could be measured on, coloured by family."""
    figure = new_figure(title="Where each signal can be measured")
    figure.add_trace(go.Bar(
        x=_values(measured["measured_share"]), y=_plain(measured["signal"]), orientation="h",
        marker={"color": [FAMILY_COLORS.get(f, "#777777") for f in measured["family"]]},
        customdata=_labels(measured["signal"]),
        hovertemplate="%{y} (%{customdata}): %{x:.0%} of engagements<extra></extra>",
    ))
    figure.update_layout(xaxis={"title": "share of engagements measured", "range": [0, 1],
                                "tickformat": ".0%"},
                         yaxis={"autorange": "reversed", "automargin": True},
                         height=max(300, 60 + 20 * len(measured)))
    return _note_if_empty(figure, measured, what="signal")


def portfolio_figure(active: pd.DataFrame, *, columns: Mapping[str, str] | None = None) -> go.Figure:
    """A table of active engagements (:func:`portfolio_numbers`), flags first.

    Parameters
    ----------
    active : DataFrame
        Index engagement_id; the columns to show.
    columns : mapping, optional
        Column name to header label (default: the names themselves).
    """
    shown = active.reset_index()
    headers = [escape((columns or {}).get(c, c)) for c in shown.columns]
    cells = [
        _labels(shown[c]) if shown[c].dtype == object or str(shown[c].dtype) == "str"
        else ["" if v is None else v for v in _values(shown[c])]
        for c in shown.columns
    ]
    figure = new_figure(title="Active engagements against portfolio norms")
    figure.add_trace(go.Table(
        header={"values": headers, "fill": {"color": "#EEEEEE"}, "align": "left"},
        cells={"values": cells, "align": "left"},
    ))
    figure.update_layout(height=max(300, 120 + 28 * len(shown)))
    return figure
