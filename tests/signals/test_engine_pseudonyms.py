"""In-engine pseudonyms (HMAC-SHA256 from the engine's SHA-256) equal the loader's, id for id."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from engagement_analytics import load_bundle
from engagement_analytics._engine_pseudonyms import pseudonym_sql

from .conftest import make_tiny_tables

ODD_IDS = ["  Bob@Example.COM ", "zoë@ü.example", "o'hara@x.example", "\u00a0Tab\t@x.example\u2003",
           "a" * 300]


@pytest.mark.parametrize("key", [b"k", b"x" * 64, b"y" * 65, "clé-🔑".encode(), bytes(range(256))])
def test_duckdb_pseudonyms_equal_the_loaders(key):
    tables = make_tiny_tables()
    attendance = tables["attendance"].copy()
    attendance.loc[: len(ODD_IDS) - 1, "person_id"] = ODD_IDS
    tables["attendance"] = attendance
    loaded = load_bundle(tables, pseudonym_key=key).attendance["person_id"].tolist()

    con = duckdb.connect()
    con.register("raw", pa.table({"p": pa.array(attendance["person_id"].tolist(), pa.large_string())}))
    in_engine = [r[0] for r in con.execute(f"SELECT {pseudonym_sql('p', key, 'duckdb')} FROM raw").fetchall()]
    assert in_engine == loaded
    assert len(set(in_engine)) > 5


def test_unknown_dialect():
    with pytest.raises(ValueError, match="no in-engine pseudonyms"):
        pseudonym_sql("p", b"k", "sqlite")
