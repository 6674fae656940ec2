"""How a text column is cleaned comes from its declaration in the contract, not from its name."""

from __future__ import annotations

import pandas as pd

from engagement_analytics._contract import TABLES, ColumnSpec
from engagement_analytics.bundle._parse import parse_column

RAW = pd.Series(["  Ada@Example.COM ", "x", "   "], dtype="string")


def _parsed(spec: ColumnSpec) -> list:
    values = parse_column(RAW, spec).values
    return [None if pd.isna(v) else v for v in values]


def test_free_text_is_kept_as_typed_whatever_its_name():
    # Named like a key, declared as free text: not trimmed, not folded; blank is missing.
    assert _parsed(ColumnSpec("looks_like_an_id", "string")) == ["  Ada@Example.COM ", "x", None]


def test_a_key_is_trimmed_and_a_case_folded_key_lower_cased_whatever_its_name():
    assert _parsed(ColumnSpec("ref", "string", key=True)) == ["Ada@Example.COM", "x", None]
    assert _parsed(ColumnSpec("who", "string", key=True, case_folded=True)) == ["ada@example.com", "x", None]


def test_person_keys_are_the_personal_keys_of_the_contract():
    person_keys = {(t.name, c.name) for t in TABLES.values() for c in t.columns if c.person_key}
    assert ("stakeholders", "name") not in person_keys  # personal, but a name: dropped, not a key
    assert {("stakeholders", "person_id"), ("meetings", "organizer_id"),
            ("communications", "from_id")} <= person_keys
