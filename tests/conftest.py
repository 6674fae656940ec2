"""Helpers shared by every test folder: spreadsheet-formula checks and the headless browser
of the report (tests/report) and JupyterLab (tests/lab) tests."""

from __future__ import annotations

import csv
import math
import os
import shutil
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


CHROMIUM = shutil.which("chromium")  # Debian's package (make browser); else Playwright's own
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium (Playwright), skipped when there is none (failed on CI)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        executable = CHROMIUM or playwright.chromium.executable_path
        if not Path(executable).exists():
            message = "no headless Chromium: run `make browser`"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
