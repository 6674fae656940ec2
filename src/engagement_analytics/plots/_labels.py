"""Plain words for code names: the catalog's signal labels and the family names.

Tables and figure axes show these; the code name stays available as a
tooltip, so an analyst can still find the column behind a label.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import pandas as pd

from .._contract import FAMILIES

__all__ = ["binary_signals", "family_label", "label_of", "labels", "share_signals", "unit_of"]


def family_label(family: object) -> str:
    """``"sponsor_absence"`` -> ``"Sponsor absence"``."""
    return str(family).replace("_", " ").capitalize()


@functools.cache
def _catalog_labels() -> tuple[tuple[str, str], ...]:
    from .. import signals

    catalog = signals.catalog()
    return tuple(zip(catalog["signal"], catalog["label"], strict=True))


def labels(catalog: pd.DataFrame | None = None) -> dict[str, str]:
    """Code name -> plain label for every signal of ``catalog`` (default: the package's) and family.

    A catalog without a ``label`` column (a user's own) labels its signals by
    their names with spaces for underscores.
    """
    if catalog is None:
        pairs = dict(_catalog_labels())
    else:
        names = catalog["signal"] if "signal" in catalog else pd.Series(catalog.index)
        texts = catalog["label"] if "label" in catalog else names.str.replace("_", " ")
        pairs = dict(zip(names, texts, strict=True))
    families = {family: family_label(family) for family in FAMILIES}
    if catalog is not None and "family" in catalog:
        families.update({family: family_label(family) for family in catalog["family"].unique()})
    return {**families, **pairs}


def label_of(name: object, mapping: Mapping[str, str] | None = None) -> str:
    """The plain label of ``name`` in ``mapping`` (default :func:`labels`), else ``name`` itself."""
    mapping = labels() if mapping is None else mapping
    return mapping.get(str(name), str(name))


@functools.cache
def share_signals() -> frozenset[str]:
    """The package's signals measured as a share (0 to 1), shown as percentages."""
    from .. import signals

    catalog = signals.catalog()
    return frozenset(catalog.loc[catalog["unit"].str.startswith("share"), "signal"])


@functools.cache
def binary_signals() -> frozenset[str]:
    """The package's yes (1) / no (0) signals, shown as yes and no."""
    from .. import signals

    catalog = signals.catalog()
    return frozenset(catalog.loc[catalog["unit"].str.startswith("yes"), "signal"])


@functools.cache
def _units() -> tuple[tuple[str, str], ...]:
    from .. import signals

    catalog = signals.catalog()
    return tuple(zip(catalog["signal"], catalog["unit"], strict=True))


def unit_of(signal: object) -> str:
    """The catalog unit of one of the package's signals (``"share"``, ``"ratio"``...), else ``""``."""
    return dict(_units()).get(str(signal), "")
