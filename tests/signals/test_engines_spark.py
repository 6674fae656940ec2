"""Parity on Spark (local[2], small data): the same expressions as on DuckDB, the numpy path's values.

One session for the module (start-up takes seconds); skipped when pyspark or Java is missing
(``make test`` installs both). The session's own time zone is set to something else than UTC
to check that the computation runs in UTC and gives the setting back.
"""

from __future__ import annotations

import shutil

import pytest

from .test_engines import assert_same_signals

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("no java on PATH (make test installs Debian's openjdk-17-jre-headless)")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("engagement-analytics-tests")
        .config("spark.sql.shuffle.partitions", "1")
        # adaptive execution re-plans every join and window: twice the time on small data
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "Europe/Paris")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_tiny_on_spark(spark, tiny_tables, loader, as_of):
    from engagement_analytics import signals

    bundle = loader(tiny_tables)
    reference = signals.compute(bundle, as_of=as_of)
    assert_same_signals(reference, signals.compute(bundle, as_of=as_of, engine=spark))
    assert spark.conf.get("spark.sql.session.timeZone") == "Europe/Paris"


def test_pseudonyms_on_spark(spark):
    import hashlib
    import hmac

    import pyarrow as pa

    from engagement_analytics._engine_pseudonyms import pseudonym_sql

    ids = ["ann@x.example", " Zoë@Ü.example ", "o'hara@x.example"]
    spark.createDataFrame(pa.table({"p": ids})).createOrReplaceTempView("ea_ids")
    got = [row[0] for row in spark.sql(f"SELECT {pseudonym_sql('p', b'k', 'pyspark')} FROM ea_ids").collect()]
    expected = ["P" + hmac.new(b"k", i.strip().lower().encode(), hashlib.sha256).hexdigest()[:12] for i in ids]
    assert sorted(got) == sorted(expected)


def test_random_bundle_on_spark(spark, loader):
    from engagement_analytics import signals

    from .conftest import make_random_tables

    bundle = loader(make_random_tables(seed=2, n_engagements=8))
    window = {"first_weeks": 3, "as_of": "2025-06-30"}
    assert_same_signals(signals.compute(bundle, **window),
                        signals.compute(bundle, engine=spark, **window))


def test_as_of_equals_truncation_on_spark(spark, random_tables, loader):
    import pandas as pd

    from engagement_analytics import signals

    from .test_rules import _truncate

    day = "2025-02-15"
    full = signals.compute(loader(random_tables), as_of=day, engine=spark)
    truncated = signals.compute(loader(_truncate(random_tables, day)), as_of=day, engine=spark)
    assert full.notna().to_numpy().sum() > 3 * len(full)
    pd.testing.assert_frame_equal(full, truncated)
