"""generate() and SampleBundle: the six contract tables and the truth behind them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._atomic import replace_files
from .._contract import TABLES
from ..safe_csv import escape_frame
from ._attendance import draw_attendance
from ._commitments import draw_commitments
from ._csv import write_csv
from ._dark import DarkSpells
from ._design import DEFAULT_AS_OF, FAMILIES, intercept_for, planted_betas, planted_table, sigmoid
from ._engagements import OUTCOME_NAMES, draw_engagements
from ._meetings import draw_meetings
from ._messages import draw_messages
from ._people import draw_people
from ._readme import readme_text
from ._tables import (
    attendance_table,
    commitments_table,
    communications_table,
    engagement_ids,
    engagements_table,
    meeting_ids,
    meetings_table,
    stakeholders_table,
)

__all__ = ["DEFAULT_AS_OF", "SampleBundle", "generate", "planted_table", "truth_auc"]

TABLE_NAMES = tuple(TABLES)


@dataclass
class SampleBundle:
    """A generated bundle and its truth.

    Attributes
    ----------
    tables : dict of str to pandas.DataFrame
        The six contract tables as raw text cells, exactly as written to CSV
        (missing cells are NaN).
    truth : pandas.DataFrame
        One row per engagement: ``engagement_id``, ``closed``, ``outcome``
        (as in the bundle, empty while active), ``eventual_outcome`` (drawn for
        every engagement), ``failure_log_odds``, ``failure_probability`` (the
        probability the outcome was drawn with; ``true_failure_probability``
        is the same column under the name the drivers notebook uses) and one
        standardised latent trait ``z_<family>`` per family, oriented so that
        higher means more of what the family is named after.
    planted : pandas.DataFrame
        ``family, planted, direction, beta_per_sd`` (see :func:`planted_table`).
    intercept : float
        Failure log-odds when every planted trait is 0.
    n_engagements, seed, as_of, dark_onset
        The arguments the bundle was generated with.
    """

    tables: dict[str, pd.DataFrame]
    truth: pd.DataFrame
    planted: pd.DataFrame
    intercept: float
    n_engagements: int
    seed: int
    as_of: dt.date
    dark_onset: float = 0.0

    def write(self, out_dir: str | Path) -> Path:
        """Write the six tables, ``truth.csv`` and ``README.md`` into ``out_dir``, all or nothing.

        Files are byte-identical for the same arguments of :func:`generate`.
        They replace the folder's previous ones as one set (as ``import``
        writes a bundle): a run killed half-way leaves the previous files,
        never a mix; other files in the folder are kept.

        Returns
        -------
        pathlib.Path
            The folder written to (created if needed).
        """
        out = Path(out_dir)
        truth = self.truth.copy()
        truth["closed"] = np.where(truth["closed"], "true", "false")
        writers = {f"{name}.csv": lambda path, frame=self.tables[name]: write_csv(frame, path)
                   for name in TABLE_NAMES}
        writers["truth.csv"] = lambda path: escape_frame(truth, index=False).to_csv(
            path, index=False, float_format="%.6f", lineterminator="\n")
        writers["README.md"] = lambda path: path.write_text(readme_text(self), encoding="utf-8",
                                                            newline="\n")
        replace_files(out, writers)
        return out


def _as_of_date(as_of: str | dt.date) -> dt.date:
    if isinstance(as_of, dt.datetime):
        return as_of.date()
    if isinstance(as_of, dt.date):
        return as_of
    try:
        return dt.date.fromisoformat(str(as_of).strip())
    except ValueError:
        raise ValueError(f"as_of: {as_of!r} is not a date (expected YYYY-MM-DD)") from None


def generate(
    *,
    n_engagements: int = 300,
    seed: int = 0,
    as_of: str | dt.date = DEFAULT_AS_OF,
    planted: Mapping[str, float] | None = None,
    dark_onset: float = 0.0,
) -> SampleBundle:
    """Generate a synthetic bundle with a planted truth.

    Parameters
    ----------
    n_engagements : int, default 300
        Number of engagements (about 50 meetings each on average).
    seed : int, default 0
        Seed of every random draw: the same arguments give the same bundle.
    as_of : str or datetime.date, default DEFAULT_AS_OF ("2026-06-30")
        Export date: no row is dated after it; engagements not closed by then
        are active (empty ``closed_date`` and ``outcome``).
    planted : mapping of str to float, optional
        The families that drive failure and how strongly: the increase in
        failure log-odds per SD of each family's latent trait, taken in its
        risky direction (more overselling, less champion engagement, ...), e.g.
        ``{"going_dark": 1.0}``. Families left out carry no effect and are
        balanced across outcomes. The intercept is solved so that the base
        rate stays near the default's (29%). Default: overselling, sponsor
        absence, commitment reciprocity and champion engagement at 1.0 each.
    dark_onset : float, default 0.0
        From which fraction of the planned schedule on the going-dark trait
        shapes the client's dark spells; before it every client goes dark at
        the portfolio's average rate. A late onset plants a pattern that cannot
        be seen early (the drivers' lead-time view must not find it there).

    Returns
    -------
    SampleBundle
        The six tables, the truth and the planted effects.
    """
    if isinstance(n_engagements, bool) or not isinstance(n_engagements, (int, np.integer)):
        raise TypeError(f"n_engagements must be an int, got {n_engagements!r}")
    if n_engagements < 1:
        raise ValueError(f"n_engagements must be at least 1, got {n_engagements}")
    betas = planted_betas(planted)
    if isinstance(dark_onset, bool) or not np.isfinite(dark_onset) or not 0 <= dark_onset < 2:
        raise ValueError(f"dark_onset must be a fraction of the planned schedule in [0, 2), got {dark_onset!r}")
    intercept = intercept_for(betas)
    as_of_date = _as_of_date(as_of)
    as_of_day = int(np.datetime64(as_of_date, "D").astype(np.int64))
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(7)]

    plan = draw_engagements(streams[0], int(n_engagements), as_of_day, betas=betas, intercept=intercept)
    people = draw_people(streams[1], plan)
    dark = DarkSpells(streams[2], plan, onset=float(dark_onset))
    meetings = draw_meetings(streams[3], plan, people, engagement_ids(plan.n))
    attendance = draw_attendance(streams[4], plan, people, meetings, dark)
    commitments = draw_commitments(streams[5], plan, people)
    messages = draw_messages(streams[6], plan, people, dark)

    ids = engagement_ids(plan.n)
    mtg_ids = meeting_ids(meetings.eng.size)
    tables = {
        "engagements": engagements_table(plan, ids),
        "stakeholders": stakeholders_table(plan, people, ids),
        "meetings": meetings_table(plan, people, meetings, ids, mtg_ids),
        "attendance": attendance_table(people, mtg_ids, attendance),
        "commitments": commitments_table(people, commitments, ids),
        "communications": communications_table(people, messages, ids),
    }
    probability = sigmoid(plan.log_odds)
    outcome = np.asarray(OUTCOME_NAMES, dtype=object)[plan.outcome]
    truth = pd.DataFrame({
        "engagement_id": ids.to_pylist(),
        "closed": plan.closed,
        "outcome": np.where(plan.closed, outcome, None),
        "eventual_outcome": outcome,
        "failure_log_odds": plan.log_odds,
        "failure_probability": probability,
        "true_failure_probability": probability,
    })
    for k, family in enumerate(FAMILIES):
        truth[f"z_{family}"] = plan.latents[:, k]
    return SampleBundle(
        tables=tables, truth=truth, planted=planted_table(planted), intercept=intercept,
        n_engagements=int(n_engagements), seed=seed, as_of=as_of_date, dark_onset=float(dark_onset),
    )


def truth_auc(truth: pd.DataFrame, outcomes: pd.Series, *, outcome: str = "failed") -> float:
    """AUC of the true generating probabilities: the best any model can do on a sample.

    Parameters
    ----------
    truth : DataFrame
        ``engagement_id`` and ``failure_probability`` (a sample's ``truth.csv``).
    outcomes : Series
        Outcome per engagement (index ``engagement_id``); active ones (missing)
        are left out, as the drivers analysis leaves them out.
    outcome : {"failed", "failed_or_challenged"}
        What counts as the event, as in :func:`engagement_analytics.drivers.analyze`.

    Returns
    -------
    float
        NaN when the closed engagements hold only one outcome class.

    Examples
    --------
    >>> truth = pd.DataFrame({"engagement_id": ["a", "b", "c"], "failure_probability": [0.9, 0.2, 0.4]})
    >>> truth_auc(truth, pd.Series({"a": "failed", "b": "success", "c": "failed"}))
    1.0
    """
    from sklearn.metrics import roc_auc_score

    events = ("failed",) if outcome == "failed" else ("failed", "challenged")
    closed = outcomes.dropna()
    probability = truth.set_index("engagement_id")["failure_probability"].reindex(closed.index)
    failed = closed.isin(events)
    if failed.nunique() < 2:
        return float("nan")
    return float(roc_auc_score(failed, probability))
