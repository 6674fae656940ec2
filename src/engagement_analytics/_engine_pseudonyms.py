"""Keyed pseudonyms computed inside an engine: HMAC-SHA256 from the engine's own SHA-256.

The loader replaces a person id by ``P`` + the first 12 hex digits of
HMAC-SHA256(key, normalised id) (``bundle/_pseudonymise.py``). When the rows stay in
an engine (a bundle read out of core, a Spark table), the same pseudonym must be
computed there, before anything leaves it, so raw ids never reach Python.

No engine here has an HMAC function. A keyed hash such as SHA-256(key || id) is
*not* HMAC (and is open to length extension); a Python UDF would be HMAC but
sends every id through Python, one at a time. HMAC itself needs only a hash:

    HMAC(K, m) = H((K0 xor opad) || H((K0 xor ipad) || m))

(RFC 2104; K0 is the key padded with zeros to the 64-byte block, or hashed first
when longer). The two padded keys are constants worked out here in Python, so the
engine runs two SHA-256 calls on byte strings per id: exactly the loader's
pseudonym, at the engine's speed (DuckDB ``sha256``/``from_hex`` on BLOBs; Spark
``sha2``/``unhex`` on BINARY). The key appears in the query text as the two
padded constants: the query is not logged or shown by this package.

Normalisation before hashing, as the loader's: trimmed, lower-cased, empty as
missing. Trimming in SQL removes the white space listed in :data:`_WHITESPACE`
(Python's own, which covers what Arrow trims in practice).
"""

from __future__ import annotations

import hashlib

__all__ = ["pseudonym_sql"]

_BLOCK = 64  # SHA-256 block size in bytes
_WHITESPACE = "".join(chr(c) for c in range(0x3000 + 1) if chr(c).isspace())


def _padded_keys(key: bytes) -> tuple[str, str]:
    """``(K0 xor ipad, K0 xor opad)`` as hex."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key).hex(), bytes(b ^ 0x5C for b in key).hex()


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def pseudonym_sql(column: str, key: bytes, dialect: str) -> str:
    """A SQL expression: the loader's pseudonym of the id in ``column`` (an SQL expression).

    Parameters
    ----------
    column : str
        The id column, already quoted for ``dialect``.
    key : bytes
        The HMAC key (``bundle`` resolves it from the argument or the environment).
    dialect : {"duckdb", "pyspark"}

    Examples
    --------
    >>> import duckdb, hmac, hashlib
    >>> sql = pseudonym_sql("p", b"k", "duckdb")
    >>> in_engine = duckdb.sql(f"SELECT {sql} FROM (VALUES (' Ann@X.example ')) v(p)").fetchone()[0]
    >>> in_engine == "P" + hmac.new(b"k", b"ann@x.example", hashlib.sha256).hexdigest()[:12]
    True
    """
    inner, outer = _padded_keys(key)
    blanks = _sql_string(_WHITESPACE)
    if dialect == "duckdb":
        normal = f"NULLIF(lower(trim({column}, {blanks})), '')"
        digest = (f"sha256(from_hex('{outer}') || "
                  f"from_hex(sha256(from_hex('{inner}') || encode({normal}))))")
        return f"('P' || left({digest}, 12))"
    if dialect == "pyspark":
        normal = f"NULLIF(lower(trim(BOTH {blanks} FROM {column})), '')"
        digest = (f"sha2(concat(unhex('{outer}'), "
                  f"unhex(sha2(concat(unhex('{inner}'), encode({normal}, 'UTF-8')), 256))), 256)")
        return f"concat('P', substr({digest}, 1, 12))"
    raise ValueError(f"no in-engine pseudonyms for {dialect!r} yet: use duckdb or pyspark")
