"""JupyterLab, started as ``make lab`` starts it, in a real headless Chromium.

One server for the module, on a free local port with a random token, serving copies of
the landing notebook and of 06 (saving them must not touch the repository). It lands on
00_start_here.ipynb; each notebook opens with its figures drawn at the report's size, no
error dialog, no console error, no kernel started and nothing modified, and saving it
unchanged writes back the same bytes. The server is stopped whatever happens.
Run with ``pytest -m browser tests/lab``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

OPENED = ["00_start_here.ipynb", "06_drivers.ipynb"]
#: Seconds the server may take to answer, and a page to draw its figures.
READY_SECONDS = 60
DRAW_SECONDS = 30


@dataclass(frozen=True)
class Lab:
    url: str
    token: str
    root: Path
    pid: int

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            body = response.read()
        return json.loads(body) if body else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop(lab: Lab, process: subprocess.Popen) -> None:
    """Shut kernels down (none should run), then the server's process group."""
    with contextlib.suppress(Exception):
        for kernel in lab.api("/api/kernels"):
            lab.api(f"/api/kernels/{kernel['id']}", method="DELETE")
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)  # the server stops its kernels on SIGTERM
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@contextlib.contextmanager
def running_lab(lab_script, root: Path, state: Path) -> Iterator[Lab]:
    """JupyterLab on ``root`` with the command and environment of ``make lab``, user state in
    ``state``; stopped on exit, also when the block fails or the server never answers."""
    port, token = _free_port(), secrets.token_hex(16)
    command = lab_script.lab_command(
        port=port, as_root=hasattr(os, "geteuid") and os.geteuid() == 0, open_browser=False,
        root_dir=root, extra=["--ServerApp.ip=127.0.0.1"],
    )
    env = lab_script.lab_environment(token=token, bundle=None)
    # The tester's own settings, workspaces and config stay out, and untouched.
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR",
                 "JUPYTER_RUNTIME_DIR"):
        env[name] = str(state / name.lower())
    log = state / "server.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    lab = Lab(url=f"http://127.0.0.1:{port}", token=token, root=root, pid=process.pid)
    try:
        deadline = time.monotonic() + READY_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited ({process.returncode}): {log.read_text()[-2000:]}")
            try:
                lab.api("/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab not up in {READY_SECONDS} s: {log.read_text()[-2000:]}") from None
                time.sleep(0.2)
        yield lab
    finally:
        _stop(lab, process)


@pytest.fixture(scope="module")
def lab(lab_script, tmp_path_factory):
    root = tmp_path_factory.mktemp("lab-notebooks")
    for name in OPENED:  # copies of the files the links point at, byte for byte
        shutil.copyfile(lab_script.HERE / name, root / name)
    with running_lab(lab_script, root, tmp_path_factory.mktemp("lab-state")) as running:
        yield running
    assert not _alive(running.pid), "JupyterLab survived its fixture"


def _open(browser, url: str, expected_figures: int) -> tuple:
    """Open ``url``; wait until its notebook has drawn ``expected_figures`` plotly figures."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=DRAW_SECONDS * 1000)
    page.wait_for_function(
        "n => document.querySelectorAll('.jp-RenderedPlotly.js-plotly-plot .main-svg').length >= n"
        " || document.querySelector('.jp-Dialog') !== null",
        arg=expected_figures, timeout=DRAW_SECONDS * 1000,
    )
    page.wait_for_timeout(1000)  # anything the renderers do after drawing (image caching, ...)
    return page, errors


def _seen(page) -> dict:
    return page.evaluate("""() => ({
        dialogs: document.querySelectorAll('.jp-Dialog').length,
        dirty: document.querySelectorAll('.lm-DockPanel-tabBar .jp-mod-dirty').length,
        drawn: [...document.querySelectorAll('.jp-RenderedPlotly.js-plotly-plot')]
            .filter(node => node.querySelector('.main-svg')).length,
        heights: [...document.querySelectorAll('.jp-RenderedPlotly.js-plotly-plot')]
            .map(node => node._fullLayout ? node._fullLayout.height : null),
        tab: document.querySelector('.lm-DockPanel-tabBar .lm-mod-current')?.textContent,
    })""")


def _save_and_read(page, path: Path) -> bytes:
    before = path.stat().st_mtime_ns
    page.locator(".lm-DockPanel-tabBar .lm-mod-current").click()
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 10
    while path.stat().st_mtime_ns == before:
        assert time.monotonic() < deadline, f"{path.name} was not saved"
        time.sleep(0.1)
    time.sleep(0.2)  # the atomic write has replaced the file; let the rename settle
    return path.read_bytes()


@pytest.mark.parametrize("name", OPENED)
def test_notebook_opens_clean_with_its_figures_and_saves_unchanged(
    browser, lab, name, figures_of, height_of
):
    path = lab.root / name
    original = path.read_bytes()
    figures = figures_of(path)
    assert figures, f"{name} has no figure to check"
    # The landing notebook is where the server starts (its default URL).
    url = f"{lab.url}/?token={lab.token}" if name == OPENED[0] else f"{lab.url}/lab/tree/{name}?reset&token={lab.token}"
    page, errors = _open(browser, url, len(figures))
    try:
        seen = _seen(page)
        assert seen["tab"] == name
        assert seen["dialogs"] == 0, f"{name}: an error dialog opened"
        assert errors == [], f"{name}: console errors {errors[:3]}"
        assert seen["drawn"] == len(figures), f"{name}: {seen['drawn']} of {len(figures)} figures drawn"
        assert seen["heights"] == [height_of(f) for f in figures], f"{name}: not drawn at the report's size"
        assert lab.api("/api/kernels") == [], f"{name}: opening started a kernel"
        assert seen["dirty"] == 0, f"{name}: opening marked it modified"
        assert _save_and_read(page, path) == original, f"{name}: saving it unchanged rewrote it"
    finally:
        page.close()


def test_a_failing_test_leaves_no_server_behind(lab_script, tmp_path):
    (tmp_path / "notebooks").mkdir()
    with pytest.raises(RuntimeError, match="a failure"), \
            running_lab(lab_script, tmp_path / "notebooks", tmp_path) as running:
        assert running.api("/api/status")["kernels"] == 0
        raise RuntimeError("a failure while the server is up")
    assert not _alive(running.pid)
