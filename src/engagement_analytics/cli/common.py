"""Shared pieces of the CLI: consoles, one-line errors, option parsing."""

from __future__ import annotations

import datetime as dt

from rich.console import Console

console = Console(highlight=False, soft_wrap=True)
console_err = Console(stderr=True, highlight=False, soft_wrap=True)


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
