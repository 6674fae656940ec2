"""Which live engagements need attention now, why, and how well that warning has worked before.

:func:`watchlist` scores every active engagement with a landmark model: a
regularised logistic regression (the drivers' pipeline) trained on the closed
engagements as they stood at the same point of their planned schedule, using
only what was known on the as-of date. Each engagement gets a risk with a
bootstrap interval and its landmark's base rate, the two or three signals that
push its risk up most as sentences with the numbers, the family to act on and
what practice advises for it (``advice.toml``), and its risk as of four weeks
earlier. With ``backtest=True`` the same warning is run as of past month ends
and compared with how the engagements ended, next to two simple rules.

Examples
--------
>>> from engagement_analytics import load_bundle, watchlist
>>> result = watchlist.watchlist(load_bundle("data/sample"), n_bootstrap=20)
>>> list(result.to_dict())[:3]
['as_of', 'outcome', 'base_rate']
"""

from ._advice import format_value, load_advice
from ._backtest import MIN_KNOWN_SHARE, TOP_SHARE
from ._frames import MAX_TRAINING
from ._reasons import MAX_REASONS, MIN_REASON_LOG_ODDS
from ._result import TREND_THRESHOLD, Backtest, Watchlist
from ._risk import MIN_PER_CLASS, MIN_TRAINING
from ._watchlist import DEFAULT_LANDMARKS, watchlist

__all__ = [
    "DEFAULT_LANDMARKS",
    "MAX_REASONS",
    "MAX_TRAINING",
    "MIN_KNOWN_SHARE",
    "MIN_PER_CLASS",
    "MIN_REASON_LOG_ODDS",
    "MIN_TRAINING",
    "TOP_SHARE",
    "TREND_THRESHOLD",
    "Backtest",
    "Watchlist",
    "format_value",
    "load_advice",
    "watchlist",
]
