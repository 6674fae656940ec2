"""Read a CSV table: with pyarrow, and line by line when a record is broken.

pyarrow reads a good file fast but cannot say on which line a record starts,
and one stray quote (a title typed as ``"Kick-off``) makes it read the lines
that follow into that one cell, up to the next quote in the file: whole
records vanish and the counts still add up. A record only spans lines inside
a quoted cell, so every cell pyarrow returns with a line break in it is
checked (few cells have one, and finding them costs one pass over the text at
memory speed): a legitimate one stands in the file between proper quotes and
field boundaries, and holds no line that looks like a whole record. A cell
that fails (a *runaway quote*), or a row pyarrow could not split into the
header's columns, sends the file to :func:`_scan`: a line-by-line reader that
knows the physical line of every record, rejects a runaway quote's line and
reads on from the next one.
"""

from __future__ import annotations

import csv
import io
import mmap
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from . import _limits
from ._raw import RawTable, first_line, normalise_columns, unreadable
from ._types import Problem

__all__ = ["read_csv"]

# pyarrow's block: 16 MiB instead of its 1 MiB default, so a large column has
# a few dozen chunks instead of hundreds, which every later kernel walks.
_BLOCK_BYTES = 16 * _limits.MiB
# Records the line reader turns into Arrow arrays at a time.
_BATCH_ROWS = 65_536
_DELIMITER = ","


def read_csv(file: Path, table: str) -> RawTable:
    """Read one CSV table; every record is kept, or rejected with its line and reason."""
    label = str(file)
    header = _header(file, label, table)
    arrow, all_split = _read_arrow(file, label, table, header)
    if arrow is None or _table_may_have_runaway(arrow, file):
        return _read_lines(file, label, table, header)
    if not all_split:
        # The line reader locates the rows pyarrow skipped; pyarrow's frame stays
        # unless one of them hides a stray quote.
        return _read_lines(file, label, table, header, arrow)
    frame = normalise_columns(arrow.to_pandas(), label, table)
    return RawTable(table, label, frame, _line_numbers_on_demand(file, label, table, header, len(frame)))


# --- the header -----------------------------------------------------------------


def _header(file: Path, label: str, table: str) -> list[str]:
    """The header's column names, read from the start of the file within the limits."""
    try:
        with file.open("rb") as handle:
            head = handle.read(_limits.MAX_HEADER_BYTES + 1)
    except OSError as exc:
        raise unreadable(label, f"cannot read: {exc.strerror or exc}", table) from None
    if b"\x00" in head:
        raise unreadable(label, "binary file, not a CSV text file", table)
    text = head.decode("utf-8-sig", errors="replace")
    if not text.strip():
        raise unreadable(label, "empty file (no header row)", table)
    lines = _Lines(io.StringIO(text.lstrip("\r\n"), newline=""))
    header = next(csv.reader(lines), [])
    if len(head) > _limits.MAX_HEADER_BYTES and not lines.record[-1].endswith(("\n", "\r")):
        raise unreadable(label, f"header row is longer than {_size(_limits.MAX_HEADER_BYTES)}, "
                                "the limit for a header", table)
    if not any(name.strip() for name in header):
        raise unreadable(label, "no header row", table)
    if len(header) > _limits.MAX_COLUMNS:
        raise unreadable(label, f"header has {len(header):,} columns, more than the limit of "
                                f"{_limits.MAX_COLUMNS:,}", table)
    return header


def _size(n_bytes: int) -> str:
    if n_bytes % _limits.MiB == 0:
        return f"{n_bytes // _limits.MiB:,} MiB"
    return f"{n_bytes:,} bytes"


# --- the fast path: pyarrow -----------------------------------------------------


def _read_arrow(file: Path, label: str, table: str, header: list[str]) -> tuple[pa.Table | None, bool]:
    """The file as read by pyarrow, and whether it split every row into the header's columns.

    The table is None when a record is larger than the largest block (a huge
    cell, or a runaway quote): the line reader then reads the file.
    """
    invalid: list[int] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append(1)  # pyarrow's row numbers are unreliable: the line reader locates them
        return "skip"

    # A record may span two blocks, not three: one larger than that is read again
    # with blocks of half the record limit, and one larger still goes to the line
    # reader, which reads it if it keeps to the limit (alignment) or refuses it.
    largest = _limits.MAX_RECORD_BYTES // 2
    for block in dict.fromkeys((min(_BLOCK_BYTES, largest), largest)):
        invalid.clear()
        try:
            arrow = pacsv.read_csv(file, **_arrow_options(header, block, on_invalid=on_invalid))
        except (pa.ArrowException, UnicodeDecodeError) as exc:
            message = first_line(exc)
            if "straddl" in message:  # "straddling object straddles two block boundaries"
                continue
            if "UTF8" in message or "utf-8" in message.lower():
                message = "not UTF-8 text (is it a binary file or another encoding?)"
            raise unreadable(label, f"cannot parse as CSV: {message}", table) from None
        return arrow, not invalid
    return None, False


def _arrow_options(names: list[str], block: int, *, on_invalid=None, column_names=None) -> dict:
    """pyarrow's options: every cell text (large_string is pandas' own text storage:
    no copy into pandas), and only an empty cell missing."""
    return {
        "read_options": pacsv.ReadOptions(block_size=block, column_names=column_names),
        "parse_options": pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_invalid),
        "convert_options": pacsv.ConvertOptions(
            column_types={name: pa.large_string() for name in names},
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            null_values=[""],
        ),
    }


def _table_may_have_runaway(arrow: pa.Table, file: Path) -> bool:
    """Whether a cell with a line break in it may hold a runaway quote's lines.

    Each such cell is looked up in the file, quoted as a CSV writer quotes it,
    from a lower bound of its position, so each search stays short.
    """
    rows, columns = _cells_with_line_breaks(arrow)
    if not len(rows):
        return False
    # Record r starts at least (least[r] - least[p + 1]) bytes after the cell found in an earlier row p.
    least, least_next = _least_record_offsets(arrow, rows), _least_record_offsets(arrow, rows + 1)
    with file.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as text:
        found_end = previous_row = -1
        for k, (row, column) in enumerate(zip(rows.tolist(), columns.tolist(), strict=True)):
            value = arrow.column(column)[row].as_py()
            if _holds_records(value, arrow.num_columns, column):
                return True
            if previous_row < 0:
                start = int(least[k])
            elif row == previous_row:
                start = found_end
            else:
                start = found_end + int(least[k] - least_next[k - 1])
            found_end = _quoted_at(text, _quoted(value).encode("utf-8"), start, _BYTE_BOUNDARIES)
            if found_end < 0:
                return True
            previous_row = row
    return False


def _text_chunks(arrow: pa.Table) -> Iterator[tuple[int, int, np.ndarray, pa.Buffer | None]]:
    """(column index, first row, value offsets, data buffer) of every text chunk."""
    for index, column in enumerate(arrow.columns):
        first_row = 0
        for chunk in column.chunks:
            width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
            if len(chunk) and (pa.types.is_large_string(chunk.type) or pa.types.is_string(chunk.type)):
                _, offsets, data = chunk.buffers()
                offsets = np.frombuffer(offsets, dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
                yield index, first_row, offsets.astype(np.int64, copy=False), data
            first_row += len(chunk)


def _cells_with_line_breaks(arrow: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """(rows, column indexes) of the cells holding a line break, in file order."""
    rows, columns = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    for index, first_row, offsets, data in _text_chunks(arrow):
        start, stop = int(offsets[0]), int(offsets[-1])
        if data is None or stop == start:
            continue
        text = np.frombuffer(data, dtype=np.uint8, count=stop - start, offset=start)
        # "\n" is byte 10 and "\r" 13. Text rarely holds a byte below a space, so
        # one vectorised minimum (zero-copy, at memory speed) clears most chunks.
        if text.min() >= 14:
            continue
        found = np.unique(np.searchsorted(offsets - start, _line_breaks(text.tobytes()), side="right") - 1)
        rows.append(found + first_row)
        columns.append(np.full(len(found), index, dtype=np.int64))
    rows_found, columns_found = np.concatenate(rows), np.concatenate(columns)
    order = np.lexsort((columns_found, rows_found))
    return rows_found[order], columns_found[order]


def _line_breaks(text: bytes) -> np.ndarray:
    """Positions of every line break in ``text`` (memchr speed: they are few)."""
    found = []
    for byte in (b"\n", b"\r"):
        at = text.find(byte)
        while at >= 0:
            found.append(at)
            at = text.find(byte, at + 1)
    return np.asarray(found, dtype=np.int64)


def _least_record_offsets(arrow: pa.Table, rows: np.ndarray) -> np.ndarray:
    """A lower bound of the byte offset in the file of each record in ``rows``.

    Every record before it holds its cells' bytes and one delimiter or line
    end per cell at least; quotes, a byte-order mark and blank lines only add.
    """
    least = rows * arrow.num_columns
    for _, first_row, offsets, _ in _text_chunks(arrow):
        inside = (rows >= first_row) & (rows < first_row + len(offsets) - 1)
        least[inside] += offsets[rows[inside] - first_row] - offsets[0]
        least[rows >= first_row + len(offsets) - 1] += offsets[-1] - offsets[0]
    return least


def _line_numbers_on_demand(file: Path, label: str, table: str, header: list[str], n_rows: int):
    line_numbers: list[np.ndarray] = []

    def row_numbers(positions: np.ndarray) -> np.ndarray:
        # Only computed on the error path: a line-by-line pass over the file.
        if not line_numbers:
            kept = [line for line, fields, _, broken in _scan(file, label, table, header)
                    if broken is None and len(fields) == len(header)]
            if len(kept) != n_rows:  # both readers split records by the same rules
                raise RuntimeError(f"{label}: the line reader found {len(kept)} records, pyarrow {n_rows}")
            line_numbers.append(np.asarray(kept, dtype=np.int64))
        return line_numbers[0][positions]

    return row_numbers


# --- runaway quotes ---------------------------------------------------------------

_BYTE_BOUNDARIES = (b",", b"\r", b"\n")
_TEXT_BOUNDARIES = (",", "\r", "\n")


def _quoted(value: str) -> str:
    """A cell as a CSV writer quotes it."""
    return '"' + value.replace('"', '""') + '"'


def _quoted_at(text, needle, start: int, boundaries: tuple) -> int:
    """End of the first ``needle`` in ``text`` from ``start`` that stands between field boundaries, or -1."""
    at = text.find(needle, start)
    while at >= 0:
        end = at + len(needle)
        if (at == 0 or text[at - 1 : at] in boundaries) and (end >= len(text) or text[end : end + 1] in boundaries):
            return end
        at = text.find(needle, at + 1)
    return -1


def _holds_records(value: str, n_columns: int, column: int) -> bool:
    """Whether the lines of a cell after its first look like records swallowed by a stray quote.

    A line with as many delimiters as a whole record is one. And when a stray
    quote opened in column ``column`` is closed by another on a later line,
    the cell ends with that line's cells up to the closing quote: exactly
    ``column`` delimiters, the one count that leaves the record its width.
    """
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")[1:]
    return n_columns > 1 and (
        any(line.count(_DELIMITER) >= n_columns - 1 for line in lines)
        or 0 < column == lines[-1].count(_DELIMITER)
    )


def _record_has_runaway(fields: list[str], lines: list[str], n_columns: int) -> bool:
    """Whether a record that spans lines does so because of a stray quote.

    It does when it has the wrong number of fields (a legitimate quoted line
    break leaves the record its width), or a cell with a line break does not
    stand in the text between proper quotes or holds records.
    """
    if len(fields) != n_columns:
        return True
    raw = "".join(lines)
    return any(
        ("\n" in value or "\r" in value)
        and (_holds_records(value, n_columns, column) or _quoted_at(raw, _quoted(value), 0, _TEXT_BOUNDARIES) < 0)
        for column, value in enumerate(fields)
    )


# --- the line reader -----------------------------------------------------------------


class _RecordTooLarge(Exception):
    pass


class _Lines:
    """The physical lines of a text file, handed to ``csv.reader`` a record at a time.

    Keeps the lines of the current record, so that a runaway record's lines
    after its first can be handed out again, and stops a record that grows
    beyond ``MAX_RECORD_BYTES`` (counted in characters). A generator is the
    fastest iterator, but ends for good at an exception or the end of the
    file: after :meth:`again_after_first` the caller makes a new reader.
    """

    def __init__(self, handle: io.TextIOBase) -> None:
        self._handle = handle
        self._again: list[str] = []  # lines to hand out again, the next one last
        self.number = 0  # physical lines handed out
        self.record: list[str] = []
        self.size = 0
        self.reached_end = False  # the current record ran to the end of the file

    def __iter__(self) -> Iterator[str]:
        readline, limit = self._handle.readline, _limits.MAX_RECORD_BYTES
        while True:
            if self._again:
                line = self._again.pop()
            else:
                line = readline(limit + 1)
                if not line:
                    self.reached_end = True
                    return
            self.number += 1
            self.record.append(line)
            self.size += len(line)
            if self.size > limit:
                raise _RecordTooLarge
            yield line

    def begin_record(self) -> None:
        self.record, self.size, self.reached_end = [], 0, False

    def again_after_first(self) -> None:
        """Hand out the current record's lines again, all but its first."""
        rest = self.record[1:]
        self._again.extend(reversed(rest))
        self.number -= len(rest)


# A record as the line reader sees it: the physical line it starts on (the
# header is line 1), its fields, its text, or why it is rejected.
_Record = tuple[int, list[str], str, Problem | None]


def _scan(file: Path, label: str, table: str, header: list[str]) -> Iterator[_Record]:
    """Every non-blank record after the header, with the physical line it starts on.

    A runaway quote's record comes back broken, as its first line only, and
    the scan reads on from the line after it.
    """
    n_columns = len(header)
    # csv refuses a field over 128 KiB; records are bounded by _Lines already.
    # (A process-wide setting: only ever raised.)
    if csv.field_size_limit() <= _limits.MAX_RECORD_BYTES:
        csv.field_size_limit(_limits.MAX_RECORD_BYTES + 1)
    with file.open(encoding="utf-8-sig", newline="") as handle:
        lines = _Lines(handle)
        reader = csv.reader(lines)
        header_seen = False
        while True:
            lines.begin_record()
            start = lines.number + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except _RecordTooLarge:
                if not any(line.count(_DELIMITER) >= n_columns - 1 for line in lines.record[1:]):
                    raise unreadable(label, f"the record starting on this line is larger than "
                                            f"{_size(_limits.MAX_RECORD_BYTES)}, the limit for one record",
                                     table, row=start) from None
                yield _runaway(table, label, start, lines, header)
                lines.again_after_first()
                reader = csv.reader(lines)
                continue
            except csv.Error as exc:
                text = "".join(lines.record).rstrip("\r\n")[:80]
                yield start, [], "", Problem(table, label, start, None, text, f"cannot split the row: {exc}")
                reader = csv.reader(lines)
                continue
            if not fields:
                continue  # a blank line
            if not header_seen:
                header_seen = True
                continue
            # Most records are one line: only a record that spans lines, or
            # holds a quote left open at the end of the file, is looked at.
            if len(lines.record) == 1 and "\n" not in fields[-1] and "\r" not in fields[-1]:
                yield start, fields, lines.record[0], None
                continue
            if not _record_has_runaway(fields, lines.record, n_columns):
                yield start, fields, "".join(lines.record), None
                continue
            yield _runaway(table, label, start, lines, header)
            lines.again_after_first()
            reader = csv.reader(lines)


def _runaway(table: str, label: str, start: int, lines: _Lines, header: list[str]) -> _Record:
    """The broken record of a runaway quote, with the cells of its first line before the quote."""
    if lines.size > _limits.MAX_RECORD_BYTES:
        how_far = f"for more than {_size(_limits.MAX_RECORD_BYTES)}"
    elif lines.reached_end:
        how_far = f"to the end of the file ({len(lines.record) - 1:,} more lines)"
    else:
        how_far = f"into the next {len(lines.record) - 1:,} lines"
    first_line = lines.record[0].rstrip("\r\n")
    # Read alone, the first line ends in the cell where the quote opens.
    intact = next(csv.reader([first_line]), [""])[:-1]
    column = header[len(intact)] if len(intact) < len(header) else None
    return start, intact, "", Problem(
        table, label, start, column, first_line[:80],
        f"stray quote: the quoted cell opened on this line runs on {how_far}; "
        "the line is rejected and reading goes on with the next line",
    )


def _read_lines(file: Path, label: str, table: str, header: list[str], arrow: pa.Table | None = None) -> RawTable:
    """Read the file with the line reader: slower than pyarrow, exact about every record.

    With ``arrow`` (pyarrow's reading, which skipped the rows it could not
    split), the reader only locates records and that frame is kept, unless
    a stray quote turns up. Otherwise the records it keeps are parsed again
    by pyarrow, a batch at a time, so that their cells come out exactly as on
    the fast path; meanwhile only their text is kept (strings, which the
    garbage collector does not walk).
    """
    n_columns = len(header)
    starts: list[int] = []
    problems: list[Problem] = []
    intact_cells: dict[int, dict[str, str]] = {}
    texts: list[str] = []
    parts: list[pa.Table] = []
    for line, fields, text, broken in _scan(file, label, table, header):
        if broken is None and len(fields) != n_columns:
            broken = Problem(table, label, line, None, _DELIMITER.join(fields)[:80],
                             f"row has {len(fields)} fields, the header has {n_columns}")
        elif broken is not None:  # a stray quote: pyarrow's frame has its lines wrong
            if arrow is not None:
                return _read_lines(file, label, table, header)
            if fields:
                intact_cells[line] = dict(zip((name.strip().lower() for name in header), fields, strict=False))
        if broken is not None:
            problems.append(broken)
            continue
        starts.append(line)
        if arrow is None:
            texts.append(text)
            if len(texts) == _BATCH_ROWS:
                parts.append(_batch_table(texts, n_columns))
                texts = []
    if arrow is None:
        parts.append(_batch_table(texts, n_columns))
        arrow = pa.concat_tables(parts).rename_columns(header)
    elif len(starts) != arrow.num_rows:  # both readers split records by the same rules
        raise RuntimeError(f"{label}: the line reader kept {len(starts)} records, pyarrow {arrow.num_rows}")
    frame = normalise_columns(arrow.to_pandas(), label, table)
    line_numbers = np.asarray(starts, dtype=np.int64)
    return RawTable(table, label, frame, lambda positions: line_numbers[positions], problems, intact_cells)


def _batch_table(texts: list[str], n_columns: int) -> pa.Table:
    """Well-formed records (each of ``n_columns`` fields, as the line reader split
    them) as pyarrow reads them, or as the line reader does should pyarrow differ."""
    names = [str(k) for k in range(n_columns)]
    data = "".join(texts).encode("utf-8")
    if data and not data.endswith((b"\n", b"\r")):
        data += b"\n"
    try:
        block = min(len(data) + 1, _limits.MAX_RECORD_BYTES)
        part = pacsv.read_csv(io.BytesIO(data), **_arrow_options(names, block, column_names=names))
        if part.num_rows == len(texts):
            return part
    except pa.ArrowException:
        pass
    records = [next(csv.reader(io.StringIO(text, newline=""))) for text in texts]
    missing = pa.scalar(None, type=pa.large_string())
    columns = zip(*records, strict=True) if records else [()] * n_columns
    arrays = [pa.array(values, type=pa.large_string()) for values in columns]
    return pa.table([pc.if_else(pc.equal(array, ""), missing, array) for array in arrays], names=names)
