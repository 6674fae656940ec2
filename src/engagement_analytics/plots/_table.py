"""Tables of numbers a reader can read, and the exact text nbval checks.

:func:`table` wraps a DataFrame (or Series) in a :class:`Table`: a notebook
cell that ends with it shows a full HTML table (every row, no pandas
truncation, plain labels, rounded numbers, sortable headers, long tables
collapsed under a ``<details>``), while its ``text/plain`` form is exactly
``frame.to_string()``: nbval compares every number of that text, and the
report renders the HTML form. Every piece of text from the data is
HTML-escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from ._labels import binary_signals, share_signals
from ._labels import labels as default_labels

__all__ = ["COLLAPSE_ROWS", "METADATA_KEY", "Table", "readable_number", "table"]

#: A table with more rows starts collapsed (a ``<details>`` under its figure).
COLLAPSE_ROWS = 12
#: Key of the output metadata the report reads (``{"family": ...}``: where a family's section starts).
METADATA_KEY = "engagement_analytics"


def readable_number(value: float) -> str:
    """A number rounded for reading: three significant digits, thousands separated.

    ``1.3222`` -> ``"1.32"``, ``0.00004`` -> ``"<0.001"``, ``12345.6`` -> ``"12,346"``.
    """
    if value == 0:
        return "0"
    size = abs(value)
    if size >= 999.5:
        return f"{value:,.0f}"
    if size >= 0.001:
        return f"{value:.3g}"
    return "<0.001" if value > 0 else ">-0.001"


def _percent(value: float) -> str:
    """A share as a percentage that never rounds to 0% or 100% unless it is exactly that."""
    if 0 < value < 0.01:
        return "<1%"
    if 0.99 < value < 1:
        return f"{math.floor(value * 1000) / 10:.1f}%"
    return f"{value:.0%}"


def _integer(value: float) -> str:
    return f"{value:,.0f}"


def _yes_no(value: float) -> str:
    return "yes" if value == 1 else "no"


def _formatter(values: pd.Series, *, share: bool, binary: bool) -> Callable[[object], str]:
    """How the numbers of one column are shown: yes/no, percentages, integers or three digits."""
    finite = pd.to_numeric(values, errors="coerce").astype(float)
    finite = finite[np.isfinite(finite)]
    if binary and len(finite) and finite.isin([0, 1]).all():
        return _yes_no
    if share and len(finite) and finite.between(0, 1).all():
        return _percent
    if len(finite) and (finite == finite.round()).all() and finite.abs().max() < 1e15:
        return _integer
    return readable_number


def _header_text(name: object) -> str:
    if isinstance(name, tuple):
        return " · ".join(str(part) for part in name)
    return str(name)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


class Table:
    """A frame shown as a full HTML table in reports and as its exact text to nbval.

    Built by :func:`table`; see there for the options. ``repr(table)`` and
    the ``text/plain`` output are ``frame.to_string(index=index)``.
    """

    def __init__(
        self,
        data: pd.DataFrame | pd.Series,
        *,
        caption: str | None,
        index: bool,
        labels: Mapping[str, str],
        shares: frozenset[str],
        collapsed: bool | None,
        sortable: bool,
        family: str | None,
    ) -> None:
        self.data = data
        self.caption = caption
        self.index = index
        self.labels = labels
        self.shares = shares
        self.collapsed = len(data) > COLLAPSE_ROWS if collapsed is None else collapsed
        self.sortable = sortable
        self.family = family

    @property
    def text(self) -> str:
        """The whole table as text, what the notebook used to print (nbval checks it)."""
        return self.data.to_string(index=self.index)

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return self.html

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"text/plain": self.text, "text/html": self.html}
        if self.family is None:
            return data
        return data, {METADATA_KEY: {"family": self.family}}

    def _frame(self) -> pd.DataFrame:
        """The frame as shown: index as leading columns unless it is a bare 0..n-1 range."""
        frame = self.data.to_frame() if isinstance(self.data, pd.Series) else self.data
        bare = isinstance(frame.index, pd.RangeIndex) and frame.index.name is None and (
            frame.index.start == 0 and frame.index.step == 1
        )
        if not self.index or bare:
            return frame.reset_index(drop=True)
        names = [name if name is not None else "" for name in frame.index.names]
        shown = frame.copy()
        shown.index = shown.index.set_names(names if len(names) > 1 else names[0])
        return shown.reset_index(allow_duplicates=True)

    def _label(self, value: object, *, tag: str = "span", attributes: str = "") -> str:
        """Escaped text; a code name with a plain label shows the label, the code as tooltip."""
        text = _header_text(value)
        label = self.labels.get(text)
        if label is None or label == text:
            return f"<{tag}{attributes}>{html.escape(text)}</{tag}>" if attributes else html.escape(text)
        return (f'<{tag}{attributes} title="{html.escape(text, quote=True)}" class="ea-label">'
                f"{html.escape(label)}</{tag}>")

    def _header_cell(self, name: object) -> str:
        text = _header_text(name)
        label = self.labels.get(text) or text.replace("_", " ")
        title = f' title="{html.escape(text, quote=True)}"' if label != text else ""
        return f'<th scope="col"{title}>{html.escape(label)}</th>'

    def _cells(self, column: pd.Series, name: object) -> list[str]:
        numeric = column.map(_is_number).all() if len(column) else False
        if column.dtype == bool:
            return [f'<td data-sort="{int(v)}">{"yes" if v else "no"}</td>' for v in column]
        if numeric or pd.api.types.is_numeric_dtype(column.dtype):
            text = _header_text(name)
            share = text in self.shares or text in share_signals()
            show = _formatter(column, share=share, binary=text in binary_signals())
            cells = []
            for value in column:
                if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                    cells.append('<td class="ea-num ea-na" title="no value">–</td>')
                else:
                    number = float(value)
                    cells.append(f'<td class="ea-num" data-sort="{number:.12g}">{html.escape(show(number))}</td>')
            return cells
        cells = []
        for value in column:
            if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                cells.append('<td class="ea-na">–</td>')
            else:
                cells.append(f"<td>{self._label(value)}</td>")
        return cells

    @property
    def html(self) -> str:
        """The full, escaped HTML table (no ``<script>``: sorting is the report page's)."""
        frame = self._frame()
        rows = len(frame)
        caption = html.escape(self.caption) if self.caption else ""
        if frame.shape[1] == 0 or rows == 0:
            body = f'<p class="ea-empty">{caption + ": " if caption else ""}no rows.</p>'
            return f'<div class="ea-table">{body}</div>'
        head = "".join(self._header_cell(name) for name in frame.columns)
        columns = [self._cells(frame.iloc[:, i], name) for i, name in enumerate(frame.columns)]
        body = "\n".join("<tr>" + "".join(cells) + "</tr>" for cells in zip(*columns, strict=True))
        classes = "dataframe ea-sortable" if self.sortable else "dataframe"
        size = f"{rows} row{'s' if rows != 1 else ''} × {frame.shape[1]} column{'s' if frame.shape[1] != 1 else ''}"
        table_html = (
            f'<div class="ea-table-scroll" tabindex="0"><table class="{classes}">'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table></div>"
        )
        if self.collapsed:
            summary = f"{caption or 'Table'} ({size})"
            return (f'<div class="ea-table" data-rows="{rows}"><details><summary>{summary}</summary>'
                    f"{table_html}</details></div>")
        title = f'<p class="ea-table-caption">{caption} ({size})</p>' if caption else ""
        return f'<div class="ea-table" data-rows="{rows}">{title}{table_html}</div>'


def table(
    data: pd.DataFrame | pd.Series,
    *,
    caption: str | None = None,
    index: bool = True,
    labels: Mapping[str, str] | None = None,
    shares: Iterable[str] = (),
    collapsed: bool | None = None,
    sortable: bool = True,
    family: str | None = None,
) -> Table:
    """Show a frame as a full, sortable HTML table; its text form is ``to_string()``.

    End a notebook cell with it instead of ``print(frame.to_string())`` or
    ``display(frame)``: JupyterLab and the report show the HTML table, nbval
    compares the text, which is exactly what ``print`` showed.

    Parameters
    ----------
    data : DataFrame or Series
        The numbers. Every row is shown; nothing is truncated.
    caption : str, optional
        What the table holds, e.g. ``"Numbers behind the figure"``; it is the
        summary line of a collapsed table.
    index : bool, default True
        Show the index (a bare 0..n-1 index is never shown in HTML).
    labels : mapping, optional
        Code name -> plain label for column headers and text cells. Default:
        the signal catalog's labels and the family names; the code name is
        kept as a tooltip. Other column names show with spaces for underscores.
    shares : iterable of str
        Columns to show as percentages, when all their values are 0-1 (as are
        the columns named after a signal the catalog measures as a share).
    collapsed : bool, optional
        Start collapsed under a ``<details>``; default: when it has more than
        :data:`COLLAPSE_ROWS` rows.
    sortable : bool, default True
        Let the report sort it by clicking a column header.
    family : str, optional
        The signal family this table belongs to: the report links findings
        about that family here.

    Returns
    -------
    Table

    Examples
    --------
    >>> import pandas as pd
    >>> from engagement_analytics import plots
    >>> shown = plots.table(pd.DataFrame({"signal": ["sponsor_named"], "n": [12]}), index=False)
    >>> print(repr(shown))
           signal  n
    sponsor_named 12
    >>> 'title="sponsor_named"' in shown.html and "executive sponsor named" in shown.html
    True
    """
    if not isinstance(data, (pd.DataFrame, pd.Series)):
        raise TypeError(f"table() takes a DataFrame or Series, not {type(data).__name__}")
    return Table(
        data,
        caption=caption,
        index=index,
        labels=default_labels() if labels is None else {**default_labels(), **labels},
        shares=frozenset(shares),
        collapsed=collapsed,
        sortable=sortable,
        family=family,
    )
