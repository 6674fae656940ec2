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

import numpy as np
import pandas as pd

__all__ = ["KEY_ENVIRONMENT_VARIABLE", "normalise_person_ids", "pseudonymise", "resolve_key"]

KEY_ENVIRONMENT_VARIABLE = "ENGAGEMENT_ANALYTICS_PSEUDONYM_KEY"


def resolve_key(key: str | bytes | None) -> bytes:
    """The HMAC key to use: given, from the environment, or random for this load."""
    if key is None:
        key = os.environ.get(KEY_ENVIRONMENT_VARIABLE) or secrets.token_bytes(32)
    return key.encode() if isinstance(key, str) else key


def normalise_person_ids(ids: pd.Series) -> pd.Series:
    """Trim and lower-case person ids (e-mail addresses compare case-insensitively)."""
    return ids.str.strip().str.lower()


def pseudonymise(ids: pd.Series, key: bytes) -> pd.Series:
    """Replace each id by its keyed pseudonym; hashes each distinct id once."""
    codes, uniques = pd.factorize(ids, use_na_sentinel=True)
    hashed = np.array(
        ["P" + hmac.new(key, str(u).encode(), hashlib.sha256).hexdigest()[:12] for u in uniques],
        dtype=object,
    )
    out = np.where(codes >= 0, hashed[np.maximum(codes, 0)] if len(hashed) else None, None)
    return pd.Series(out, index=ids.index, dtype="str")
