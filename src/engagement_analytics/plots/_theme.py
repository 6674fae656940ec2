"""The one look of every report figure: template, palettes, text escaping."""

from __future__ import annotations

import html

import plotly.graph_objects as go

from .._contract import FAMILIES

__all__ = [
    "ACTIVE",
    "FAMILY_COLORS",
    "GROUP_COLORS",
    "OTHER",
    "TEMPLATE",
    "event_label",
    "escape",
    "group_color",
    "new_figure",
]

#: One colour per signal family (colour-blind-safe Okabe-Ito and Tol colours).
FAMILY_COLORS: dict[str, str] = dict(
    zip(
        FAMILIES,
        (
            "#D55E00",  # overselling
            "#0072B2",  # sponsor_absence
            "#999933",  # going_dark
            "#009E73",  # client_ownership
            "#CC79A7",  # commitment_reciprocity
            "#E69F00",  # reactivity
            "#56B4E9",  # champion_engagement
            "#882255",  # discovery
            "#332288",  # stakeholder_breadth
        ),
        strict=True,
    )
)

#: Group labels of engagements besides the event group (see :func:`event_label`).
OTHER = "other closed"
ACTIVE = "active"
_EVENT_COLOR = "#B2182B"
GROUP_COLORS: dict[str, str] = {OTHER: "#6B7B8C", ACTIVE: "#BBBBBB"}

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": "Helvetica, Arial, sans-serif", "size": 13, "color": "#222222"},
        title={"x": 0.0, "xanchor": "left", "font": {"size": 16}},
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=list(FAMILY_COLORS.values()),
        margin={"l": 70, "r": 30, "t": 60, "b": 60},
        height=420,
        xaxis={"showgrid": True, "gridcolor": "#EEEEEE", "zeroline": False, "linecolor": "#888888"},
        yaxis={"showgrid": True, "gridcolor": "#EEEEEE", "zeroline": False, "linecolor": "#888888"},
        legend={"bgcolor": "rgba(255,255,255,0.8)"},
        hoverlabel={"font": {"family": "Helvetica, Arial, sans-serif"}},
    )
)


def event_label(outcome: str) -> str:
    """The label of the event group for an outcome definition (``failed_or_challenged`` ...)."""
    return outcome.replace("_", " ")


def group_color(group: str) -> str:
    """Colour of an engagement group: the event group is red, the others grey."""
    return GROUP_COLORS.get(group, _EVENT_COLOR)


def escape(text: object) -> str:
    """Text safe to show in a figure: plotly renders a subset of HTML in labels."""
    return html.escape(str(text), quote=True)


def new_figure(*, title: str) -> go.Figure:
    """An empty figure with the report template and an escaped title.

    The template's height is also set on the figure itself: JupyterLab's
    plotly renderer ignores a template height and draws figures without a
    ``layout.height`` 360 px high, where the report draws them 420 px high.
    """
    return go.Figure(layout={
        "template": TEMPLATE,
        "title": {"text": escape(title)},
        "height": TEMPLATE.layout.height,
    })

