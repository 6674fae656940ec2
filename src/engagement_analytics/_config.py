"""Package-wide settings: how many threads (or notebook kernels) the heavy steps use at once."""

from __future__ import annotations

import os

__all__ = ["get_n_jobs", "set_n_jobs"]

#: The default is the machine's cores, capped: past four, the loader's and the signals'
#: threads wait on memory bandwidth more than they gain, and report kernels cost memory.
MAX_DEFAULT_JOBS = 4
#: An environment variable that sets the default (a whole number >= 1).
N_JOBS_VARIABLE = "ENGAGEMENT_ANALYTICS_N_JOBS"

_n_jobs: int | None = None


def _checked(n_jobs: object, where: str) -> int:
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
        raise ValueError(f"{where} must be a whole number >= 1, got {n_jobs!r}")
    return n_jobs


def get_n_jobs() -> int:
    """How many threads the loader, the signals and the report use at once.

    The value set with :func:`set_n_jobs`, else ``$ENGAGEMENT_ANALYTICS_N_JOBS``,
    else the machine's cores capped at :data:`MAX_DEFAULT_JOBS`.

    Examples
    --------
    >>> from engagement_analytics import get_n_jobs, set_n_jobs
    >>> set_n_jobs(1); get_n_jobs()
    1
    >>> set_n_jobs(None)  # back to the default
    """
    if _n_jobs is not None:
        return _n_jobs
    if os.environ.get(N_JOBS_VARIABLE):
        text = os.environ[N_JOBS_VARIABLE].strip()
        return _checked(int(text) if text.isdigit() else text, N_JOBS_VARIABLE)
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_JOBS))


def set_n_jobs(n_jobs: int | None) -> None:
    """Set the package's number of jobs (None: back to the default of :func:`get_n_jobs`)."""
    global _n_jobs
    _n_jobs = None if n_jobs is None else _checked(n_jobs, "n_jobs")
