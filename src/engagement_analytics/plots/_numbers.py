"""The numbers behind each report figure, as small rounded DataFrames.

Every figure builder draws one of these frames, and the notebooks print the
same frame under the figure so that nbval checks the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .._contract import FAMILIES
from ..signals import HIGHER_IS_RISKIER as HIGHER
from ._theme import ACTIVE, OTHER, event_label

__all__ = [
    "DECIMALS",
    "adjusted_numbers",
    "auc_numbers",
    "comparison_numbers",
    "contrasting_pair",
    "coverage_numbers",
    "distribution_numbers",
    "forest_numbers",
    "lead_time_numbers",
    "measured_numbers",
    "outcome_groups",
    "outcome_numbers",
    "portfolio_numbers",
    "trajectory_numbers",
]

#: Decimals kept in every printed and plotted number.
DECIMALS = 3
_RISKIEST_THIRD = 2 / 3


def outcome_groups(engagements: pd.DataFrame, *, outcome: str = "failed",
                   window_ends: pd.Series | None = None) -> pd.Series:
    """The group of each engagement: the event label, ``"other closed"`` or ``"active"``.

    Parameters
    ----------
    engagements : DataFrame
        The bundle's engagements table (``engagement_id``, ``outcome``, ``closed_date``).
    outcome : {"failed", "failed_or_challenged"}
        What counts as an event.
    window_ends : Series, optional
        Window end per engagement id (``signals.windows(...)["window_end"]``).
        Closed engagements that ended before their window did are left out,
        as in :func:`engagement_analytics.drivers.analyze`: measured up to
        their close, the close (which goes with the outcome) would shape them.
    """
    events = {"failed": {"failed"}, "failed_or_challenged": {"failed", "challenged"}}
    if outcome not in events:
        raise ValueError(f"outcome={outcome!r}; use one of {', '.join(events)}")
    status = engagements["outcome"]
    group = np.where(
        status.isna(), ACTIVE, np.where(status.isin(events[outcome]), event_label(outcome), OTHER)
    )
    groups = pd.Series(group, index=pd.Index(engagements["engagement_id"], name="engagement_id"),
                       name="group")
    if window_ends is not None:
        closed_on = engagements.set_index("engagement_id")["closed_date"]
        ended_first = (closed_on <= window_ends.reindex(closed_on.index)).to_numpy()
        groups = groups[~ended_first]
    return groups


def _risk_sign(catalog: pd.DataFrame, signal: str) -> float:
    direction = catalog.set_index("signal").loc[signal, "direction"]
    return 1.0 if direction == HIGHER else -1.0


def _closed(signals: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    frame = signals.join(groups.rename("group"), how="inner")
    return frame[frame["group"] != ACTIVE]


def distribution_numbers(signals: pd.DataFrame, groups: pd.Series, *, signal: str) -> pd.DataFrame:
    """Count, mean and quartiles of ``signal`` per group of closed engagements.

    Returns
    -------
    DataFrame
        Columns ``group, n, mean, q25, median, q75``; engagements where the
        signal is not measured are not counted.
    """
    closed = _closed(signals[[signal]], groups).dropna(subset=[signal])
    rows = []
    for group, values in closed.groupby("group", sort=True)[signal]:
        rows.append({
            "group": group, "n": len(values), "mean": values.mean(),
            "q25": values.quantile(0.25), "median": values.median(), "q75": values.quantile(0.75),
        })
    columns = ["group", "n", "mean", "q25", "median", "q75"]
    return pd.DataFrame(rows, columns=columns).round(DECIMALS)


def comparison_numbers(
    signals: pd.DataFrame, groups: pd.Series, *, catalog: pd.DataFrame, family: str | None = None
) -> pd.DataFrame:
    """How each signal differs between the event group and the other closed engagements.

    ``risk_difference`` is the difference of the group means divided by the
    pooled standard deviation, signed so that a positive value means the
    event group looks riskier (Cohen's d in the risky direction).

    Returns
    -------
    DataFrame
        Columns ``signal, family, n_event, n_other, mean_event, mean_other,
        risk_difference`` (NaN when a group has fewer than 2 measured values).
    """
    chosen = catalog if family is None else catalog[catalog["family"] == family]
    closed = _closed(signals[list(chosen["signal"])], groups)
    is_event = ~closed["group"].isin([OTHER])
    rows = []
    for signal, fam in zip(chosen["signal"], chosen["family"], strict=True):
        event, other = closed.loc[is_event, signal].dropna(), closed.loc[~is_event, signal].dropna()
        pooled = np.nan
        if len(event) > 1 and len(other) > 1:
            pooled = np.sqrt(
                ((len(event) - 1) * event.var() + (len(other) - 1) * other.var())
                / (len(event) + len(other) - 2)
            )
        difference = (event.mean() - other.mean()) / pooled if pooled and pooled > 0 else np.nan
        rows.append({
            "signal": signal, "family": fam, "n_event": len(event), "n_other": len(other),
            "mean_event": event.mean(), "mean_other": other.mean(),
            "risk_difference": _risk_sign(catalog, signal) * difference,
        })
    return pd.DataFrame(rows, columns=["signal", "family", "n_event", "n_other", "mean_event",
                                       "mean_other", "risk_difference"]).round(DECIMALS)


def contrasting_pair(
    signals: pd.DataFrame, groups: pd.Series, *, catalog: pd.DataFrame, family: str
) -> tuple[str, str] | None:
    """A failing and a healthy engagement to follow week by week, chosen deterministically.

    Each closed engagement gets its mean percentile rank over the family's
    signals, taken in the risky direction. The failing one is the event
    engagement with the highest score, the healthy one the other closed
    engagement with the lowest; ties go to the smaller engagement_id.

    Returns None when either group has no engagement with a measured signal
    of the family.
    """
    names = list(catalog.loc[catalog["family"] == family, "signal"])
    closed = _closed(signals[names], groups)
    risky = pd.DataFrame(
        {name: closed[name].rank(pct=True) * _risk_sign(catalog, name) for name in names}
    )
    score = risky.mean(axis=1, skipna=True).dropna()
    is_event = closed.loc[score.index, "group"] != OTHER
    if not is_event.any() or is_event.all():
        return None
    ranked = pd.DataFrame(
        {"engagement_id": score.index.astype(str), "score": score.to_numpy(),
         "event": is_event.to_numpy()}
    )
    failing = ranked[ranked["event"]].sort_values(["score", "engagement_id"],
                                                  ascending=[False, True])["engagement_id"].iloc[0]
    healthy = ranked[~ranked["event"]].sort_values(["score", "engagement_id"],
                                                   ascending=[True, True])["engagement_id"].iloc[0]
    return str(failing), str(healthy)


def trajectory_numbers(
    over_time: pd.DataFrame, *, signal: str, labels: Mapping[str, str]
) -> pd.DataFrame:
    """Week-by-week values of ``signal``: one row per week, one column per label.

    Parameters
    ----------
    over_time : DataFrame
        Long frame ``engagement_id, week, signal, value`` (``signals.over_time``).
    labels : mapping
        engagement_id to the column label (e.g. ``"failing"``, ``"healthy"``).
    """
    rows = over_time[(over_time["signal"] == signal) & over_time["engagement_id"].isin(labels)]
    table = rows.pivot_table(index="week", columns="engagement_id", values="value",
                             aggfunc="first", dropna=False)
    table = table.reindex(columns=list(labels)).rename(columns=dict(labels))
    table.columns.name = None
    return table.sort_index().round(DECIMALS)


def forest_numbers(drivers_signals: pd.DataFrame) -> pd.DataFrame:
    """Odds ratios with 95% intervals of the tested signals, in family order.

    Returns
    -------
    DataFrame
        Columns ``family, signal, n, odds_ratio, ci_low, ci_high, q_value`` for
        the signals with an odds ratio.
    """
    tested = drivers_signals.dropna(subset=["odds_ratio", "ci_low", "ci_high"])
    order = {family: i for i, family in enumerate(FAMILIES)}
    tested = tested.assign(_order=tested["family"].map(order)).sort_values(
        ["_order", "odds_ratio", "signal"], ascending=[True, False, True], kind="stable"
    )
    columns = ["family", "signal", "n", "odds_ratio", "ci_low", "ci_high", "q_value"]
    return tested[columns].reset_index(drop=True).round(DECIMALS)


#: The two views of :func:`adjusted_numbers`, in the order they are drawn.
ONE_AT_A_TIME = "one at a time"
ADJUSTED = "adjusted for the others"


def adjusted_numbers(families: pd.DataFrame) -> pd.DataFrame:
    """Each family's odds ratio one at a time and adjusted for the others, side by side.

    Parameters
    ----------
    families : DataFrame
        A drivers result's ``families`` (family, signal, odds_ratio, ci_low,
        ci_high, adjusted_odds_ratio, adjusted_ci_low, adjusted_ci_high).

    Returns
    -------
    DataFrame
        Columns ``family, signal, view, odds_ratio, ci_low, ci_high``: two rows per
        family with a tested signal (``view`` is "one at a time" or "adjusted for
        the others"; an adjusted row is left out where it could not be fitted), in
        family order.
    """
    tested = families.dropna(subset=["odds_ratio"])
    rows = []
    for row in tested.itertuples(index=False):
        rows.append({"family": row.family, "signal": row.signal, "view": ONE_AT_A_TIME,
                     "odds_ratio": row.odds_ratio, "ci_low": row.ci_low, "ci_high": row.ci_high})
        if pd.notna(getattr(row, "adjusted_odds_ratio", np.nan)):
            rows.append({"family": row.family, "signal": row.signal, "view": ADJUSTED,
                         "odds_ratio": row.adjusted_odds_ratio, "ci_low": row.adjusted_ci_low,
                         "ci_high": row.adjusted_ci_high})
    columns = ["family", "signal", "view", "odds_ratio", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns).round(DECIMALS)


def lead_time_numbers(lead: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The numbers behind the lead-time figures of a :func:`~engagement_analytics.drivers.lead_time` result.

    Returns
    -------
    auc : DataFrame
        ``fraction, n, events, cv_auc, cv_auc_low, cv_auc_high`` per fraction.
    evidence : DataFrame
        Index family (catalog order), one column per fraction: ``-log10(q)`` of
        the family's strongest signal there (1.3 is q = 0.05, 3 is q = 0.001),
        negative where its odds ratio is below 1 (the pattern went with success,
        against its risky direction); NaN where the fraction had too few outcomes.
    """
    auc = lead.summary[["fraction", "n", "events", "cv_auc", "cv_auc_low", "cv_auc_high"]]
    families = lead.families
    strength = -np.log10(families["q_value"].astype(float))
    signed = strength * np.where(families["odds_ratio"] < 1, -1.0, 1.0)
    evidence = (families.assign(evidence=signed)
                .pivot(index="family", columns="fraction", values="evidence")
                .reindex(index=list(dict.fromkeys(families["family"])),
                         columns=list(lead.summary["fraction"])))
    evidence.columns.name = "fraction"
    return auc.reset_index(drop=True).round(DECIMALS), (evidence + 0.0).round(DECIMALS)


def auc_numbers(model: object, *, reference_auc: float | None = None) -> pd.DataFrame:
    """Cross-validated AUC with its interval, per model (logistic, plain comparison, gradient boosting).

    ``model`` is a drivers result's ``model`` (:class:`~engagement_analytics.drivers.ModelSummary`)
    or a mapping with some of its keys (``cv_auc``, ``cv_auc_low``, ...; absent models are
    left out). ``reference_auc``, when given (a sample bundle's true generating
    probabilities, :func:`engagement_analytics.sample.truth_auc`), adds a
    ``true probabilities`` row: the ceiling any model could reach on the data.
    """
    def value(key: str) -> object:
        return model.get(key) if isinstance(model, Mapping) else getattr(model, key, None)

    rows = [
        {"model": "logistic regression", "auc": value("cv_auc"),
         "low": value("cv_auc_low"), "high": value("cv_auc_high")},
        {"model": "plain (one signal per family)", "auc": value("plain_cv_auc"),
         "low": value("plain_cv_auc_low"), "high": value("plain_cv_auc_high")},
        {"model": "gradient boosting", "auc": value("gb_cv_auc"),
         "low": value("gb_cv_auc_low"), "high": value("gb_cv_auc_high")},
    ]
    if reference_auc is not None:
        rows.append({"model": "true probabilities", "auc": reference_auc, "low": None, "high": None})
    frame = pd.DataFrame(rows).dropna(subset=["auc"])
    return frame.astype({"auc": float, "low": float, "high": float}).round(DECIMALS)


def coverage_numbers(tables: Mapping[str, pd.DataFrame | None]) -> pd.DataFrame:
    """Share of filled cells per column of each contract table present.

    Parameters
    ----------
    tables : mapping
        Table name to its typed DataFrame (None for an absent table).

    Returns
    -------
    DataFrame
        Columns ``table, column, rows, filled_share``; contract columns only.
    """
    from .._contract import TABLES

    rows = []
    for name, spec in TABLES.items():
        frame = tables.get(name)
        if frame is None:
            continue
        for column in spec.columns:
            if column.name in frame.columns:
                filled = frame[column.name].notna().mean() if len(frame) else np.nan
                rows.append({"table": name, "column": column.name, "rows": len(frame),
                             "filled_share": filled})
    return pd.DataFrame(rows, columns=["table", "column", "rows", "filled_share"]).round(DECIMALS)


def outcome_numbers(engagements: pd.DataFrame, *, by: str = "practice") -> pd.DataFrame:
    """Engagements per ``by`` value and status (active, success, challenged, failed)."""
    status = engagements["outcome"].fillna(ACTIVE)
    key = engagements[by].fillna("(none)") if by in engagements else pd.Series("(all)",
                                                                             index=engagements.index)
    table = pd.crosstab(key.rename(by), status.rename("status"))
    columns = [c for c in (ACTIVE, "success", "challenged", "failed") if c in table.columns]
    table = table.reindex(columns=columns)
    table.columns.name = None
    return table.assign(total=table.sum(axis=1)).sort_index()


def measured_numbers(signals: pd.DataFrame, *, catalog: pd.DataFrame) -> pd.DataFrame:
    """Share of engagements on which each signal could be measured."""
    frame = catalog[["signal", "family"]].copy()
    frame["measured_share"] = [
        signals[name].notna().mean() if name in signals and len(signals) else np.nan
        for name in frame["signal"]
    ]
    return frame.reset_index(drop=True).round(DECIMALS)


def portfolio_numbers(
    signals: pd.DataFrame, groups: pd.Series, *, catalog: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Active engagements' signals against the portfolio's norms.

    The norm of a signal is its median over all engagements measured; the
    risk cut is the edge of the riskiest third (the 2/3 quantile for
    higher-is-riskier signals, the 1/3 quantile otherwise). An active
    engagement's ``flags`` counts its signals at or beyond the risk cut and
    strictly riskier than the edge of the healthiest third (the other
    quantile): where many engagements share one value, as with a yes/no
    signal or a mostly-zero share, the cuts fall on that value and only a
    value on its risky side is flagged (no sponsor, some turnover), never
    the common healthy value.

    Returns
    -------
    active : DataFrame
        Index engagement_id; ``flags`` then one column per signal; sorted by
        flags (most first) then engagement_id.
    norms : DataFrame
        Columns ``signal, family, direction, median, risk_cut``.
    """
    names = list(catalog["signal"])
    higher = catalog.set_index("signal")["direction"].eq(HIGHER)
    quantile = {name: _RISKIEST_THIRD if higher[name] else 1 - _RISKIEST_THIRD for name in names}
    norms = catalog[["signal", "family", "direction"]].copy()
    norms["median"] = [signals[name].median() for name in names]
    norms["risk_cut"] = [signals[name].quantile(quantile[name]) for name in names]
    healthy_cut = {name: signals[name].quantile(1 - quantile[name]) for name in names}
    active_ids = groups.index[groups == ACTIVE]
    active = signals.loc[signals.index.isin(active_ids), names]
    cut = norms.set_index("signal")["risk_cut"]
    beyond = pd.DataFrame(
        {name: (active[name] >= cut[name]) & (active[name] > healthy_cut[name]) if higher[name]
         else (active[name] <= cut[name]) & (active[name] < healthy_cut[name])
         for name in names},
        index=active.index,
    )
    active = active.assign(flags=beyond.sum(axis=1).astype(int))[["flags", *names]]
    active = active.rename_axis("engagement_id").reset_index().sort_values(
        ["flags", "engagement_id"], ascending=[False, True]
    ).set_index("engagement_id")
    return active.round(DECIMALS), norms.reset_index(drop=True).round(DECIMALS)
