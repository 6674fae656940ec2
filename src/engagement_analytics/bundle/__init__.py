"""Loading a bundle: read every file, check every contract rule, pseudonymise people.

:func:`load_bundle` is the border: everything after it trusts typed frames.
"""

from ._load import load_bundle
from ._rejects import write_rejects
from ._types import Bundle, BundleError, LoadReport, Problem, TableCounts

__all__ = [
    "Bundle",
    "BundleError",
    "LoadReport",
    "Problem",
    "TableCounts",
    "load_bundle",
    "write_rejects",
]
