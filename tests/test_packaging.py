"""The project's set-up files agree with each other."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

from engagement_analytics._contract import TABLES

ROOT = Path(__file__).resolve().parents[1]


def _pins() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "requirements/constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = Version(version.strip())
    return pins


def _dependencies() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(text) for text in listed]


def test_every_dependency_is_pinned_within_its_range():
    pins = _pins()
    for requirement in _dependencies():
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in pins, f"{requirement.name} has no pin in requirements/constraints.txt"
        assert pins[name] in requirement.specifier, f"{name}=={pins[name]} outside {requirement.specifier}"


def test_environment_yml_installs_the_checkout_with_the_same_pins():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in environment["dependencies"] if isinstance(d, str)]
    pip_lines = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert "python=3.11" in conda and "pip" in conda
    assert pip_lines == ["-c requirements/constraints.txt", "-e .[dev]"]


def test_every_contract_column_is_documented():
    text = (ROOT / "docs/bundle.md").read_text()
    for table in TABLES.values():
        assert f"## {table.name}" in text
        for column in table.columns:
            assert f"`{column.name}`" in text, f"docs/bundle.md lacks {table.name}.{column.name}"


@pytest.mark.slow
def test_the_wheel_ships_the_report_notebooks_and_templates(tmp_path):
    # A normal (non-editable) install must be able to build a report: the notebooks and the
    # HTML template travel inside the package, and notebooks/ holds links to the same files.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = tmp_path.glob("engagement_analytics-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    # 00_start_here.ipynb is JupyterLab's landing page, a file of the repository only.
    linked = sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb") if p.name[:2] != "00")
    assert len(linked) == 7
    for link in linked:
        assert link.is_symlink(), f"{link.name} is a copy, not a link to the package's notebook"
        assert f"engagement_analytics/report/notebooks/{link.name}" in names
    templates = sorted((ROOT / "src/engagement_analytics/report/templates").iterdir())
    assert templates
    for template in templates:
        assert f"engagement_analytics/report/templates/{template.name}" in names
    assert not any("00_start_here" in name for name in names)
    # The watchlist's advice is data read at run time.
    assert "engagement_analytics/watchlist/advice.toml" in names
