"""The signals as Ibis expressions, run on any engine (DuckDB by default, Spark, ...).

Mirrors the numpy path module by module (``_prepare``, ``_families``); the
parity tests in ``tests/signals/test_engines.py`` hold the two together.
"""

from ._frame import signal_values
from ._tables import SIGNAL_COLUMNS, bundle_tables

__all__ = ["SIGNAL_COLUMNS", "bundle_tables", "signal_values"]
