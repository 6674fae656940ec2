"""Start JupyterLab on these notebooks, at 00_start_here.ipynb: what ``make lab`` runs.

Usage (from the repository root)::

    .venv/bin/python notebooks/lab.py                      # the sample bundle
    .venv/bin/python notebooks/lab.py --bundle PATH        # every notebook reads PATH
    .venv/bin/python notebooks/lab.py -- --ip=0.0.0.0      # options after -- go to jupyter lab

What it decides, so that the same command works as root in a container and
as a normal user on a laptop:

- ``--allow-root`` only when running as root (JupyterLab refuses root without it);
- port ``JUPYTER_PORT`` (default: the first free one from 8888), token
  ``JUPYTER_TOKEN`` (default: a random one), both passed to jupyter_server
  through its own environment variables, so the token never shows in ``ps``;
- ``--no-browser`` on Linux without ``DISPLAY``/``WAYLAND_DISPLAY`` (a headless
  server would otherwise start a text browser in the terminal) unless
  ``BROWSER`` names one; the URL to open, token included, is printed first;
- ``--bundle`` sets ``ENGAGEMENT_ANALYTICS_BUNDLE`` (made absolute) for every
  kernel: each notebook's parameters cell reads it;
- kernels get the report's environment (plotly's JSON mimetype renderer, so
  no plotly.js is ever inlined into a notebook; a fixed hash seed), so a
  notebook run here gives the committed outputs;
- ``notebooks/.jupyter`` is put on ``JUPYTER_CONFIG_PATH``: notebooks open
  without starting a kernel (opening then never modifies them; the first run
  starts Python without asking), nothing is fetched from the internet (news,
  update checks), and the helper files are hidden from the file browser.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: JupyterLab configuration of these notebooks (page config, setting defaults, server options).
CONFIG_DIR = HERE / ".jupyter"
LANDING = "00_start_here.ipynb"
BUNDLE_VARIABLE = "ENGAGEMENT_ANALYTICS_BUNDLE"
DEFAULT_PORT = 8888
#: Ports tried from DEFAULT_PORT when JUPYTER_PORT is not set (jupyter_server tries 50 too).
PORT_TRIES = 50
HOST = "localhost"


def port_is_free(port: int, host: str = HOST) -> bool:
    """Whether nothing listens on ``host:port`` (a bind succeeds)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((socket.gethostbyname(host), port))
        except OSError:
            return False
    return True


def choose_port(environ: Mapping[str, str]) -> int:
    """``JUPYTER_PORT`` if set (it must be free), else the first free port from 8888."""
    wanted = environ.get("JUPYTER_PORT", "").strip()
    if wanted:
        if not wanted.isdigit() or not 0 < int(wanted) < 65536:
            raise SystemExit(f"error: JUPYTER_PORT={wanted!r} is not a port number")
        if not port_is_free(int(wanted)):
            raise SystemExit(f"error: port {wanted} is in use; choose another (JUPYTER_PORT=...)")
        return int(wanted)
    for port in range(DEFAULT_PORT, DEFAULT_PORT + PORT_TRIES):
        if port_is_free(port):
            return port
    last = DEFAULT_PORT + PORT_TRIES - 1
    raise SystemExit(f"error: ports {DEFAULT_PORT}-{last} are in use; set JUPYTER_PORT")


def wants_browser(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether to open a browser: on macOS and Windows always, on Linux with a display."""
    if not platform.startswith("linux"):
        return True
    return any(environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"))


def lab_command(
    *,
    port: int,
    as_root: bool,
    open_browser: bool,
    root_dir: Path = HERE,
    extra: Sequence[str] = (),
) -> list[str]:
    """The ``jupyter lab`` command line (token and bundle travel in the environment)."""
    jupyter = shutil.which("jupyter", path=str(Path(sys.executable).parent))
    if jupyter is None:
        raise SystemExit(f"error: no jupyter next to {sys.executable}: run `make install`")
    command = [
        jupyter, "lab",
        f"--ServerApp.root_dir={root_dir}",
        f"--ServerApp.port={port}",
        # The port was chosen free: fail rather than serve on another one than the printed URL.
        "--ServerApp.port_retries=0",
    ]
    if as_root:
        command.append("--allow-root")
    if not open_browser:
        command.append("--no-browser")
    return [*command, *extra]


def lab_environment(*, token: str, bundle: Path | None) -> dict[str, str]:
    """This process's environment with the report kernels' variables, the token, the bundle
    and the notebooks' JupyterLab configuration: the server's, which every kernel inherits."""
    # Imported here so that --help works before the package is installed.
    from engagement_analytics.report import kernel_environment

    with kernel_environment():  # the report kernels' variables, and src/ on PYTHONPATH
        env = dict(os.environ)
    env["JUPYTER_TOKEN"] = token
    env[BUNDLE_VARIABLE] = str(bundle) if bundle else ""
    paths = [str(CONFIG_DIR), *filter(None, env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep))]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def landing_url(port: int, token: str) -> str:
    """The URL of the landing notebook, token included."""
    return f"http://{HOST}:{port}/lab/tree/{LANDING}?token={token}"


def resolve_bundle(path: str | None) -> Path | None:
    """The bundle as an absolute path (kernels run in notebooks/), or None for the sample."""
    if not path:
        return None
    bundle = Path(path).expanduser().resolve()
    if not bundle.exists():
        raise SystemExit(f"error: bundle not found: {path}")
    return bundle


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", help="bundle folder or bundle.xlsx every notebook reads")
    parser.add_argument("extra", nargs="*", help="options passed on to jupyter lab (after --)")
    args = parser.parse_args(argv)
    bundle = resolve_bundle(args.bundle)
    port = choose_port(os.environ)
    token = os.environ.get("JUPYTER_TOKEN", "").strip() or secrets.token_hex(24)
    command = lab_command(
        port=port,
        as_root=hasattr(os, "geteuid") and os.geteuid() == 0,
        open_browser=wants_browser(os.environ),
        extra=args.extra,
    )
    env = lab_environment(token=token, bundle=bundle)
    print(f"JupyterLab on {bundle or 'the sample bundle (data/sample)'}; open:\n\n    "
          f"{landing_url(port, token)}\n\nStop it with Control-C (twice).", flush=True)
    os.execve(command[0], command, env)  # JupyterLab takes over the terminal (and Control-C)


if __name__ == "__main__":
    main(sys.argv[1:])
