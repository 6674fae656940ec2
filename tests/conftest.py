"""Fixtures shared by the browser tests of reports (tests/report) and of JupyterLab (tests/lab)."""

import os
import shutil
from pathlib import Path

import pytest

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
