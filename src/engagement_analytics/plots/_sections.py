"""What a family section of a report says: its lead signal, a week-by-week pair, a sentence.

Kept out of the notebooks so their cells stay one call long and the wording
is computed (and tested) from the numbers, never typed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..bundle import Bundle
from ._figures import comparison_figure, distribution_figure, trajectory_figure
from ._labels import label_of, share_signals
from ._numbers import (
    DECIMALS,
    comparison_numbers,
    contrasting_pair,
    distribution_numbers,
    trajectory_numbers,
)
from ._table import METADATA_KEY, Table, table

__all__ = [
    "FamilySection",
    "comparison_summary",
    "family_section",
    "family_trajectory",
    "lead_signal",
    "lead_time_summary",
]

#: Below this absolute standardised difference a signal "hardly differs".
NOTABLE_DIFFERENCE = 0.2


def lead_signal(comparison: pd.DataFrame) -> str | None:
    """The signal of a :func:`comparison_numbers` frame that differs most between groups.

    Largest absolute ``risk_difference``, ties to the earlier row; None when
    no signal was measured in both groups.
    """
    measured = comparison.dropna(subset=["risk_difference"])
    if measured.empty:
        return None
    return str(measured.loc[measured["risk_difference"].abs().idxmax(), "signal"])


#: ``-log10(q)`` at the significance level of the drivers (q < 0.05).
_SIGNIFICANT_EVIDENCE = -np.log10(0.05)


def lead_time_summary(evidence: pd.DataFrame) -> str:
    """A Markdown sentence: from which point of the plan each pattern goes with failure.

    ``evidence`` is the second frame of :func:`lead_time_numbers`. A family
    "shows" from the first fraction at which its strongest signal goes with
    failure in the risky direction at q < 0.05 (each fraction on its own; a
    family that shows once and then not again is still named from that point).
    """
    shown = {}
    for family, row in evidence.iterrows():
        hits = [fraction for fraction, value in row.items() if value > _SIGNIFICANT_EVIDENCE]
        if hits:
            shown[family] = min(hits)
    if not shown:
        return ("At no point of the plan does any pattern go with failure at q < 0.05 "
                "(each fraction tested on its own).")
    parts = [f"{family.replace('_', ' ')} from {100 * fraction:.0f}% of plan"
             for family, fraction in sorted(shown.items(), key=lambda item: (item[1], item[0]))]
    quiet = [family.replace("_", " ") for family in evidence.index if family not in shown]
    text = "Going with failure at q < 0.05: " + ", ".join(parts) + "."
    if quiet:
        text += " Not at any point: " + ", ".join(quiet) + "."
    return text


def comparison_summary(
    comparison: pd.DataFrame, *, event: str, unavailable: dict[str, str] | None = None
) -> str:
    """A Markdown paragraph that states what a comparison frame shows.

    Parameters
    ----------
    comparison : DataFrame
        :func:`comparison_numbers` output for one or more families.
    event : str
        Label of the event group, e.g. ``"failed"``.
    unavailable : dict, optional
        ``signals.compute(...).attrs["unavailable"]``: why families or signals
        could not be measured; mentioned when they concern these signals.
    """
    notes = []
    for name, why in (unavailable or {}).items():
        if name in set(comparison["signal"]) | set(comparison["family"]):
            label = label_of(name)
            notes.append(f"{label[:1].upper()}{label[1:]} could not be measured: {why}.")
    measured = comparison.dropna(subset=["risk_difference"])
    if measured.empty:
        return " ".join(["No signal here was measured in both groups of closed engagements.", *notes])
    riskier = measured[measured["risk_difference"] >= NOTABLE_DIFFERENCE]
    safer = measured[measured["risk_difference"] <= -NOTABLE_DIFFERENCE]
    lead = measured.loc[measured["risk_difference"].abs().idxmax()]
    text = (
        f"Of {len(measured)} signals measured in both groups, {event} engagements look "
        f"riskier by at least {NOTABLE_DIFFERENCE} standard deviations on {len(riskier)}"
        f" and safer on {len(safer)}. The largest difference is on {label_of(lead['signal'])} "
        f"({lead['risk_difference']:+.{DECIMALS - 1}f} SD; mean {lead['mean_event']:.{DECIMALS}g} "
        f"for {event} vs {lead['mean_other']:.{DECIMALS}g} for other closed engagements)."
    )
    return " ".join([text, *notes])


def family_trajectory(
    bundle: Bundle,
    signals: pd.DataFrame,
    groups: pd.Series,
    *,
    catalog: pd.DataFrame,
    family: str,
    signal: str,
    every_days: int = 7,
) -> pd.DataFrame:
    """Week-by-week ``signal`` of a failing and a healthy engagement of the bundle.

    The pair is :func:`contrasting_pair` on ``family``; columns are labelled
    ``"failing (<id>)"`` and ``"healthy (<id>)"``. Empty when no pair exists.
    """
    from .. import signals as signals_module

    pair = contrasting_pair(signals, groups, catalog=catalog, family=family)
    if pair is None:
        return pd.DataFrame()
    over_time = signals_module.over_time(
        bundle, engagement_ids=list(pair), signals=[signal], every_days=every_days
    )
    labels = {pair[0]: f"failing ({pair[0]})", pair[1]: f"healthy ({pair[1]})"}
    return trajectory_numbers(over_time, signal=signal, labels=labels)


@dataclass(frozen=True)
class FamilySection:
    """What a report section on one signal family shows, computed once.

    Each method is one notebook cell: a figure (or a sentence where there is
    nothing to draw), or the rounded numbers behind it, as a :class:`Table`
    (``*_table``) or as text (``*_text``).
    Built by :func:`family_section`.
    """

    family: str
    event: str
    comparison: pd.DataFrame  # comparison_numbers of the family
    summary: str  # comparison_summary, Markdown
    lead: str | None  # lead_signal: the signal that differs most, if any
    distribution: pd.DataFrame | None  # distribution_numbers of the lead signal
    trajectory: pd.DataFrame  # family_trajectory of the lead signal (empty: no pair)
    _signals: pd.DataFrame
    _groups: pd.Series

    @property
    def title(self) -> str:
        return self.family.replace("_", " ").capitalize()

    def comparison_figure(self) -> go.Figure:
        return comparison_figure(self.comparison, title=f"{self.title}: {self.event} vs other closed engagements")

    def comparison_text(self) -> str:
        return self.comparison.to_string()

    def comparison_table(self) -> Table:
        """The numbers behind the comparison figure (text: :meth:`comparison_text`)."""
        headers = {
            "n_event": f"n {self.event}", "n_other": "n other closed",
            "mean_event": f"mean, {self.event}", "mean_other": "mean, other closed",
            "risk_difference": "difference (SD; + = riskier)",
        }
        return table(self.comparison, caption="Numbers behind the figure", labels=headers,
                     collapsed=True, family=self.family)

    def summary_markdown(self):
        from IPython.display import Markdown

        return Markdown(self.summary, metadata={METADATA_KEY: {"family": self.family}})

    def distribution_figure(self):
        """The lead signal per group, or a sentence when no signal was measured in both groups."""
        if self.lead is None:
            from IPython.display import Markdown

            return Markdown("No signal of this family was measured in both groups.")
        return distribution_figure(self._signals, self._groups, signal=self.lead)

    def distribution_text(self) -> str:
        return "" if self.distribution is None else self.distribution.to_string()

    def _shares(self, columns) -> list[str]:
        """The columns holding values of the lead signal, when it is a share (shown as %)."""
        return list(columns) if self.lead in share_signals() else []

    def distribution_table(self) -> Table | None:
        """The numbers behind the distribution figure; None when nothing was drawn."""
        if self.distribution is None:
            return None
        return table(self.distribution, caption="Numbers behind the figure", collapsed=True,
                     shares=self._shares(["mean", "q25", "median", "q75"]))

    def trajectory_figure(self):
        """The lead signal week by week for a failing and a healthy engagement, or a sentence."""
        if self.trajectory.empty:
            from IPython.display import Markdown

            return Markdown("No failing and healthy pair could be followed on this family.")
        return trajectory_figure(self.trajectory, signal=self.lead)

    def trajectory_text(self) -> str:
        return "" if self.trajectory.empty else self.trajectory.to_string()

    def trajectory_table(self) -> Table | None:
        """The numbers behind the week-by-week figure; None when no pair could be followed."""
        if self.trajectory.empty:
            return None
        return table(self.trajectory, caption="Numbers behind the figure", collapsed=True,
                     shares=self._shares(self.trajectory.columns))


def family_section(
    bundle: Bundle,
    signals: pd.DataFrame,
    groups: pd.Series,
    *,
    catalog: pd.DataFrame,
    family: str,
    event: str,
) -> FamilySection:
    """Compute everything a report section on ``family`` shows.

    Parameters
    ----------
    bundle : Bundle
        The loaded bundle (for the week-by-week trajectory).
    signals : DataFrame
        ``signals.compute(bundle, ...)``; its ``attrs["unavailable"]`` is
        mentioned in the summary where it concerns this family.
    groups : Series
        :func:`outcome_groups` output.
    catalog : DataFrame
        ``signals.catalog()``.
    family : str
        One of ``signals.FAMILIES``.
    event : str
        Label of the event group, e.g. ``"failed"``.

    Examples
    --------
    >>> from engagement_analytics import load_bundle, plots, signals
    >>> bundle = load_bundle("data/sample")
    >>> table = signals.compute(bundle, at_fraction=0.4)
    >>> groups = plots.outcome_groups(bundle.engagements)
    >>> section = plots.family_section(bundle, table, groups, catalog=signals.catalog(),
    ...                                family="overselling", event="failed")
    >>> section.lead
    'effort_estimate_to_sold_ratio'
    >>> print(section.distribution_text())
              group    n   mean    q25  median    q75
    0        failed   76  1.322  1.047   1.235  1.551
    1  other closed  163  1.097  0.903   1.060  1.266
    >>> section.trajectory.columns.str.split(" ").str[0].tolist()
    ['failing', 'healthy']
    """
    comparison = comparison_numbers(signals, groups, catalog=catalog, family=family)
    lead = lead_signal(comparison)
    return FamilySection(
        family=family,
        event=event,
        comparison=comparison,
        summary=comparison_summary(comparison, event=event, unavailable=signals.attrs.get("unavailable")),
        lead=lead,
        distribution=None if lead is None else distribution_numbers(signals, groups, signal=lead),
        trajectory=(pd.DataFrame() if lead is None else
                    family_trajectory(bundle, signals, groups, catalog=catalog, family=family, signal=lead)),
        _signals=signals,
        _groups=groups,
    )
