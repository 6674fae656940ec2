"""The tree shows the architecture: no job reaches into another job's private modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "engagement_analytics"
JOBS = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def _imported_modules(relative: Path, source: str) -> list[tuple[int, str]]:
    """Absolute dotted names of every module a package file imports from (relative ones resolved)."""
    package = ["engagement_analytics", *relative.with_suffix("").parts][:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = [*base, *(node.module.split(".") if node.module else [])]
            found.append((node.lineno, ".".join(target)))
            # "from . import x" / "from .. import _x" name modules too.
            found += [(node.lineno, ".".join([*target, a.name])) for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return found


def _job_of(parts: list[str]) -> str | None:
    return parts[1] if len(parts) > 1 and parts[1] in JOBS else None


def _violations(relative: Path, source: str) -> list[str]:
    """Imports of ``relative`` (a path inside the package) that break the layout rule."""
    own_job = _job_of(["engagement_analytics", *relative.parts])
    out = []
    seen_lines = set()
    for line, name in _imported_modules(relative, source):
        if line in seen_lines:
            continue
        parts = name.split(".")
        if parts[0] != "engagement_analytics":
            continue
        job = _job_of(parts)
        private = [p for p in parts[1:] if p.startswith("_") and p != "__init__"]
        if job is not None and job != own_job and private or own_job == "cli" and private:
            out.append(f"{relative}:{line} imports {name}")
            seen_lines.add(line)
    return out


def test_every_job_is_a_subpackage():
    assert {"bundle", "signals", "drivers", "sample", "plots", "report", "adapters", "cli"} <= set(JOBS)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_private_module_of_another_job_is_imported(path):
    assert _violations(path.relative_to(PACKAGE), path.read_text()) == []


def test_the_rule_catches_reaches_into_private_modules():
    # The check itself can fail: the reaches the rule forbids, and the ones it allows.
    cli = "from ..bundle._load import load_bundle\nfrom .. import _contract\nfrom .common import x\n"
    assert _violations(Path("cli/probe.py"), cli) == [
        "cli/probe.py:1 imports engagement_analytics.bundle._load",
        "cli/probe.py:2 imports engagement_analytics._contract",
    ]
    plots = "from ..signals._catalog import HIGHER\nfrom .._contract import FAMILIES\nfrom ..signals import x\n"
    assert _violations(Path("plots/probe.py"), plots) == [
        "plots/probe.py:1 imports engagement_analytics.signals._catalog",
    ]


def test_one_n_jobs_setting_reaches_every_thread_pool():
    # Every thread pool of the package sizes itself from the one setting.
    pools = [
        f"{path.relative_to(PACKAGE)}: {line.strip()}"
        for path in PACKAGE.rglob("*.py")
        for line in path.read_text().splitlines()
        if "ThreadPoolExecutor(" in line
    ]
    assert pools
    for pool in pools:
        assert "get_n_jobs()" in pool or "max_workers=1" in pool, pool
