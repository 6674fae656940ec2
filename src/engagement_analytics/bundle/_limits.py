"""The loader's limits on hostile or broken input, in one place.

Each cap is far above what a real export needs and far below what would cost
minutes or gigabytes; ``docs/bundle.md`` ("Limits and hostile input") explains
each one. Readers use them as ``_limits.NAME`` (not imported by value) so a test
can lower a cap instead of writing gigabytes.
"""

from __future__ import annotations

MiB = 2**20

#: Columns a table may have (CSV header, Parquet schema, workbook sheet).
MAX_COLUMNS = 1_000

#: Bytes of a CSV header row. 1,000 column names of 60 characters fit.
MAX_HEADER_BYTES = 64 * 1024

#: Bytes of one CSV record (one row, with every cell and line break it holds).
#: The CSV reader works in blocks that must hold a whole record: it retries
#: with a block of this size when a record is larger than its usual block.
MAX_RECORD_BYTES = 64 * MiB

#: Uncompressed bytes of all the parts of one .xlsx file, as its zip directory
#: declares them (Python's zipfile never inflates a part beyond its declared size).
MAX_XLSX_UNCOMPRESSED_BYTES = 128 * MiB

#: Compression ratio of one .xlsx part larger than XLSX_RATIO_FLOOR_BYTES.
#: Spreadsheet XML compresses about 5-20 to 1; a zip bomb about 1,000 to 1.
MAX_XLSX_COMPRESSION_RATIO = 200
XLSX_RATIO_FLOOR_BYTES = 1 * MiB

#: Rows of one workbook sheet: Excel's own limit (1,048,576).
MAX_SHEET_ROWS = 1_048_576

#: Cells a workbook may spread out to, counting the empty cells the sheet
#: reader fills in between the cells the file holds (a cell at column XFD
#: makes a row of 16,384 cells).
MAX_SHEET_CELLS = 10_000_000

#: Cells one row of a workbook sheet may hold: Excel's own limit (16,384 columns).
MAX_ROW_CELLS = 16_384
