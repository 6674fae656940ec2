"""``engagement-analytics import``: build or extend a bundle from real exports."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from .. import BundleError, load_bundle
from ..adapters import (
    AdapterError,
    AdapterResult,
    MappingRules,
    load_rules,
    locked_bundle,
    read_bundle_table,
    read_graph,
    read_ics,
    read_jira,
    read_mail,
    read_mbox,
    read_outlook_csv,
    read_raid,
    read_salesforce,
    read_slack,
    read_zoom,
    split_salesforce_exports,
    write_bundle,
)
from .common import (
    WAIT_DEFAULT,
    UsageProblem,
    WaitOption,
    check_writable,
    console,
    parse_date,
    write_atomically,
    write_csv,
)

#: Unmatched events printed on the console; --unmatched writes them all.
SHOWN_UNMATCHED = 10


class Source(StrEnum):
    ics = "ics"
    outlook_csv = "outlook-csv"
    zoom = "zoom"
    salesforce = "salesforce"
    mbox = "mbox"
    eml = "eml"
    msg = "msg"
    slack = "slack"
    graph = "graph"
    jira = "jira"
    raid = "raid"


#: Sources whose arguments may be folders (of .eml/.msg files; an unpacked Slack export).
FOLDER_SOURCES = (Source.eml, Source.msg, Source.slack)
#: Readers of message exports (communications), by source.
MESSAGE_READERS = {Source.mbox: read_mbox, Source.eml: read_mail, Source.msg: read_mail,
                   Source.slack: read_slack, Source.graph: read_graph}
#: Readers of action logs (commitments), by source.
LOG_READERS = {Source.jira: read_jira, Source.raid: read_raid}


def register(app: typer.Typer) -> None:
    app.command("import")(import_exports)


def import_exports(
    source: Annotated[Source, typer.Argument(help="Export format.")],
    files: Annotated[
        list[Path],
        typer.Argument(help="Export files (eml, msg, slack: also folders).", show_default=False),
    ],
    rules: Annotated[Path, typer.Option(help="Mapping rules (YAML, see docs/adapters.md).")],
    out: Annotated[Path, typer.Option(help="Bundle folder to create or append to.")],
    roster: Annotated[
        Path | None,
        typer.Option(help="Stakeholders CSV: roles and sides (default: OUT/stakeholders.csv)."),
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Expand recurring events up to this day (YYYY-MM-DD).")
    ] = None,
    unmatched: Annotated[
        Path | None, typer.Option(help="Write every unmatched event to this CSV (personal data).")
    ] = None,
    wait: WaitOption = WAIT_DEFAULT,
) -> None:
    """Turn calendar, Zoom, Salesforce, e-mail, chat or action-log exports into bundle tables in OUT.

    The tables are switched all at once: killed at any moment, OUT holds all
    its old tables or all the new ones. One run at a time writes a bundle: a
    second one waits (--wait), then stops. Exit 0 when the bundle validates,
    1 when it does not, 2 for unreadable input, a bad path or a busy bundle.
    """
    until_date = parse_date(until, option="--until")
    for path in [rules, *files] + ([roster] if roster else []):
        if not (path.is_file() or (source in FOLDER_SOURCES and path in files and path.is_dir())):
            raise UsageProblem(f"{path}: no such file")
    if unmatched is not None:
        check_writable(unmatched, option="--unmatched")
    try:
        mapping = load_rules(rules)
        # Read, merge and write under the bundle's lock: no run merges into tables
        # another run is rewriting.
        with locked_bundle(out, wait=wait) as repaired:
            for line in repaired:
                console.print(line, markup=False)
            if roster is None and (out / "stakeholders.csv").is_file():
                # The bundle's own people: their spelling, roles and names (display-name matching).
                roster = out / "stakeholders.csv"
            result = _read(source, files, mapping, out, roster, until_date)
            written = write_bundle(result, out, wait=wait)
    except AdapterError as exc:
        raise UsageProblem(str(exc)) from None
    _print(result, written, unmatched)
    try:
        load_bundle(out, pseudonymize=False)
    except BundleError as exc:
        console.print(f"The bundle in {out} does not validate yet:", markup=False)
        console.print(str(exc), markup=False)
        raise typer.Exit(1) from None
    console.print(f"Bundle {out} validates.", markup=False)


def _read(
    source: Source,
    files: list[Path],
    rules: MappingRules,
    out: Path,
    roster: Path | None,
    until: dt.date | None,
) -> AdapterResult:
    existing = {name: read_bundle_table(out, name) for name in ("engagements", "meetings", "attendance")}
    if source is Source.salesforce:
        opportunities, contact_roles = split_salesforce_exports(files)
        known = None if existing["engagements"] is None else existing["engagements"]["engagement_id"]
        return read_salesforce(opportunities, contact_roles, rules=rules, engagement_ids=known)
    if existing["engagements"] is None and rules.engagements.empty:
        raise UsageProblem(
            f"{out / 'engagements.csv'} not found and the rules file lists no engagements: "
            "import Salesforce opportunities first, put an engagements.csv in the folder, "
            "or list engagements under 'engagements:' in the rules file"
        )
    known = [] if existing["engagements"] is None else list(existing["engagements"]["engagement_id"])
    if source is Source.ics:
        return read_ics(files, rules=rules, until=until, roster=roster, engagement_ids=known)
    if source is Source.outlook_csv:
        return read_outlook_csv(files, rules=rules, roster=roster, engagement_ids=known)
    if source in MESSAGE_READERS:
        return MESSAGE_READERS[source](files, rules=rules, roster=roster, engagement_ids=known)
    if source in LOG_READERS:
        engagements = existing["engagements"]
        if engagements is None:  # the rules file's engagements only
            engagements = pd.DataFrame({"engagement_id": [], "start_date": []}, dtype=str)
        return LOG_READERS[source](files, rules=rules, roster=roster, engagements=engagements)
    return read_zoom(
        files,
        rules=rules,
        meetings=existing["meetings"],
        attendance=existing["attendance"],
        roster=roster,
        engagement_ids=known,
    )


def _print(result: AdapterResult, written, unmatched: Path | None) -> None:
    report = result.report
    for line in report.lines():
        console.print(line, markup=False)
    for row in written.itertuples(index=False):
        console.print(
            f"{row.file}: {row.before} rows before, {row.added} added, {row.updated} updated, "
            f"{row.after} now",
            markup=False,
        )
    for last_day, count in report.open_ended_cuts().items():
        console.print(
            f"{count} open-ended recurring series expanded only up to "
            f"{last_day}; give --until to expand them further",
            markup=False,
        )
    listed = report.unmatched_frame()
    if listed.empty:
        return
    console.print(f"{len(listed)} items not mapped (no engagement rule matched, or unknown id):")
    for row in listed.head(SHOWN_UNMATCHED).itertuples(index=False):
        console.print(f"  {row.file} {row.uid} {row.start} {row.title!r} ({row.reason})", markup=False)
    if unmatched is not None:
        write_atomically(unmatched, lambda path: write_csv(listed, path, index=False))
        console.print(f"All unmatched items written to {unmatched}", markup=False)
    elif len(listed) > SHOWN_UNMATCHED:
        console.print("  ... use --unmatched FILE to write them all", markup=False)
