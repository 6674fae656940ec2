"""Build the offline HTML report: run every notebook, render the pages, report.html and the index."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .._atomic import LOCK_WAIT_SECONDS, replacing_folder
from .._config import get_n_jobs
from ._execute import Execution, execute_notebook, kernel_environment
from ._html import (
    SectionPage,
    notebook_title,
    render_index,
    render_report,
    render_section,
)

__all__ = ["ReportResult", "SectionResult", "build_report", "default_notebooks_dir", "run_date"]

#: Report notebooks are the numbered ones: ``01_data.ipynb`` ... ``07_portfolio.ipynb``;
#: ``00_start_here.ipynb``, JupyterLab's landing page in the repository's notebooks/, is not one.
NOTEBOOK_PATTERN = re.compile(r"^(?!00_)(\d{2})_(\w+)\.ipynb$")
#: The one file holding the whole report, next to the section pages and the index.
REPORT_HTML = "report.html"
#: The files of a report folder: pages, index, report.html, and what a file browser adds.
REPORT_FILE = re.compile(r"^(index|report|\d{2}_\w+)\.html$|^\.DS_Store$")
_PARAMETER_LINE = re.compile(r"^([A-Za-z_]\w*)\s*(?::[^=]*)?=", re.MULTILINE)


@dataclass(frozen=True)
class SectionResult:
    """One rendered section (notebook) of a report.

    Attributes
    ----------
    notebook : str
        File name of the source notebook.
    title : str
        Section title (the notebook's first heading).
    html_path : Path
        The rendered page.
    error : str or None
        Why the section could not be computed, or None if it ran to the end.
    figures : int
        Plotly figures on the page.
    seconds : float
        Execution time of the notebook.
    """

    notebook: str
    title: str
    html_path: Path
    error: str | None
    figures: int
    seconds: float

    @property
    def ok(self) -> bool:
        """Whether the notebook ran to the end."""
        return self.error is None


@dataclass(frozen=True)
class ReportResult:
    """What :func:`build_report` wrote.

    Attributes
    ----------
    out_dir : Path
    index_path : Path
        ``out_dir / "index.html"``.
    sections : list of SectionResult
        In notebook order.
    findings : dict or None
        What the top of the report lists: ``analysed``, ``findings`` and
        ``non_findings`` (see ``plots.findings_summary``); None when no
        section computed them.
    seconds : float
        Wall-clock time of the whole build.
    report_path : Path or None
        ``out_dir / "report.html"``: every section in one file.
    """

    out_dir: Path
    index_path: Path
    sections: list[SectionResult] = field(default_factory=list)
    findings: dict | None = None
    seconds: float = 0.0
    report_path: Path | None = None

    @property
    def summary(self) -> str | None:
        """The findings, one sentence per line (None when no section computed them)."""
        if self.findings is None:
            return None
        return "\n".join(item["text"] for item in self.findings.get("findings", []))

    @property
    def ok(self) -> bool:
        """Whether every section was computed."""
        return all(section.ok for section in self.sections)

    @property
    def failed(self) -> list[SectionResult]:
        """The sections that could not be computed."""
        return [section for section in self.sections if not section.ok]


def default_notebooks_dir() -> Path:
    """The report notebooks shipped with the package (``engagement_analytics/report/notebooks``).

    The repository's ``notebooks/`` folder, what JupyterLab opens and nbval
    tests, links to these same files, so a checkout and an installed wheel
    build the same report.
    """
    return Path(__file__).resolve().parent / "notebooks"


def _report_notebooks(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if NOTEBOOK_PATTERN.match(p.name))


def _select(available: list[Path], wanted: Sequence[str] | None) -> list[Path]:
    """Notebooks named in ``wanted`` by number (``"01"``, ``"1"``), stem or file name."""
    if not wanted:
        return available
    chosen = []
    for name in wanted:
        key = name.strip().removesuffix(".ipynb")
        matches = [
            p
            for p in available
            if key in {p.stem, p.stem[:2], p.stem[3:]} or (key.isdigit() and int(key) == int(p.stem[:2]))
        ]
        if not matches:
            known = ", ".join(p.stem for p in available)
            raise ValueError(f"no report notebook {name!r}; available: {known}")
        chosen.extend(m for m in matches if m not in chosen)
    return sorted(chosen)


def run_date() -> str:
    """The day of the run shown in every page header, ``YYYY-MM-DD``.

    ``SOURCE_DATE_EPOCH`` (seconds since 1970, the reproducible-builds
    convention) fixes it, so two builds of the same input on different days
    can still be byte-identical.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date().isoformat()
    return dt.date.today().isoformat()


def _size(path: Path) -> str:
    megabytes = path.stat().st_size / 1_000_000
    return f"{megabytes:.1f} MB" if megabytes >= 0.1 else f"{path.stat().st_size // 1000} kB"


def _parameter_names(notebook_path: Path) -> set[str]:
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return set(_PARAMETER_LINE.findall(cell.source))
    return set()


def _check_parameters(parameters: Mapping[str, object], notebooks: list[Path]) -> None:
    known = set().union(*(_parameter_names(p) for p in notebooks))
    unknown = sorted(set(parameters) - known)
    if unknown:
        raise ValueError(
            f"unknown report parameter(s) {', '.join(map(repr, unknown))}; "
            f"the notebooks take: {', '.join(sorted(known))}"
        )


def build_report(
    bundle_path: str | Path,
    *,
    out_dir: str | Path,
    parameters: Mapping[str, object] | None = None,
    notebooks: Sequence[str] | None = None,
    notebooks_dir: str | Path | None = None,
    jobs: int | None = None,
    progress: bool = True,
    wait: float = LOCK_WAIT_SECONDS,
) -> ReportResult:
    """Execute the report notebooks on a bundle and render them to offline HTML.

    Each notebook is executed with papermill (kernel ``python3``) with
    ``bundle`` set to ``bundle_path``, then rendered with the code hidden.
    ``report.html`` holds the whole report in one file to send: the findings
    first (a list, one item per finding, linked to its section), then every
    section, plotly.js included once, so that it opens from ``file://`` with
    no network. Each section also gets its own standalone page, and
    ``index.html`` lists the findings and links the pages. A notebook that
    fails does not stop the build: its page, report.html and the index say
    which section could not be computed and why.

    Parameters
    ----------
    bundle_path : str or Path
        Bundle folder or ``bundle.xlsx``.
    out_dir : str or Path
        Folder for ``report.html``, ``index.html`` and one ``NN_name.html``
        per notebook; created if missing. An existing folder must be empty or
        hold a report (pages, index, report.html): it is replaced as a whole
        at the end, so it holds
        exactly this run's pages. The report is built in a hidden sibling
        folder first; if the build stops at any moment (killed, an error),
        ``out_dir`` keeps the previous report.
    parameters : mapping, optional
        Extra notebook parameters (``outcome``, ``as_of``, ``first_weeks``,
        ``at_fraction``); ``bundle`` is always ``bundle_path``.
    notebooks : sequence of str, optional
        Subset to run, by number (``"01"``), name (``"data"``) or stem
        (``"01_data"``). Default: all.
    notebooks_dir : str or Path, optional
        Where the notebooks are. Default: :func:`default_notebooks_dir`.
    jobs : int, optional
        Notebooks executed at the same time (one kernel each). Default: the
        package's :func:`engagement_analytics.get_n_jobs`.
    progress : bool, default True
        Show a progress bar on stderr.
    wait : float, default 60
        Seconds to wait for another build into the same ``out_dir`` (one at a
        time), then ``FolderBusy`` (an ``OSError``), before any notebook runs.

    Returns
    -------
    ReportResult

    Raises
    ------
    FileNotFoundError
        If the bundle or the notebooks folder does not exist.
    ValueError
        If a notebook name or a parameter is unknown, or ``out_dir`` holds
        files that are not a report's.
    OSError
        If ``out_dir`` cannot be written or is busy: raised before any
        notebook runs.
    """
    started = time.perf_counter()
    bundle = Path(bundle_path).expanduser().resolve()
    if not bundle.exists():
        raise FileNotFoundError(f"bundle not found: {bundle_path}")
    folder = Path(notebooks_dir).resolve() if notebooks_dir else default_notebooks_dir()
    available = _report_notebooks(folder)
    if not available:
        raise FileNotFoundError(f"no report notebooks (NN_name.ipynb) in {folder}")
    selected = _select(available, notebooks)
    extra = dict(parameters or {})
    extra.pop("bundle", None)
    _check_parameters(extra, selected)
    injected = {**extra, "bundle": str(bundle)}
    # Absolute: papermill changes the process's working directory while a notebook runs,
    # and with two notebooks at a time a relative path would resolve against either.
    out = Path(out_dir).expanduser().resolve()
    # Built beside `out` and swapped in at the end; the sibling is made first,
    # so an unwritable place fails now, not after the notebooks ran.
    with replacing_folder(out, wait=wait) as staging:
        _check_replaceable(out)
        sections, findings = _build_pages(selected, staging, out, injected, bundle_name=bundle.name,
                                          jobs=jobs, progress=progress)
    return ReportResult(
        out_dir=out,
        index_path=out / "index.html",
        sections=sections,
        findings=findings,
        seconds=time.perf_counter() - started,
        report_path=out / REPORT_HTML,
    )


def _check_replaceable(out: Path) -> None:
    """Refuse to replace a folder holding anything but a report (it would be deleted)."""
    if not out.is_dir():
        return
    foreign = sorted(p.name for p in out.iterdir()
                     if p.is_symlink() or not p.is_file() or not REPORT_FILE.match(p.name))
    if foreign:
        raise ValueError(
            f"{out} holds {len(foreign)} file(s) that are not report pages (first: {foreign[0]!r}); "
            "the report replaces its folder: give a new or empty folder, or an earlier report's"
        )


def _build_pages(
    selected: list[Path],
    staging: Path,
    out: Path,
    injected: Mapping[str, object],
    *,
    bundle_name: str,
    jobs: int,
    progress: bool,
) -> tuple[list[SectionResult], dict | None]:
    """Run the notebooks and write every page into ``staging`` (paths given as in ``out``)."""
    from tqdm.auto import tqdm

    with tempfile.TemporaryDirectory(prefix="ea-report-") as scratch, kernel_environment():
        def run(source: Path) -> Execution:
            return execute_notebook(
                source, output=Path(scratch) / source.name, parameters=injected
            )

        bar = tqdm(total=len(selected), desc="report", unit="notebook", disable=not progress)
        with bar, ThreadPoolExecutor(max_workers=jobs or get_n_jobs()) as pool:
            futures = [pool.submit(run, source) for source in selected]
            executions = []
            for source, future in zip(selected, futures, strict=True):
                executions.append(future.result())
                bar.set_postfix_str(source.stem)
                bar.update()

    date = run_date()
    pages = [
        SectionPage(
            stem=source.stem,
            title=notebook_title(execution.notebook or nbformat.read(source, as_version=4),
                                 default=source.stem),
            error=execution.error,
            notebook=execution.notebook,
        )
        for source, execution in zip(selected, executions, strict=True)
    ]
    sections, families = [], {}
    findings, findings_stem = None, None
    for source, page, execution in zip(selected, pages, executions, strict=True):
        html, prepared = render_section(page, sections=pages, bundle_name=bundle_name, run_date=date)
        (staging / page.file_name).write_text(html, encoding="utf-8")
        for family, anchor in prepared.families.items():
            families.setdefault(family, (page.stem, anchor))
        if findings is None and prepared.findings is not None:
            findings, findings_stem = prepared.findings, page.stem
        sections.append(
            SectionResult(
                notebook=source.name,
                title=page.title,
                html_path=out / page.file_name,
                error=execution.error,
                figures=prepared.figures,
                seconds=execution.seconds,
            )
        )
    report = staging / REPORT_HTML
    report.write_text(render_report(sections=pages, bundle_name=bundle_name, run_date=date),
                      encoding="utf-8")
    (staging / "index.html").write_text(
        render_index(findings=findings, sections=pages, families=families, findings_stem=findings_stem,
                     bundle_name=bundle_name, run_date=date, report_size=_size(report)),
        encoding="utf-8",
    )
    return sections, findings
