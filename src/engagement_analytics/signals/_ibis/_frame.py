"""Assemble the signal values on an engine: windows -> prepared rows -> families -> one table.

The expressions are built on placeholder tables and compiled to SQL once per
engine dialect and input schema (:func:`_plan`, memoised): building and
compiling the Ibis graph costs about a second, more than DuckDB takes to run
it on a practice's bundle, and ``over_time`` runs it once per week. Each run
then registers its inputs under names of its own, materialises the prepared
tables (each is read by several families) and fetches one row per engagement.
"""

from __future__ import annotations

import contextlib
import functools
import uuid

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa

from ..._contract import FAMILIES
from .._families import CLIENT_DEPENDENT
from ._families import FAMILY_EXPRESSIONS, join_on_eng
from ._prepare import prepare

__all__ = ["signal_values", "windows_table"]

_WINDOW_COLUMNS = ("start_day", "end_day", "elapsed_days", "sold_effort_days",
                   "estimated_effort_days", "sold_deliverables")
# Placeholder prefix of every table name in the compiled SQL; replaced per run.
_TOKEN = "ea0token0"


def windows_table(windows: pd.DataFrame) -> pa.Table:
    """The windows (one row per engagement, from ``resolve_windows``) as an Arrow table.

    ``eng`` is the row position; ``purpose_agreed`` is worked out here, on the
    small per-engagement table, with Python's ``str.strip`` (Unicode white
    space) as the numpy path does: SQL ``TRIM`` strips ASCII blanks only.
    """
    purpose = windows["purpose_statement"].astype("string").str.strip().fillna("")
    columns = {
        "eng": pa.array(np.arange(len(windows), dtype="int64")),
        "engagement_id": pa.array(windows.index.to_numpy(dtype=object), type=pa.large_string()),
        **{c: pa.array(windows[c].to_numpy(dtype="float64"), from_pandas=True).cast(pa.float64())
           for c in _WINDOW_COLUMNS},
        "purpose_agreed": pa.array((purpose != "").to_numpy(dtype="float64")),
    }
    return pa.table(columns)


def _signal_table(p, signal_names: tuple[str, ...]) -> ir.Table:
    out = p.windows.select("eng")
    for family in FAMILIES:
        out = join_on_eng(out, FAMILY_EXPRESSIONS[family](p))
    out = join_on_eng(out, p.client_people, how="left")
    no_client = out.client_people.fill_null(0) == 0
    return out.select(
        "eng",
        **{
            name: (ibis.ifelse(no_client, ibis.null("float64"), out[name])
                   if name in CLIENT_DEPENDENT else out[name]).cast("float64")
            for name in signal_names
        },
    )


def _unknown_rows_table(p) -> ir.Table:
    inv, m, msg = p.invitations, p.meetings, p.messages
    return ibis.union(
        inv.aggregate(rows=inv.eng.count(where=~inv.known)).mutate(table=ibis.literal("attendance")),
        m.aggregate(rows=m.eng.count(where=m.organizer_given & ~m.organizer_known)).mutate(
            table=ibis.literal("meetings (organizer)")),
        msg.aggregate(rows=msg.eng.count(where=~msg.known)).mutate(
            table=ibis.literal("communications")),
    )


@functools.lru_cache(maxsize=32)
def _plan(dialect: str, schemas: tuple, signal_names: tuple[str, ...]):
    """``(steps, signals_sql, unknown_sql)`` for inputs of these schemas.

    ``steps`` are ``(table name, SELECT)`` pairs to materialise in order; every
    table name starts with :data:`_TOKEN`.
    """
    inputs = {name: ibis.table(ibis.schema(dict(columns)), name=_TOKEN + name)
              for name, columns in schemas}
    steps: list[tuple[str, str]] = []

    def keep(expr: ir.Table) -> ir.Table:
        name = f"{_TOKEN}step{len(steps)}"
        steps.append((name, ibis.to_sql(expr, dialect=dialect)))
        return ibis.table(expr.schema(), name=name)

    p = prepare(inputs, inputs["windows"], keep=keep)
    return (tuple(steps), ibis.to_sql(_signal_table(p, signal_names), dialect=dialect),
            ibis.to_sql(_unknown_rows_table(p), dialect=dialect))


class _Runner:
    """Registers inputs and materialises steps on one backend, and drops them all on exit."""

    def __init__(self, backend: object, scope: contextlib.ExitStack, *, in_memory: bool) -> None:
        self.backend, self.scope, self.in_memory = backend, scope, in_memory
        self.prefix = f"ea{uuid.uuid4().hex[:16]}_"

    def sql(self, text: str) -> str:
        return text.replace(_TOKEN, self.prefix)

    def register(self, name: str, table: pa.Table | ir.Table) -> None:
        name = self.sql(_TOKEN + name)
        if self.backend.name == "pyspark" and isinstance(table, pa.Table):
            # From Arrow directly: Ibis goes through pandas, where pandas 3's missing
            # strings (NaN) reach Spark as the string 'NaN'.
            session = self.backend._session
            session.createDataFrame(table).createOrReplaceTempView(name)
            self.scope.callback(session.catalog.dropTempView, name)
            return
        expr = ibis.memtable(table) if isinstance(table, pa.Table) else table
        self.backend.create_view(name, expr, overwrite=True)
        self.scope.callback(self.backend.drop_view, name, force=True)

    def materialise(self, name: str, select: str) -> None:
        name, select = self.sql(name), self.sql(select)
        if self.backend.name == "pyspark":
            frame = self.backend._session.sql(select).cache()
            frame.createOrReplaceTempView(name)
            self.scope.callback(frame.unpersist)
            self.scope.callback(self.backend._session.catalog.dropTempView, name)
        elif self.backend.name == "duckdb" and self.in_memory:
            # The bundle is in memory already: an Arrow result registered back costs half
            # of a temporary table (no compression, no checkpoint) and is freed on exit.
            self.backend.con.register(name, self.fetch_duckdb(select))
            self.scope.callback(self.backend.con.unregister, name)
        elif self.backend.name == "duckdb":
            # Out of core: a temporary table, which spills past the memory limit.
            self.backend.con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS {select}')
            self.scope.callback(self.backend.con.execute, f'DROP TABLE IF EXISTS "{name}"')
        else:  # other engines: a view (computed again by each family that reads it)
            self.backend.create_view(name, self.backend.sql(select), overwrite=True)
            self.scope.callback(self.backend.drop_view, name, force=True)

    def fetch_duckdb(self, select: str) -> pa.Table:
        cursor = self.backend.con.execute(select)
        # DuckDB 2 renamed fetch_arrow_table (kept, deprecated) to to_arrow_table
        return getattr(cursor, "to_arrow_table", cursor.fetch_arrow_table)()

    def fetch(self, select: str) -> pa.Table:
        select = self.sql(select)
        if self.backend.name == "duckdb":  # backend.sql would parse the text again (~0.5 s)
            return self.fetch_duckdb(select)
        if self.backend.name == "pyspark":
            frame = self.backend._session.sql(select)
            # PySpark 4 hands Arrow over directly; 3.5 through pandas
            return frame.toArrow() if hasattr(frame, "toArrow") else pa.Table.from_pandas(frame.toPandas())
        return self.backend.sql(select).to_pyarrow()


def _schema_key(table: pa.Table | ir.Table) -> tuple:
    schema = ibis.memtable(table).schema() if isinstance(table, pa.Table) else table.schema()
    return tuple((name, str(dtype)) for name, dtype in schema.items())


def signal_values(tables: dict[str, pa.Table | ir.Table], windows: pd.DataFrame, backend: object,
                  *, signal_names: tuple[str, ...], with_messages: bool) -> tuple[pd.DataFrame, dict]:
    """Every signal per window, computed on ``backend``; only the result comes back.

    Parameters
    ----------
    tables : dict
        The contract tables the signals read (``_tables.SIGNAL_COLUMNS``), as Arrow tables
        or as Ibis tables of ``backend``.

    Returns
    -------
    values : DataFrame
        Index ``windows.index``; one float64 column per name of ``signal_names``.
    unknown_rows : dict
        As ``attrs["unknown_person_rows"]`` of ``signals.compute``.
    """
    inputs = {**tables, "windows": windows_table(windows)}
    schemas = tuple((name, _schema_key(table)) for name, table in sorted(inputs.items()))
    steps, signals_sql, unknown_sql = _plan(backend.name,
                                            schemas, tuple(signal_names))
    with contextlib.ExitStack() as scope:
        run = _Runner(backend, scope,
                      in_memory=all(isinstance(t, pa.Table) for t in inputs.values()))
        for name, table in inputs.items():
            run.register(name, table)
        for name, select in steps:
            run.materialise(name, select)
        result = run.fetch(signals_sql)
        unknown = run.fetch(unknown_sql).to_pandas()
    # Row order from an engine is arbitrary: put the rows back in window order by ``eng``.
    order = np.argsort(result.column("eng").to_numpy())
    values = pd.DataFrame(
        {name: result.column(name).to_numpy(zero_copy_only=False)[order].astype("float64")
         for name in signal_names},
        index=windows.index,
    )
    counts = dict(zip(unknown["table"], unknown["rows"].astype(int), strict=True))
    unknown_rows = {"attendance": counts["attendance"],
                    "meetings (organizer)": counts["meetings (organizer)"]}
    if with_messages:
        unknown_rows["communications"] = counts["communications"]
    return values, unknown_rows
