"""Parity: the Ibis expressions on DuckDB (and Spark, marked) equal the numpy path to 1e-9.

``signals._families`` (numpy) is the reference while it exists; every case compares
every signal, the NaN pattern and the attrs. Cases: the committed sample, the
hand-built tiny bundle, seeded irregular bundles under each window option, and
edge cases (absent optional tables, no attendance, engagements with no meetings,
no client named, time-zone offsets on the sender's clock).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engagement_analytics import load_bundle, signals

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def assert_same_signals(reference: pd.DataFrame, engine: pd.DataFrame) -> None:
    assert list(engine.index) == list(reference.index)
    assert list(engine.columns) == list(reference.columns)
    assert (engine.dtypes == "float64").all()
    for name in reference.columns:
        x, y = reference[name].to_numpy(), engine[name].to_numpy()
        assert np.array_equal(np.isnan(x), np.isnan(y)), name
        np.testing.assert_allclose(y[~np.isnan(y)], x[~np.isnan(x)], rtol=0, atol=1e-9, err_msg=name)
    assert engine.attrs == reference.attrs


def both(bundle, engine="duckdb", **window):
    return signals.compute(bundle, **window), signals.compute(bundle, engine=engine, **window)


@pytest.fixture(scope="module")
def sample():
    return load_bundle(SAMPLE)


@pytest.mark.parametrize("window", [{}, {"at_fraction": 0.4}, {"first_weeks": 6, "as_of": "2026-03-31"}])
def test_sample(sample, window):
    reference, engine = both(sample, **window)
    assert reference.notna().to_numpy().mean() > 0.5  # the comparison is not all NaN
    assert_same_signals(reference, engine)


def test_tiny(tiny_tables, loader, as_of):
    assert_same_signals(*both(loader(tiny_tables), as_of=as_of))


@pytest.mark.parametrize(("seed", "window"), [
    (1, {"as_of": "2025-02-15"}),
    (2, {"first_weeks": 3, "as_of": "2025-06-30"}),
    (3, {"at_fraction": 0.5}),
])
def test_random(seed, window, loader):
    from .conftest import make_random_tables

    assert_same_signals(*both(loader(make_random_tables(seed=seed, n_engagements=12)), **window))


def test_without_optional_tables(tiny_tables, loader, as_of):
    core = {k: v for k, v in tiny_tables.items() if k not in ("commitments", "communications")}
    reference, engine = both(loader(core), as_of=as_of)
    assert engine.attrs["unavailable"]  # families are reported unavailable alike
    assert_same_signals(reference, engine)


def test_no_attendance_and_no_meetings(tiny_tables, loader, as_of):
    empty = dict(tiny_tables, attendance=tiny_tables["attendance"].iloc[:0],
                 meetings=tiny_tables["meetings"].iloc[:0])
    assert_same_signals(*both(loader(empty), as_of=as_of))


def test_no_client_named(tiny_tables, loader, as_of):
    vendor_only = dict(tiny_tables, stakeholders=tiny_tables["stakeholders"].assign(
        side="vendor", role="consultant"))
    reference, engine = both(loader(vendor_only), as_of=as_of)
    assert engine["sponsor_named"].isna().all()
    assert_same_signals(reference, engine)


def test_sender_clock_offsets(tiny_tables, loader, as_of):
    # the replies written at +09:00 and -05:00 move in and out of business hours
    shifted = dict(tiny_tables, communications=tiny_tables["communications"].copy())
    sent = shifted["communications"]["sent_at"]
    shifted["communications"]["sent_at"] = [
        s.replace("Z", "+09:00") if i % 2 else s.replace("Z", "-05:00") for i, s in enumerate(sent)
    ]
    reference, engine = both(loader(shifted), as_of=as_of)
    assert reference.loc["E1", "vendor_instant_or_after_hours_reply_share"] != signals.compute(
        loader(tiny_tables), as_of=as_of).loc["E1", "vendor_instant_or_after_hours_reply_share"]
    assert_same_signals(reference, engine)


def test_engine_time_zone_is_restored(tiny_tables, loader, as_of):
    import ibis

    backend = ibis.duckdb.connect()
    backend.raw_sql("SET TimeZone = 'America/New_York'")
    result = signals.compute(loader(tiny_tables), as_of=as_of, engine=backend)
    assert_same_signals(signals.compute(loader(tiny_tables), as_of=as_of), result)
    zone = backend.raw_sql("SELECT current_setting('TimeZone')").fetchone()[0]
    assert zone == "America/New_York"


def test_unknown_engine(tiny_tables, loader):
    with pytest.raises(ValueError, match="unknown engine 'oracle'"):
        signals.compute(loader(tiny_tables), engine="oracle")


def test_no_engagement_started_yet(tiny_tables, loader):
    # (the numpy path raises IndexError here: signals/_prepare.py indexes an empty window array)
    engine = signals.compute(loader(tiny_tables), as_of="2024-01-01", engine="duckdb")
    assert len(engine) == 0
    assert list(engine.columns) == list(signals.catalog()["signal"])
