"""``make lab`` (notebooks/lab.py) starts JupyterLab as root or not, headless or not, on the
port, token and bundle asked for, with the notebooks' JupyterLab configuration."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_allow_root_is_passed_only_when_running_as_root(lab_script):
    as_root = lab_script.lab_command(port=8888, as_root=True, open_browser=True)
    as_user = lab_script.lab_command(port=8888, as_root=False, open_browser=True)
    assert "--allow-root" in as_root
    assert "--allow-root" not in as_user
    assert as_user[1] == "lab" and "--ServerApp.port=8888" in as_user
    assert f"--ServerApp.root_dir={ROOT / 'notebooks'}" in as_user


@pytest.mark.parametrize(("environ", "platform", "opens"), [
    ({}, "linux", False),  # a container or a server over ssh
    ({"DISPLAY": ":0"}, "linux", True),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
    ({"BROWSER": "firefox"}, "linux", True),
    ({}, "darwin", True),
    ({}, "win32", True),
])
def test_a_browser_is_opened_only_where_there_is_a_display(lab_script, environ, platform, opens):
    assert lab_script.wants_browser(environ, platform=platform) is opens
    command = lab_script.lab_command(port=8888, as_root=False, open_browser=opens)
    assert ("--no-browser" in command) is not opens


def test_jupyter_port_is_honoured_and_a_busy_or_bad_one_refused_in_one_line(lab_script):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(SystemExit, match=f"port {port} is in use"):
            lab_script.choose_port({"JUPYTER_PORT": str(port)})
    assert lab_script.choose_port({"JUPYTER_PORT": str(port)}) == port  # free again
    with pytest.raises(SystemExit, match="not a port number"):
        lab_script.choose_port({"JUPYTER_PORT": "88a"})
    chosen = lab_script.choose_port({})
    assert lab_script.DEFAULT_PORT <= chosen < lab_script.DEFAULT_PORT + lab_script.PORT_TRIES


def test_the_server_environment_carries_token_bundle_renderer_and_config(
    lab_script, monkeypatch, tmp_path
):
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", "/site/config")
    monkeypatch.setenv("PLOTLY_RENDERER", "browser")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine").mkdir()
    bundle = lab_script.resolve_bundle("mine")
    env = lab_script.lab_environment(token="t0ken", bundle=bundle)
    assert env["JUPYTER_TOKEN"] == "t0ken"
    assert env["ENGAGEMENT_ANALYTICS_BUNDLE"] == str(tmp_path / "mine")  # absolute: kernels run elsewhere
    assert env["PLOTLY_RENDERER"] == "plotly_mimetype"  # figures as JSON, plotly.js never inlined
    assert env["JUPYTER_CONFIG_PATH"].split(":") == [str(ROOT / "notebooks" / ".jupyter"), "/site/config"]
    assert lab_script.lab_environment(token="t", bundle=None)["ENGAGEMENT_ANALYTICS_BUNDLE"] == ""
    with pytest.raises(SystemExit, match="bundle not found: nowhere"):
        lab_script.resolve_bundle("nowhere")


def test_the_printed_url_opens_the_landing_notebook_with_the_token(lab_script):
    url = lab_script.landing_url(8899, "abc")
    assert url == "http://localhost:8899/lab/tree/00_start_here.ipynb?token=abc"
    assert (ROOT / "notebooks" / lab_script.LANDING).exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_lab_runs_the_launcher_with_bundle_and_options():
    dry = subprocess.run(
        ["make", "-n", "lab", "PYTHON=python3", "BUNDLE=data/x y", "LAB_ARGS=--ip=0.0.0.0"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    assert "notebooks/lab.py --bundle 'data/x y' -- --ip=0.0.0.0" in dry


def _schema(plugin: str) -> dict:
    from jupyterlab.commands import get_app_dir

    package, name = plugin.split(":")
    return json.loads((Path(get_app_dir()) / "schemas" / package / f"{name}.json").read_text())


def test_the_lab_configuration_names_settings_this_jupyterlab_has(lab_script):
    config = lab_script.CONFIG_DIR
    page = json.loads((config / "labconfig" / "page_config.json").read_text())
    assert page == {"notebookStartsKernel": False}
    overrides = json.loads((config / "labconfig" / "default_setting_overrides.json").read_text())
    for plugin, values in overrides.items():
        properties = _schema(plugin)["properties"]
        for key, value in values.items():
            assert key in properties, f"{plugin} has no setting {key}"
            allowed = [choice["const"] for choice in properties[key].get("oneOf", [])]
            assert not allowed or value in allowed, f"{plugin}.{key}={value!r}"
    server = json.loads((config / "jupyter_server_config.json").read_text())
    assert server["LabApp"]["default_url"] == f"/lab/tree/{lab_script.LANDING}"
