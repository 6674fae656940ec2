"""The results: :class:`Watchlist` and :class:`Backtest`, their tables, JSON and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["Backtest", "Watchlist", "json_value"]

#: Decimals of the probabilities in JSON and CSV.
DECIMALS = 4
#: A change in risk of at least this much (absolute) over the trend period is a trend.
TREND_THRESHOLD = 0.05
# Spreadsheets run a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def json_value(value):
    """A JSON-ready scalar: NaN and NA become None, numpy scalars Python ones, floats rounded."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, DECIMALS) if math.isfinite(value) else None
    if isinstance(value, (pd.Timestamp, dt.date)):
        return value.date().isoformat() if isinstance(value, pd.Timestamp) else value.isoformat()
    return value


def _two(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:.2f}"


def _percent(value: float) -> int | str:
    return "" if pd.isna(value) else int(round(100 * value))


def _safe_cell(value):
    """A CSV cell a spreadsheet shows as text: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


@dataclass
class Backtest:
    """The watchlist run as of past dates, against how the engagements ended.

    Attributes
    ----------
    table : DataFrame
        One row per as-of date: as_of, active, scored, judged (scored and
        closed since), events, auc, flag_count_auc, sponsor_rule_auc (on the
        same judged engagements; NaN under 5 events or non-events),
        top_decile_failure_rate, rest_failure_rate, mean_risk, observed_rate.
    scores : DataFrame
        One row per date and engagement active then: engagement_id, as_of, risk,
        fraction_elapsed, flag_count, sponsor_rule, known, event (NaN while
        unknown), top_decile.
    median_weeks_warning : float
        Median weeks from a failed engagement's first date in the top decile to its close.
    failures, failures_warned : int
        Failed engagements scored on some backtest date; how many of them were in
        the top decile on one of them.
    pooled : DataFrame
        One row per ranking (watchlist, flag count, sponsor rule): auc over every
        date at once, auc_low, auc_high (95%, resampling engagements), and for the
        baselines watchlist_minus (the watchlist's AUC minus theirs) with its
        interval. ``attrs``: rows, engagements, events.
    notes : list of str
    """

    TABLE_COLUMNS = [
        "as_of", "active", "scored", "judged", "events", "auc", "flag_count_auc",
        "sponsor_rule_auc", "top_decile_failure_rate", "rest_failure_rate", "mean_risk",
        "observed_rate",
    ]
    SCORE_COLUMNS = [
        "engagement_id", "as_of", "risk", "fraction_elapsed", "flag_count", "sponsor_rule", "known",
        "event", "top_decile",
    ]

    table: pd.DataFrame
    scores: pd.DataFrame
    median_weeks_warning: float
    failures: int
    failures_warned: int
    pooled: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def top_decile_rates(self) -> tuple[float, float]:
        """Failure rate in the top decile and in the rest, every date together (judged rows)."""
        judged = self.scores[self.scores["risk"].notna() & self.scores["known"].astype(bool)]
        top = judged["top_decile"].astype(bool)
        rate = lambda rows: float(rows["event"].mean()) if len(rows) else np.nan  # noqa: E731
        return rate(judged[top]), rate(judged[~top])

    def calibration(self, *, bins: int = 5) -> pd.DataFrame:
        """What happened to engagements by the risk they were given: equal-count bins of the
        judged (date, engagement) rows, with ``bin, mean_predicted, observed_rate, n``."""
        judged = self.scores[self.scores["risk"].notna() & self.scores["known"].astype(bool)]
        columns = ["bin", "mean_predicted", "observed_rate", "n"]
        if not len(judged):
            return pd.DataFrame(columns=columns)
        count = max(1, min(bins, len(judged) // 20))
        ranks = judged["risk"].rank(method="first")
        labels = pd.qcut(ranks, count, labels=False) + 1
        return (judged.assign(bin=labels.to_numpy())
                .groupby("bin").agg(mean_predicted=("risk", "mean"), observed_rate=("event", "mean"),
                                    n=("event", "size"))
                .reset_index()[columns])

    def summary(self) -> str:
        """The backtest in a few sentences, with the numbers."""
        if not len(self.table):
            return ("No backtest: no past month end had both enough closed engagements to train on "
                    "and most of its active engagements closed since. " + " ".join(self.notes))
        pooled = self.pooled.set_index("ranking")
        first, last = (d.date().isoformat() for d in self.table["as_of"].iloc[[0, -1]])
        own = pooled.loc["watchlist"]
        text = (f"On {len(self.table)} past month ends ({first} to {last}), the watchlist ranked the "
                "engagements active then; judged against how they ended, it separated the ones that "
                f"failed with an AUC of {_two(own['auc'])} (95% interval {_two(own['auc_low'])} to "
                f"{_two(own['auc_high'])}, all dates together), against {_two(pooled.at['flag count', 'auc'])} "
                f"for the flag count and {_two(pooled.at['sponsor rule', 'auc'])} for the sponsor rule "
                "(0.5 is chance).")
        gap = pooled.loc["flag count"]
        if pd.notna(gap["watchlist_minus_low"]):
            verdict = ("better than" if gap["watchlist_minus_low"] > 0 else
                       "worse than" if gap["watchlist_minus_high"] < 0 else "not clearly different from")
            text += (f" That is {verdict} the flag count: a difference of {gap['watchlist_minus']:+.2f} "
                     f"(95% interval {gap['watchlist_minus_low']:+.2f} to {gap['watchlist_minus_high']:+.2f}).")
        top, rest = self.top_decile_rates()
        if pd.notna(top):
            text += (f" The top tenth of the list went on to fail {top:.0%} of the time, the rest "
                     f"{rest:.0%}.")
        if pd.notna(self.median_weeks_warning):
            text += (f" {self.failures_warned} of the {self.failures} failed engagements were in the top "
                     f"tenth on at least one date, a median of {self.median_weeks_warning:.1f} weeks "
                     "before they closed.")
        return text

    def to_dict(self) -> dict:
        """JSON-ready: one list per measure, in the order of ``as_of_dates``."""
        out = {"as_of_dates": [json_value(d) for d in self.table["as_of"]]}
        first = ["auc", "flag_count_auc", "sponsor_rule_auc", "top_decile_failure_rate",
                 "rest_failure_rate"]
        for column in first:
            out[column] = [json_value(v) for v in self.table[column]]
        out["median_weeks_warning"] = json_value(self.median_weeks_warning)
        for column in self.TABLE_COLUMNS[1:]:
            if column not in first:
                out[column] = [json_value(v) for v in self.table[column]]
        out["failures"] = self.failures
        out["failures_warned"] = self.failures_warned
        out["pooled"] = [{k: json_value(v) for k, v in row.items()}
                         for row in self.pooled.to_dict("records")]
        out["notes"] = list(self.notes)
        return out


@dataclass
class Watchlist:
    """Which active engagements need attention now, why, and what to do.

    Attributes
    ----------
    as_of : datetime.date
    outcome : str
        ``failed`` or ``failed_or_challenged``.
    base_rate : float
        Share of the engagements closed by ``as_of`` that ended with the outcome.
    engagements : DataFrame
        One row per active engagement, riskiest first (unscored ones last):
        engagement_id, rank, risk, risk_low, risk_high (95% bootstrap interval),
        base_rate (of its landmark), fraction_elapsed, landmark, status, note,
        risk_4_weeks_ago, trend (``up``, ``down``, ``steady``, ``new``), change,
        reasons (list of sentences), reason_signals, family, action.
    landmarks : DataFrame
        One row per landmark as of ``as_of``: landmark, closed (training
        engagements), events, still_running, base_rate, status, penalty, refits
        (bootstrap refits behind the intervals), active (engagements scored there).
    backtest : Backtest or None
    warnings : list of str
    trend_weeks : int
    """

    as_of: dt.date
    outcome: str
    base_rate: float
    engagements: pd.DataFrame
    landmarks: pd.DataFrame
    backtest: Backtest | None
    warnings: list[str]
    trend_weeks: int
    n_bootstrap: int
    _engine: object = field(default=None, repr=False, compare=False)

    JSON_KEYS = (
        "engagement_id", "risk", "risk_low", "risk_high", "fraction_elapsed", "risk_4_weeks_ago",
        "reasons", "family", "action", "base_rate", "landmark", "trend", "change", "note",
    )

    def to_dict(self) -> dict:
        """The JSON of ``engagement-analytics watchlist --json`` (NaN becomes null)."""
        engagements = []
        for row in self.engagements.to_dict("records"):
            item = {key: json_value(row.get(key)) for key in self.JSON_KEYS if key != "reasons"}
            item["reasons"] = list(row["reasons"])
            engagements.append({key: item[key] for key in self.JSON_KEYS})
        return {
            "as_of": self.as_of.isoformat(),
            "outcome": self.outcome,
            "base_rate": json_value(self.base_rate),
            "trend_weeks": self.trend_weeks,
            "n_bootstrap": self.n_bootstrap,
            "engagements": engagements,
            "landmarks": [{k: json_value(v) for k, v in row.items()}
                          for row in self.landmarks.to_dict("records")],
            "backtest": None if self.backtest is None else self.backtest.to_dict(),
            "warnings": list(self.warnings),
        }

    def summary(self) -> str:
        """Who is on the list, as of when, against what base rate."""
        scored = self.engagements["risk"].notna()
        event = self.outcome.replace("_", " ")
        return (
            f"{len(self.engagements)} active engagements as of {self.as_of.isoformat()}, "
            f"{int(scored.sum())} of them scored: each risk is the probability of ending {event}, "
            "learnt from the closed engagements as they stood at the same point of their planned "
            f"schedule. {self.base_rate:.0%} of the engagements closed by then ended {event}."
            if len(self.engagements) else
            f"No engagement is active as of {self.as_of.isoformat()}: nothing to rank."
        )

    def findings(self, *, top: int = 3) -> list[str]:
        """Plain sentences for the report's index: the riskiest engagements and the backtest."""
        out = []
        for row in self.engagements[self.engagements["risk"].notna()].head(top).itertuples():
            line = f"{row.engagement_id}: risk {row.risk:.0%} (base rate {row.base_rate:.0%})"
            if isinstance(row.family, str):
                line += f"; act on {row.family.replace('_', ' ')}: {row.action}"
            out.append(line)
        if self.backtest is not None:
            out.append(self.backtest.summary())
        return out or [self.summary()]

    def caveats(self) -> list[str]:
        """What a reader should know before acting on the list: the method's limits, then the warnings."""
        marks = self._engine.landmarks if self._engine is not None else ()
        step = f"{marks[1] - marks[0]:.0%} of plan" if len(marks) > 1 else "one landmark"
        return [
            "Each risk is that of past engagements at the latest landmark an engagement has "
            f"reached (every {step}), so up to one step behind where it is now; where failures "
            "tend to close in between, risks run high.",
            "The interval shows how much the estimate would move with other past engagements to "
            "learn from (bootstrap); it is not a range for the outcome itself.",
            "Reasons are patterns that went with failure in past engagements, not proven causes: "
            "use them to open a conversation, not to close one.",
            "Engagements still running stand in through weights on the closed ones (inverse "
            "probability of censoring weighting), which assumes that when an engagement started "
            "says nothing about how it will end.",
            "The backtest judges each past date only on the engagements whose outcome is known today.",
            *self.warnings,
        ]

    def table(self) -> pd.DataFrame:
        """The ranked list as a reader sees it: whole percentages, one reason, the action.

        Numbers stay numbers (so that a report table sorts them as numbers):
        ``risk %``, ``4 weeks ago %`` and ``progress %`` are integers or blank.
        """
        rows = self.engagements
        arrows = {"up": "↑", "down": "↓", "steady": "→", "new": "new"}
        interval = [
            "" if pd.isna(low) else f"{_percent(low)}–{_percent(high)}"
            for low, high in zip(rows["risk_low"], rows["risk_high"], strict=True)
        ]
        return pd.DataFrame({
            "rank": rows["rank"].to_numpy(),
            "engagement": rows["engagement_id"].to_numpy(),
            "risk %": [_percent(v) for v in rows["risk"]],
            "95% interval": interval,
            f"{self.trend_weeks} weeks ago %": [_percent(v) for v in rows["risk_4_weeks_ago"]],
            "trend": [arrows.get(t, "") for t in rows["trend"]],
            "progress %": [_percent(v) for v in rows["fraction_elapsed"]],
            "top reason": [r[0] if r else (n if isinstance(n, str) else "")
                           for r, n in zip(rows["reasons"], rows["note"], strict=True)],
            "family": [f.replace("_", " ") if isinstance(f, str) else "" for f in rows["family"]],
            "action": [a if isinstance(a, str) else "" for a in rows["action"]],
        })

    def reasons_table(self) -> pd.DataFrame:
        """Every reason of every scored engagement, and what changed since the trend date."""
        rows = self.engagements[self.engagements["risk"].notna()]
        return pd.DataFrame({
            "rank": rows["rank"].to_numpy(),
            "engagement": rows["engagement_id"].to_numpy(),
            "reasons": [" ".join(r) for r in rows["reasons"]],
            f"since {self.trend_weeks} weeks ago": [c if isinstance(c, str) else "" for c in rows["change"]],
        })

    def to_csv(self, path: str | Path) -> Path:
        """Write one row per engagement (reasons joined by `` | ``); formula-like text is defused."""
        path = Path(path)
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(self.JSON_KEYS)
            for item in self.to_dict()["engagements"]:
                item["reasons"] = " | ".join(item["reasons"])
                writer.writerow(["" if item[k] is None else _safe_cell(item[k]) for k in self.JSON_KEYS])
        return path

    def history(self, *, top: int = 10, every_days: int = 14, steps: int = 13) -> pd.DataFrame:
        """Risk of the ``top`` riskiest engagements as the watchlist would have said on earlier dates.

        Each point is computed as of its date (models trained on what had closed
        by then, signals up to then), every ``every_days`` days back from
        :attr:`as_of`, ``steps`` dates in all.

        Returns
        -------
        DataFrame
            engagement_id, as_of, risk, landmark (long format; dates where an
            engagement had not started or was not yet scored are left out).
        """
        if self._engine is None:
            raise ValueError("this Watchlist was not computed here: no history available")
        if steps < 1 or every_days < 1:
            raise ValueError("steps and every_days must be at least 1")
        ids = pd.Index(self.engagements.loc[self.engagements["risk"].notna(), "engagement_id"][:top])
        frames = []
        for step in reversed(range(steps)):
            day = self._engine.day - step * every_days
            scored = self._engine.score(day, ids)
            scored = scored[scored["risk"].notna()]
            frames.append(pd.DataFrame({
                "engagement_id": scored.index, "as_of": pd.Timestamp(self.as_of) - pd.Timedelta(
                    days=step * every_days), "risk": scored["risk"].to_numpy(),
                "landmark": scored["landmark"].to_numpy(),
            }))
        return pd.concat(frames, ignore_index=True)
