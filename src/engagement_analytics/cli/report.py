"""``engagement-analytics report``: render the offline HTML report of a bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..report import build_report
from .common import WAIT_DEFAULT, UsageProblem, WaitOption, console


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def parse_parameter(text: str) -> tuple[str, object]:
    """Split ``KEY=VALUE``; the value is read as YAML (``6`` is an int, ``null`` is None).

    Dates stay ISO strings, which is what the notebooks expect.
    """
    import datetime as dt

    import yaml

    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise UsageProblem(f"--parameters: {text!r} is not KEY=VALUE")
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        value = raw
    if isinstance(value, dt.date):
        value = value.isoformat()
    if isinstance(value, (list, dict)):
        raise UsageProblem(f"--parameters: {key.strip()} must be a single value, got {raw!r}")
    return key.strip(), value


def report(
    bundle: Annotated[Path, typer.Argument(help="Bundle folder or bundle.xlsx.")],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder for report.html, index.html and the pages: new, empty, or an earlier "
                 "report (replaced).",
        ),
    ],
    parameters: Annotated[
        list[str] | None,
        typer.Option(
            "--parameters",
            "-p",
            help="Notebook parameter KEY=VALUE (repeatable): outcome, as_of, first_weeks, at_fraction.",
        ),
    ] = None,
    notebooks: Annotated[
        str | None,
        typer.Option(help="Comma-separated subset of notebooks, e.g. 01,06 or data,drivers."),
    ] = None,
    notebooks_dir: Annotated[
        Path | None, typer.Option(help="Folder of the report notebooks (default: the repo's).")
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(min=1, help="Notebooks run at the same time (default: the cores, at most 4)."),
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    wait: WaitOption = WAIT_DEFAULT,
) -> None:
    """Execute the notebooks on BUNDLE and render the offline HTML report into OUT.

    OUT/report.html is the whole report in one file to send (findings first,
    then every section); OUT also gets one page per section and index.html.

    The report is built in a hidden folder beside OUT and replaces OUT as a
    whole at the end: stopped at any moment, OUT keeps the previous report.
    One run at a time builds into OUT: a second one waits (--wait), then
    stops. OUT is checked before the notebooks run. Exit 0 when every section
    was computed, 1 when some could not be (their pages say why), 2 for a bad
    path or option, an unwritable or busy OUT.
    """
    values = dict(parse_parameter(p) for p in parameters or [])
    selected = [n for n in (notebooks or "").split(",") if n.strip()] or None
    try:
        result = build_report(
            bundle,
            out_dir=out,
            parameters=values,
            notebooks=selected,
            notebooks_dir=notebooks_dir,
            jobs=jobs,
            progress=progress,
            wait=wait,
        )
    except (FileNotFoundError, ValueError) as exc:
        if isinstance(exc, OSError) and exc.filename:
            raise  # an output path: printed as "PATH: why" (see cli.main)
        raise UsageProblem(str(exc)) from None
    for section in result.sections:
        status = "ok" if section.ok else f"could not be computed: {section.error}"
        console.print(f"{section.html_path.name}: {status}", markup=False)
    console.print(f"Index: {result.index_path}", markup=False)
    # Last, so that scripts (and `make report`) can take the file to send from the last line.
    console.print(f"Report: {result.report_path} ({result.seconds:.0f} s)", markup=False)
    raise typer.Exit(0 if result.ok else 1)
