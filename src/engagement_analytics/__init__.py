"""engagement-analytics: measure the relationship patterns that sink consulting engagements.

The public API is small:

- :func:`load_bundle` reads and validates an export bundle (see ``docs/bundle.md``);
- :mod:`engagement_analytics.signals` computes the nine pattern families per engagement;
- :mod:`engagement_analytics.drivers` tests which of them predict failure;
- :mod:`engagement_analytics.watchlist` ranks the active engagements by risk, says why and what
  to do, and checks that warning against past dates;
- :mod:`engagement_analytics.sample` generates bundles with a known, planted truth;
- :mod:`engagement_analytics.plots` builds the report figures;
- :mod:`engagement_analytics.adapters` turns calendar and CRM exports into a bundle.

Commands that write lock what they write: a second run waits up to
:data:`LOCK_WAIT_SECONDS`, then raises :class:`FolderBusy` (an ``OSError``).
"""

from ._atomic import LOCK_WAIT_SECONDS, FolderBusy
from ._config import get_n_jobs, set_n_jobs
from .bundle import Bundle, BundleError, LoadReport, Problem, load_bundle

__version__ = "0.1.0"

__all__ = [
    "LOCK_WAIT_SECONDS",
    "Bundle",
    "BundleError",
    "FolderBusy",
    "LoadReport",
    "Problem",
    "get_n_jobs",
    "load_bundle",
    "set_n_jobs",
    "__version__",
]
