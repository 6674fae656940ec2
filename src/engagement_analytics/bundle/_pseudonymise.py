"""Keyed pseudonyms for person ids.

Person ids are usually e-mail addresses. They are replaced at load by
``P`` + 12 hex digits of HMAC-SHA256(key, normalised id): the same person gets
the same pseudonym everywhere in one load, so joins still work, while nobody
without the key can recompute a pseudonym from a guessed address. Ids are
normalised (trimmed, lower-cased) first, because e-mail addresses are
case-insensitive in practice.

The key is, in order: the ``pseudonym_key`` argument, the environment variable
``ENGAGEMENT_ANALYTICS_PSEUDONYM_KEY``, or a random key made for this load
alone (then pseudonyms differ between loads). The key is never written out.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._config import get_n_jobs
from ._arrow_ops import encode

__all__ = ["KEY_ENVIRONMENT_VARIABLE", "pseudonymise", "resolve_key"]

KEY_ENVIRONMENT_VARIABLE = "ENGAGEMENT_ANALYTICS_PSEUDONYM_KEY"


def resolve_key(key: str | bytes | None) -> bytes:
    """The HMAC key to use: given, from the environment, or random for this load."""
    if key is None:
        key = os.environ.get(KEY_ENVIRONMENT_VARIABLE) or secrets.token_bytes(32)
    return key.encode() if isinstance(key, str) else key


def pseudonymise(
    columns: list[pd.Series],
    key: bytes,
    *,
    encoded: list[tuple[np.ndarray, list[str]] | None] | None = None,
) -> list[pd.Series]:
    """Replace each id by its keyed pseudonym, in every column alike.

    Ids arrive normalised (trimmed, lower-cased) from the parser. Each distinct
    id is hashed once, however many columns and rows hold it. ``encoded``
    may give a column's :func:`encode` result, already computed by the caller.
    """
    given = encoded or [None] * len(columns)
    encoded = [known if known is not None else encode(column) for column, known in zip(columns, given, strict=True)]
    pseudonym: dict[str, str] = {}
    for _, uniques in encoded:
        for person in uniques:
            if person not in pseudonym:
                pseudonym[person] = "P" + hmac.new(key, person.encode(), hashlib.sha256).hexdigest()[:12]

    def replace(column: pd.Series, codes: np.ndarray, uniques: list[str]) -> pd.Series:
        # Missing ids (-1) pick the trailing None.
        lookup = pa.array([pseudonym[u] for u in uniques] + [None], type=pa.large_string())
        taken = pc.take(lookup, np.where(codes < 0, len(uniques), codes))
        return pd.Series(taken, index=column.index, dtype="str")

    # Arrow's take releases the GIL: n_jobs columns at a time.
    with ThreadPoolExecutor(max_workers=get_n_jobs()) as pool:
        return list(pool.map(lambda item: replace(item[0], *item[1]), zip(columns, encoded, strict=True)))
