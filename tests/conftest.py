"""Helpers shared by every test folder."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

#: Characters that make a spreadsheet evaluate a cell (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula(cell: str) -> bool:
    """Whether a spreadsheet would evaluate ``cell``: a trigger first, and not a plain number."""
    if not cell.startswith(FORMULA_STARTS):
        return False
    try:
        return not math.isfinite(float(cell)) or "_" in cell or cell != cell.strip()
    except ValueError:
        return True


def formula_cells(path: Path) -> list[str]:
    """Every cell of the CSV file ``path`` (header included) a spreadsheet would evaluate."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [cell for record in csv.reader(handle) for cell in record if is_formula(cell)]


@pytest.fixture(name="formula_cells")
def formula_cells_fixture():
    return formula_cells


@pytest.fixture(name="is_formula")
def is_formula_fixture():
    return is_formula
