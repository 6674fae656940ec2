"""Where the heavy work runs: an Ibis backend, DuckDB embedded by default or Spark.

Shared by the jobs that push work into an engine (signals, pseudonymisation,
out-of-core checks). :func:`engine_session` opens or adopts a connection and
keeps time zones explicit: every engine computes in UTC, and a session the
user gave gets its own setting back afterwards.

Engines
-------
``"duckdb"`` (or None)
    A new in-process DuckDB database (no server), with ``memory_limit`` when given.
``"spark"``
    The active SparkSession, or a new local one (``local[2]``) when there is none.
an Ibis backend
    Any connection from ``ibis.<backend>.connect(...)``: used as given.
a ``pyspark.sql.SparkSession``
    Wrapped with ``ibis.pyspark.connect``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pandas as pd

__all__ = ["ENGINE_NAMES", "engine_session", "engine_name", "normalise_timestamps"]

ENGINE_NAMES = ("duckdb", "spark")
_SPARK_TIME_ZONE = "spark.sql.session.timeZone"


def engine_name(backend: object) -> str:
    """``'duckdb'``, ``'pyspark'``, ... : the Ibis name of a backend."""
    return getattr(backend, "name", type(backend).__name__)


@contextlib.contextmanager
def _duckdb_utc(backend) -> Iterator[None]:
    raw = backend.con
    before = raw.execute("SELECT current_setting('TimeZone')").fetchone()[0]
    raw.execute("SET TimeZone = 'UTC'")
    try:
        yield
    finally:
        raw.execute(f"SET TimeZone = '{before.replace(chr(39), '')}'")


@contextlib.contextmanager
def _spark_utc(session) -> Iterator[None]:
    before = session.conf.get(_SPARK_TIME_ZONE)
    session.conf.set(_SPARK_TIME_ZONE, "UTC")
    try:
        yield
    finally:
        session.conf.set(_SPARK_TIME_ZONE, before)


def _local_spark_session():
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ValueError(
            "engine 'spark' needs pyspark: pip install 'engagement-analytics[spark]'"
        ) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    return (
        SparkSession.builder.master("local[2]")
        .appName("engagement-analytics")
        .config("spark.sql.shuffle.partitions", "4")
        # a local session holds laptop-sized data: adaptive re-planning of every join and
        # window doubles the time there (a cluster session keeps its own settings)
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.ui.enabled", "false")
        .config(_SPARK_TIME_ZONE, "UTC")
        .getOrCreate()
    )


@contextlib.contextmanager
def engine_session(engine: object = None, *, memory_limit: str | None = None) -> Iterator[object]:
    """An Ibis backend to run expressions on, in UTC for the time of the block.

    Parameters
    ----------
    engine : {"duckdb", "spark"}, Ibis backend or SparkSession, optional
        See the module docstring. Default: a new DuckDB database.
    memory_limit : str, optional
        DuckDB's ``memory_limit`` (e.g. ``"8GB"``) for a new DuckDB database;
        beyond it DuckDB spills to a temporary directory.
    """
    import ibis

    if engine is None or engine == "duckdb":
        backend = ibis.duckdb.connect()
        if memory_limit is not None:
            backend.con.execute("SET memory_limit = ?", [str(memory_limit)])
        try:
            with _duckdb_utc(backend):
                yield backend
        finally:
            backend.disconnect()
        return
    if engine == "spark":
        engine = _local_spark_session()
    if isinstance(engine, str):
        raise ValueError(f"unknown engine {engine!r}: use one of {', '.join(ENGINE_NAMES)}")
    if type(engine).__name__ == "SparkSession":
        # ibis.pyspark.connect sets the session time zone to UTC for good: put it back after.
        with _spark_utc(engine):
            yield ibis.pyspark.connect(engine)
        return
    name = engine_name(engine)
    if name == "duckdb":
        with _duckdb_utc(engine):
            yield engine
    elif name == "pyspark":
        with _spark_utc(engine._session):
            yield engine
    else:
        # Other backends (Snowflake, BigQuery, Postgres, ...): they compare instants in UTC
        # already when timestamps carry a zone; untested here (docs/engines.md).
        yield engine


def normalise_timestamps(frame: pd.DataFrame) -> pd.DataFrame:
    """Timestamps from an engine as pandas' UTC-aware ``datetime64[ns, UTC]``.

    Spark returns UTC instants without a zone; DuckDB with one: both end up alike.
    """
    for name, dtype in frame.dtypes.items():
        if isinstance(dtype, pd.DatetimeTZDtype):
            frame[name] = frame[name].dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
        elif pd.api.types.is_datetime64_dtype(dtype):
            frame[name] = frame[name].dt.tz_localize("UTC").astype("datetime64[ns, UTC]")
    return frame
