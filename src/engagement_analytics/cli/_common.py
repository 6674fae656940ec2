"""Shared pieces of the CLI: consoles, one-line errors, option parsing, CSV output.

Every CSV the CLI writes goes through :func:`write_csv` (spreadsheet-safe cells).
"""

from __future__ import annotations

import datetime as dt

from rich.console import Console

from .._safe_csv import write_csv

__all__ = ["UsageProblem", "console", "console_err", "parse_date", "write_csv"]

# Everything the CLI prints may hold untrusted text (paths, sheet names, titles,
# cell values): rich markup ("[/]"), emoji codes (":x:") and highlighting are
# off for every print. Styled words are passed as rich Text objects instead.
console = Console(markup=False, emoji=False, highlight=False, soft_wrap=True)
console_err = Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)


class UsageProblem(Exception):
    """A bad option value or path: printed as one line, exit code 2."""


def parse_date(value: str | None, *, option: str) -> dt.date | None:
    """Parse an ISO ``YYYY-MM-DD`` option value, or raise :class:`UsageProblem`."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageProblem(f"{option}: {value!r} is not a date (expected YYYY-MM-DD)") from None
