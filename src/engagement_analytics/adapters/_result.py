"""What an adapter returns: bundle tables in raw contract form and an import report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from .._controls import replace_controls

__all__ = ["AdapterError", "AdapterResult", "ImportReport", "first_line"]

#: Characters of a title kept in the list of unmatched events.
TITLE_EXCERPT = 40
#: Report note counting the open-ended series cut at the default horizon
#: (``open_ended_series_cut_at_<date>``): their later occurrences are not read.
OPEN_ENDED_NOTE = "open_ended_series_cut_at_"


class AdapterError(Exception):
    """An export the adapter cannot read: one line naming the file and the place."""


def first_line(exc: object) -> str:
    """The first line of an exception's text (200 characters at most), for an AdapterError."""
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


@dataclass
class ImportReport:
    """What an adapter read, mapped, skipped (and why) and noticed.

    ``read == mapped + sum(skipped.values())`` always: nothing is dropped
    without being counted under a reason.

    Attributes
    ----------
    adapter : str
        ``ics``, ``outlook-csv``, ``zoom``, ``salesforce``, ``mbox``, ``eml``,
        ``slack``, ``graph``, ``jira`` or ``raid``.
    unit : str
        What is counted (``event occurrences``, ``participant rows``, ...).
    read, mapped : int
    skipped : Counter
        Per reason (``all_day``, ``no_engagement_matched``, ...).
    notes : Counter
        Things counted but not skipped (``floating_time_read_in_<tz>``,
        ``cancelled``, ``attendee_without_email``, ...).
    unmatched : list of dict
        Items no rule could place: ``file, uid, start, title`` (a title
        excerpt). Personal; it stays on the user's machine.
    """

    adapter: str
    unit: str
    read: int = 0
    mapped: int = 0
    skipped: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)
    unmatched: list[dict[str, str]] = field(default_factory=list)

    def skip(self, reason: str, count: int = 1, *, listed: dict[str, str] | None = None) -> None:
        """Count ``count`` read items as skipped for ``reason`` (and list them if given)."""
        self.skipped[reason] += count
        if listed is not None:
            listed = dict(listed, reason=reason)
            listed["title"] = str(listed.get("title", ""))[:TITLE_EXCERPT]
            # Outside text, written to --unmatched CSV: no NUL or other control character.
            listed = {k: replace_controls(str(v))[0] for k, v in listed.items()}
            self.unmatched.append(listed)

    def merge(self, other: ImportReport) -> None:
        """Add another report's counts (several files of one import)."""
        self.read += other.read
        self.mapped += other.mapped
        self.skipped.update(other.skipped)
        self.notes.update(other.notes)
        self.unmatched += other.unmatched

    @property
    def balanced(self) -> bool:
        """Whether every item read is either mapped or skipped under a reason."""
        return self.read == self.mapped + sum(self.skipped.values())

    def unmatched_frame(self) -> pd.DataFrame:
        """The unmatched items as a DataFrame: file, uid, start, title, reason."""
        return pd.DataFrame(self.unmatched, columns=["file", "uid", "start", "title", "reason"])

    def open_ended_cuts(self) -> dict[str, int]:
        """Open-ended recurring series cut at the default horizon: ``{last day read: count}``."""
        return {
            note.removeprefix(OPEN_ENDED_NOTE): count
            for note, count in sorted(self.notes.items())
            if note.startswith(OPEN_ENDED_NOTE)
        }

    def lines(self) -> list[str]:
        """Plain-text summary, one fact per line (what the CLI prints)."""
        out = [f"{self.unit} read: {self.read}", f"  mapped: {self.mapped}"]
        out += [f"  skipped ({reason}): {n}" for reason, n in sorted(self.skipped.items())]
        out += [f"  note ({what}): {n}" for what, n in sorted(self.notes.items())]
        return out


@dataclass
class AdapterResult:
    """Bundle tables built by an adapter, as raw contract-form string frames.

    Dates are ``YYYY-MM-DD``, datetimes ISO 8601 with an offset, bools
    ``true``/``false`` and missing values empty strings, exactly what a
    bundle CSV file holds; :func:`write_bundle` writes them out and
    ``load_bundle`` validates them.

    Attributes
    ----------
    tables : dict of str to DataFrame
        Some of ``engagements, stakeholders, meetings, attendance,
        communications, commitments``.
    report : ImportReport
    """

    tables: dict[str, pd.DataFrame]
    report: ImportReport

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]
