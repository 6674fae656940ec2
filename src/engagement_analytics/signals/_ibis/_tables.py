"""The contract tables as Ibis tables: from a loaded pandas bundle, or from an engine.

Only the columns the signals read are handed over, each with the Arrow type its
contract type maps to (declared once in ``_contract.TABLES``), so an all-empty
column or an absent optional table still has a type the expressions accept.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from ..._contract import TABLES, utc_offset_column

__all__ = ["SIGNAL_COLUMNS", "arrow_type", "bundle_tables"]

#: The columns of each table the signal expressions read.
SIGNAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "stakeholders": ("engagement_id", "person_id", "side", "role", "joined_on", "left_on"),
    "meetings": ("meeting_id", "engagement_id", "start", "kind", "organizer_id", "status"),
    "attendance": ("meeting_id", "person_id", "response", "attended"),
    "commitments": ("engagement_id", "made_on", "owner_side", "phase", "due_date", "done_on"),
    "communications": ("message_id", "engagement_id", "sent_at", utc_offset_column("sent_at"),
                       "from_id", "in_reply_to"),
}

_ARROW_TYPES = {
    "string": pa.large_string(),
    "enum": pa.large_string(),
    # microseconds: DuckDB cannot cast a nanosecond TIMESTAMPTZ to TIMESTAMP (epoch())
    "date": pa.timestamp("us"),
    "datetime": pa.timestamp("us", tz="UTC"),
    "bool": pa.bool_(),
    "number": pa.float64(),
    "integer": pa.float64(),
}


def arrow_type(table: str, column: str) -> pa.DataType:
    """The Arrow type of a contract column (offset columns: float64 minutes)."""
    try:
        return _ARROW_TYPES[TABLES[table].column(column).type]
    except KeyError:
        return pa.float64()


def _arrow(name: str, frame: pd.DataFrame | None) -> pa.Table:
    columns = SIGNAL_COLUMNS[name]
    schema = pa.schema([(c, arrow_type(name, c)) for c in columns])
    if frame is None:
        return schema.empty_table()
    arrays = []
    for column in columns:
        if column in frame.columns:
            array = pa.array(frame[column], from_pandas=True)
            arrays.append(array.cast(schema.field(column).type))
        else:  # an optional column the loader did not add (e.g. no offsets)
            arrays.append(pa.nulls(len(frame), schema.field(column).type))
    return pa.Table.from_arrays(arrays, schema=schema)


def bundle_tables(bundle: object) -> dict[str, pa.Table]:
    """The tables of a loaded bundle as Arrow tables (pandas' Arrow strings are not copied)."""
    return {name: _arrow(name, getattr(bundle, name)) for name in SIGNAL_COLUMNS}
