"""iCalendar (RFC 5545) files to meetings and attendance.

Parsing is icalendar's, recurrence expansion (RRULE, RDATE, EXDATE, moved and
cancelled occurrences via RECURRENCE-ID, X-WR-TIMEZONE) is
recurring-ical-events'. This module checks each VEVENT first so that a broken
calendar fails with one line naming the file and the component, then reduces
every occurrence to an :class:`~._events.Event`.

Speed (``benchmarks/bench_adapters.py``): the expander copies a whole
component per occurrence, so it only sees small timing copies of the VEVENTs
and plain single events bypass it; each occurrence is joined back to its
VEVENT, whose title and invitees are read once. ``test_ics_equivalence.py``
checks that this gives what the straightforward expansion gives.

Bounds: every series goes through :func:`._recurrence.capped`, which cuts it
at the caps of the rules (``max_occurrences_per_series``, and
``max_occurrences_per_import`` shared by the files of one import) without ever
generating more starts than that.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pandas as pd
import recurring_ical_events
from icalendar.timezone import tzp

from ._events import Event, EventMapper, Invitee, read_roster, stable_id
from ._recurrence import ExpansionCap, capped
from ._result import OPEN_ENDED_NOTE, AdapterError, AdapterResult, ImportReport, first_line
from ._rules import MappingRules
from ._text import read_text

__all__ = ["read_ics"]

#: PARTSTAT to bundle response; anything else (DELEGATED, X-...) is 'none'.
RESPONSES = {
    "ACCEPTED": "accepted",
    "DECLINED": "declined",
    "TENTATIVE": "tentative",
    "NEEDS-ACTION": "none",
}
#: Properties whose broken value makes an event unreadable.
_NEEDED = ("DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")
#: Properties an event may hold once only.
_SINGLE = ("UID", "DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "STATUS", "SUMMARY",
           "ORGANIZER")
_UTC = dt.UTC
_FAR_FUTURE = dt.datetime(2200, 1, 1, tzinfo=_UTC)
#: Report note prefix for times whose TZID is neither IANA, Windows nor a VTIMEZONE.
UNKNOWN_TZID_NOTE = "unknown_tzid_read_in_"
#: Distinct unknown TZIDs named in the report (the rest under one note) and
#: characters of each shown: TZIDs are text from outsiders.
MAX_TZIDS_NAMED = 20
TZID_EXCERPT = 40
#: Bytes of one iCalendar file read at most (icalendar parses a whole file in
#: memory, some 10 times its size): a year of a busy calendar is a few MB.
MAX_ICS_BYTES = 512 * 1024 * 1024
#: What a TZID icalendar cannot even look up is renamed to (see :func:`_defuse_tzids`).
_UNREADABLE_TZID = "X-EA-UNREADABLE-TZID-"
_TZID_PARAMETER = re.compile(r'(;TZID=)("[^"\r\n]*"|[^;:\r\n]*)', re.IGNORECASE)
_TZID_PROPERTY = re.compile(r"^(TZID:)([^\r\n]*)", re.IGNORECASE | re.MULTILINE)


def read_ics(
    paths: str | Path | Iterable[str | Path],
    *,
    rules: MappingRules,
    until: dt.date | dt.datetime | None = None,
    roster: str | Path | pd.DataFrame | None = None,
    engagement_ids: Iterable[str] | None = None,
) -> AdapterResult:
    """Read iCalendar files into meetings, attendance and stakeholders.

    Parameters
    ----------
    paths : path or list of paths
        ``.ics`` files (Outlook, Google Calendar, Thunderbird exports).
    rules : MappingRules
        From :func:`load_rules`: engagement, meeting kind and vendor domains;
        floating times (no TZID, no Z) are read in its ``timezone``.
    until : date or datetime, optional
        Recurring events are expanded up to the end of this day; events that
        start later are skipped (``after_until``). Default: series with an
        end (COUNT or UNTIL) are expanded to it, open-ended series up to the
        latest DTSTART written in the files, so they never run into the future;
        the series cut there are counted in the report's notes
        (``open_ended_series_cut_at_<date>``: number of series). Either way
        an RRULE series gives at most ``rules.max_occurrences_per_series``
        occurrences and all of them together at most
        ``rules.max_occurrences_per_import`` (notes
        ``recurring_series_cut_at_<n>_occurrences`` and
        ``recurring_series_cut_by_import_cap_of_<n>_occurrences``: number of
        series; occurrences never expanded are not read).
    roster : path or DataFrame, optional
        A stakeholders CSV giving people their side and role.
    engagement_ids : iterable of str, optional
        Engagement ids the target bundle knows; events mapped to another id
        are skipped as ``unknown_engagement``. None accepts any id.

    Returns
    -------
    AdapterResult
        ``meetings``, ``attendance``, ``stakeholders`` (and ``engagements``
        when the rules list some). One report row per event occurrence.

    Raises
    ------
    AdapterError
        A file that is not iCalendar, or a VEVENT without a readable DTSTART,
        with a broken date property, or ending before it starts.
    """
    paths = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    report = ImportReport("ics", "event occurrences")
    mapper = EventMapper(rules, read_roster(roster), report, engagement_ids=engagement_ids)
    floating = ZoneInfo(rules.timezone or "UTC")
    cap = ExpansionCap(rules.max_occurrences_per_series, rules.max_occurrences_per_import)
    cut: set[str] = set()
    with _collector_paused():
        calendars = [(path, _parse_file(path)) for path in paths]
        first, horizon = _window(until, calendars)
        for path, parsed in calendars:
            for calendar in parsed:
                if until is not None:
                    parts = [(calendar, horizon)]
                else:
                    # Series with an end are expanded to it; open-ended ones stop at the horizon.
                    open_ended = _open_ended(calendar)
                    cut |= open_ended
                    open_series, bounded = _split(calendar, open_ended)
                    parts = [(open_series, horizon), (bounded, _FAR_FUTURE)]
                for part, end in parts:
                    for event in _events(path.name, part, (first, end), report, floating, cap):
                        mapper.add(event)
    report.notes.update(cap.notes())
    if cut:
        # Their occurrences after the horizon are never read: say so rather than drop them.
        last_day = (horizon - dt.timedelta(seconds=1)).date().isoformat()
        report.notes[OPEN_ENDED_NOTE + last_day] += len(cut)
    return mapper.result()


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while calendars become objects.

    Parsing and expanding allocate millions of small objects that stay alive
    until the import ends; the collector's full passes over that growing heap
    free nothing and cost a seventh of the time of a large import.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_file(path: Path) -> list[icalendar.Component]:
    """The checked VCALENDARs of one file (a file may hold several)."""
    # UTF-8 is the only charset of RFC 5545: icalendar would replace other bytes silently.
    data = _defuse_tzids(read_text(path, max_bytes=MAX_ICS_BYTES))
    try:
        components = icalendar.Calendar.from_ical(data, multiple=True)
    except Exception as exc:  # icalendar raises ValueError, KeyError, IndexError...
        raise AdapterError(f"{path.name}: not a readable iCalendar file ({first_line(exc)})") from None
    calendars = [c for c in components if c.name == "VCALENDAR"]
    loose = [c for c in components if c.name == "VEVENT"]
    if loose:
        # Some tools write bare VEVENTs without the VCALENDAR around them.
        wrapper = icalendar.Calendar()
        for event in loose:
            wrapper.add_component(event)
        calendars.append(wrapper)
    if not calendars:
        raise AdapterError(f"{path.name}: no VCALENDAR or VEVENT in the file")
    number = 0
    for calendar in calendars:
        for event in calendar.walk("VEVENT"):
            number += 1
            try:
                _check_event(path.name, number, event)
            except AdapterError:
                raise
            except Exception as exc:  # a value no check above foresaw
                raise AdapterError(
                    f"{path.name}: VEVENT #{number}: unreadable ({first_line(exc)})"
                ) from None
    return calendars


def _defuse_tzids(text: str) -> str:
    """The calendar text with every TZID that breaks icalendar's zone lookup renamed.

    icalendar asks zoneinfo for every TZID a file names, and ``America`` (a
    folder of the zone database) or a 300-character name raise OSError there:
    one outside invitation would make the whole file unreadable. Such a TZID
    (parameter and VTIMEZONE alike) becomes an unknown one, read and counted
    like any unknown TZID under its own name (:func:`_unknown_tzid`).
    """
    unfolded = re.sub(r"\r?\n[ \t]", "", text)  # a long TZID is folded over lines
    names = {m.group(2).strip('"') for m in _TZID_PARAMETER.finditer(unfolded)}
    broken = {name for name in names if _breaks_lookup(name)}
    if not broken:
        return text

    def rename(match: re.Match) -> str:
        name = match.group(2).strip('"')
        if name not in broken:
            return match.group(0)
        return match.group(1) + _UNREADABLE_TZID + re.sub(r"[^A-Za-z0-9_+-]", "_", name[:41])

    return _TZID_PROPERTY.sub(rename, _TZID_PARAMETER.sub(rename, unfolded))


def _breaks_lookup(tzid: str) -> bool:
    """Whether icalendar's own zone lookup raises for this TZID (rather than finding none)."""
    try:
        tzp.timezone(tzid)
    except Exception:  # OSError from zoneinfo: a directory, a name too long
        return True
    return False


def _check_event(file: str, number: int, event: icalendar.Component) -> None:
    """Fail with a located one-line error unless the VEVENT can be expanded."""
    uid = event.get("UID")
    if uid is None:
        # recurring-ical-events groups components by UID: give each its own.
        event["UID"] = "no-uid-" + hashlib.sha256(event.to_ical()).hexdigest()[:16]
        event["X-EA-NO-UID"] = "1"
    where = f"{file}: VEVENT #{number} (UID {str(event['UID'])[:60]})"
    for name, message in getattr(event, "errors", []):
        if name in _NEEDED:
            raise AdapterError(f"{where}: {name} unreadable ({first_line(message)})")
    for name in _SINGLE:
        if isinstance(event.get(name), list):
            raise AdapterError(f"{where}: {name} appears {len(event[name])} times")
    if "DTSTART" not in event:
        raise AdapterError(f"{where}: DTSTART missing")
    start = event["DTSTART"].dt
    if not isinstance(start, dt.date):
        raise AdapterError(f"{where}: DTSTART is not a date or date-time")
    if "DTEND" in event:
        end = event["DTEND"].dt
        if not isinstance(end, dt.date) or isinstance(end, dt.datetime) != isinstance(
            start, dt.datetime
        ):
            raise AdapterError(f"{where}: DTEND and DTSTART have different value types")
        if _utc(end) < _utc(start):
            raise AdapterError(f"{where}: DTEND {end} is before DTSTART {start}")
    elif "DURATION" in event:
        duration = event["DURATION"].dt
        if not isinstance(duration, dt.timedelta) or duration < dt.timedelta(0):
            raise AdapterError(f"{where}: DURATION {event['DURATION'].to_ical()!r} is negative")


def _window(
    until: dt.date | dt.datetime | None, calendars: list[tuple[Path, list]]
) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants between which occurrences are expanded (end exclusive).

    The window opens a day before the earliest DTSTART in the files (so no
    occurrence is missed whatever its time zone) and closes at the end of
    ``until``, or just after the latest DTSTART when ``until`` is None.
    """
    starts = [
        _utc(event["DTSTART"].dt)
        for _, parsed in calendars
        for calendar in parsed
        for event in calendar.walk("VEVENT")
    ]
    epoch = dt.datetime(1970, 1, 1, tzinfo=_UTC)
    first = min(starts, default=epoch) - dt.timedelta(days=1)
    if isinstance(until, dt.datetime):
        return first, _utc(until)
    if isinstance(until, dt.date):
        return first, dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=_UTC)
    return first, max(starts, default=epoch) + dt.timedelta(seconds=1)


def _open_ended(calendar: icalendar.Component) -> set[str]:
    """UIDs of series with an RRULE that has neither COUNT nor UNTIL."""
    uids = set()
    for event in calendar.walk("VEVENT"):
        rules = event.get("RRULE", [])
        for rule in rules if isinstance(rules, list) else [rules]:
            if "COUNT" not in rule and "UNTIL" not in rule:
                uids.add(str(event["UID"]))
    return uids


def _split(calendar: icalendar.Component, uids: set[str]) -> tuple[icalendar.Calendar, ...]:
    """Two calendars: events of series in ``uids`` and the others (time zones in both)."""
    parts = (icalendar.Calendar(), icalendar.Calendar())
    for part in parts:
        for name, value in calendar.property_items(recursive=False)[1:-1]:
            part.add(name, value)
    for component in calendar.subcomponents:
        if component.name != "VEVENT":
            for part in parts:
                part.add_component(component)
        else:
            parts[str(component["UID"]) not in uids].add_component(component)
    return parts


def _events(
    file: str,
    calendar: icalendar.Component,
    window: tuple[dt.datetime, dt.datetime],
    report: ImportReport,
    floating: dt.tzinfo,
    cap: ExpansionCap,
) -> Iterator[Event]:
    """Every occurrence in ``window`` as an Event (all-day ones counted, not yielded).

    Occurrences come in the expander's order (series by series, in the order
    their UID first appears) whether or not they went through it, so that
    which copy of a duplicated meeting is kept never depends on this module.
    What all occurrences of a VEVENT share (title, invitees...) is read once.
    """
    horizon = window[1]
    masters = calendar.walk("VEVENT")
    uids = [str(event["UID"]) for event in masters]
    recurring = {uid for uid, e in zip(uids, masters, strict=True) if any(p in e for p in _RECURRENCE)}
    for uid, event in zip(uids, masters, strict=True):
        if uid not in recurring and _utc(event["DTSTART"].dt) >= horizon:
            report.read += 1
            report.skip("after_until")
    described: dict[int, _Description] = {}
    occurrences = _occurrences(file, calendar, masters, uids, window, cap)
    for index, uid, start, end, recurrence_id in occurrences:
        try:
            if index not in described:
                described[index] = _Description.of(masters[index])
            description = described[index]
            event = _event(file, uid, start, end, recurrence_id if uid in recurring else None,
                           report, floating, description.unknown_tzid)
            if event is not None:
                description.complete(event, report)
        except Exception as exc:  # a value the checks let through
            raise AdapterError(
                f"{file}: VEVENT (UID {uid[:60]}): unreadable ({first_line(exc)})"
            ) from None
        if event is not None:
            yield event


#: Properties that make a VEVENT part of a recurring series.
_RECURRENCE = ("RRULE", "RDATE", "RECURRENCE-ID")
#: What the expander reads of a VEVENT (see recurring_ical_events.adapters).
_TIMING = ("UID", "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE",
           "RECURRENCE-ID", "SEQUENCE")
#: Where a timing copy came from: its VEVENT's index in ``calendar.walk("VEVENT")``.
_SOURCE = "X-EA-SOURCE"
#: One occurrence: source index, UID, start, end (None if unset), RECURRENCE-ID (or None).
_Occurrence = tuple[int, str, dt.datetime | dt.date, dt.date | None, dt.date | None]


def _occurrences(
    file: str,
    calendar: icalendar.Component,
    masters: list[icalendar.Component],
    uids: list[str],
    window: tuple[dt.datetime, dt.datetime],
    cap: ExpansionCap,
) -> Iterator[_Occurrence]:
    """The occurrences of the VEVENTs in ``window``, as recurring-ical-events gives them.

    The expander copies a component for every occurrence it returns, so it is
    given a timing copy of each VEVENT (:func:`_timing_calendar`), small
    however many invitees a series has, and each occurrence is joined back to
    the VEVENT it was copied from (the series' master, or the RECURRENCE-ID
    override the expander chose). A plain event (see :func:`_is_plain`) does
    not need the expander: its one occurrence is its own times, kept when it
    starts before the window's end, exactly as the expander would. RRULE
    series are cut at the caps of ``cap`` (see :func:`._recurrence.capped`).
    """
    uid_counts = Counter(uids)
    # The expander first moves times to X-WR-TIMEZONE (Google): then all go through it.
    converted = "X-WR-TIMEZONE" in calendar
    plain = [
        not converted and uid_counts[uid] == 1 and _is_plain(e)
        for uid, e in zip(uids, masters, strict=True)
    ]
    try:
        timing = _timing_calendar(calendar, [i for i, p in enumerate(plain) if not p], masters)
        expanded: dict[str, list[_Occurrence]] = {}
        query = recurring_ical_events.of(timing)
        # What query.between(*window) does, series by series, each one capped.
        copies = (
            occurrence.as_component(query.keep_recurrence_attributes)
            for series in query.series
            for occurrence in capped(series, window, cap)
        )
        for copy in copies:
            uid = str(copy["UID"])
            end, recurrence_id = copy.get("DTEND"), copy.get("RECURRENCE-ID")
            expanded.setdefault(uid, []).append((
                copy[_SOURCE],
                uid,
                copy["DTSTART"].dt,
                None if end is None else end.dt,
                None if recurrence_id is None else recurrence_id.dt,
            ))
        for index, (uid, event) in enumerate(zip(uids, masters, strict=True)):
            if plain[index]:
                start = event["DTSTART"].dt
                if _utc(start) < window[1]:
                    yield index, uid, start, _plain_end(event, start), None
            elif uid in expanded:
                yield from expanded.pop(uid)  # the whole series, where its UID first appears
    except Exception as exc:  # the expander's errors have no common base class
        raise AdapterError(
            f"{file}: cannot expand recurring events ({type(exc).__name__}: {first_line(exc)})"
        ) from None


def _is_plain(event: icalendar.Component) -> bool:
    """A lone VEVENT the expander would return unchanged: no recurrence, aware times.

    Floating and all-day times, pytz zones, an end in another zone and EXDATE
    (which can remove DTSTART itself) are left to the expander.
    """
    if any(name in event for name in ("RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")):
        return False
    start = event["DTSTART"].dt
    if not isinstance(start, dt.datetime) or start.tzinfo is None:
        return False
    if hasattr(start.tzinfo, "localize"):  # pytz
        return False
    return "DTEND" not in event or event["DTEND"].dt.tzinfo is start.tzinfo


def _plain_end(event: icalendar.Component, start: dt.datetime) -> dt.datetime:
    """A plain event's end as the expander computes it (wall-clock DURATION)."""
    if "DTEND" in event:
        return event["DTEND"].dt
    if "DURATION" in event:
        return start + event["DURATION"].dt
    return start


def _timing_calendar(
    calendar: icalendar.Component, indices: list[int], events: list[icalendar.Component]
) -> icalendar.Component:
    """The calendar's own properties and, for the VEVENTs at ``indices``, their timing.

    Timing copies hold only what the expander reads (``_TIMING``), share the
    parsed values of their VEVENT, and are listed in the order of ``events``
    (the expander groups series in that order). The calendar's properties
    (CALSCALE, X-WR-TIMEZONE) are kept; VTIMEZONEs are not needed, icalendar
    has already resolved the times.
    """
    timing = calendar.copy()
    for index in indices:
        event = events[index]
        copy = icalendar.Event()
        for name in _TIMING:
            if name in event:
                copy[name] = event[name]
        copy[_SOURCE] = index
        timing.add_component(copy)
    return timing


@dataclass
class _Description:
    """What every occurrence of a VEVENT shares: title, people, status, notes."""

    title: str
    categories: list[str]
    organizer: str
    invitees: list[Invitee]
    cancelled: bool
    notes: Counter
    unknown_tzid: str | None

    @classmethod
    def of(cls, event: icalendar.Component) -> _Description:
        notes: Counter = Counter()
        if "X-EA-NO-UID" in event:
            notes["event_without_uid"] += 1
        return cls(
            title=str(event.get("SUMMARY", "")),
            categories=_categories(event),
            organizer=_address(event.get("ORGANIZER")) or "",
            invitees=list(_invitees(event, notes)),
            cancelled=str(event.get("STATUS", "")).upper() == "CANCELLED",
            notes=notes,
            unknown_tzid=_unknown_tzid(event),
        )

    def complete(self, event: Event, report: ImportReport) -> None:
        """Fill an occurrence's Event and count this VEVENT's notes once more."""
        event.title = self.title
        event.categories = self.categories
        event.organizer = self.organizer
        event.invitees = self.invitees
        event.cancelled = self.cancelled
        if self.notes:
            report.notes.update(self.notes)


def _event(
    file: str,
    uid: str,
    start: dt.date,
    end: dt.date | None,
    recurrence_id: dt.date | None,
    report: ImportReport,
    floating: dt.tzinfo,
    unknown_tzid: str | None = None,
) -> Event | None:
    """One occurrence's time and id as an Event, or None (counted) for an all-day one.

    ``recurrence_id`` is the original occurrence time of a recurring series'
    occurrence (None for a single event). Floating times are wall-clock times
    in ``floating`` (the rules' time zone), like the CSV adapters' times; so
    are times whose TZID nobody knows (``unknown_tzid``, counted by name).
    """
    if not isinstance(start, dt.datetime):
        report.read += 1
        report.skip("all_day")
        return None
    if unknown_tzid is not None:
        # Read as floating, unless X-WR-TIMEZONE already placed it in a zone.
        _note_unknown_tzid(report, start.tzinfo or floating, unknown_tzid)
    elif start.tzinfo is None:
        report.notes[f"floating_time_read_in_{floating}"] += 1
    if start.tzinfo is None:
        start = start.replace(tzinfo=floating)
    if isinstance(end, dt.datetime) and end.tzinfo is None:
        end = end.replace(tzinfo=floating)
    if isinstance(end, dt.datetime):
        duration = (_utc(end) - _utc(start)).total_seconds() / 60
    else:
        duration = 0.0
    # The original occurrence time (RECURRENCE-ID) keeps an id stable when one
    # occurrence is moved; a single event is identified by its UID alone.
    occurrence_key = "" if recurrence_id is None else _utc(recurrence_id).isoformat()
    return Event(
        key=stable_id("ics", uid, occurrence_key),
        start=start,
        duration_minutes=duration,
        file=file,
        uid=uid,
    )


def _unknown_tzid(event: icalendar.Component) -> str | None:
    """The TZID of DTSTART or DTEND that icalendar could not resolve (an excerpt), or None.

    icalendar knows IANA and Windows names and the file's VTIMEZONEs; for any
    other TZID it returns a floating time, which would pass for one silently.
    """
    for name in ("DTSTART", "DTEND"):
        prop = event.get(name)
        tzid = getattr(prop, "params", {}).get("TZID")
        value = getattr(prop, "dt", None)
        if tzid and isinstance(value, dt.datetime) and value.tzinfo is None:
            return _excerpt(str(tzid).removeprefix(_UNREADABLE_TZID), TZID_EXCERPT)
    return None


def _note_unknown_tzid(report: ImportReport, zone: dt.tzinfo, tzid: str) -> None:
    """Count an occurrence read in ``zone`` for an unknown TZID, naming a bounded few."""
    note = f"{UNKNOWN_TZID_NOTE}{zone}:{tzid}"
    if note not in report.notes:
        named = sum(1 for n in report.notes if n.startswith(UNKNOWN_TZID_NOTE))
        if named >= MAX_TZIDS_NAMED:
            note = f"{UNKNOWN_TZID_NOTE}{zone}:(other TZIDs)"
    report.notes[note] += 1


def _excerpt(text: str, limit: int) -> str:
    """At most ``limit`` characters of outside text (the CLI escapes control characters)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _invitees(event: icalendar.Component, notes: Counter) -> Iterator[Invitee]:
    attendees = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    for attendee in attendees:
        params = getattr(attendee, "params", {})
        if str(params.get("CUTYPE", "")).upper() in ("ROOM", "RESOURCE"):
            notes["room_or_resource_invitee"] += 1
            continue
        email = _address(attendee)
        if not email:
            notes["invitee_without_email"] += 1
            continue
        partstat = str(params.get("PARTSTAT", "NEEDS-ACTION")).upper()
        if partstat not in RESPONSES:
            notes[f"partstat_{partstat.lower()}_read_as_none"] += 1
        yield Invitee(email, str(params.get("CN", "")), RESPONSES.get(partstat, "none"))


def _address(value: object) -> str | None:
    """The lower-case e-mail address of a CAL-ADDRESS (None when it has none)."""
    if value is None:
        return None
    text = str(value).strip()
    if text[:7].lower() == "mailto:":
        text = text[7:]
    return text.casefold() if "@" in text else None


def _categories(event: icalendar.Component) -> list[str]:
    values = event.get("CATEGORIES", [])
    values = values if isinstance(values, list) else [values]
    return [str(c) for value in values for c in getattr(value, "cats", [value])]


def _utc(value: dt.date) -> dt.datetime:
    """An aware UTC datetime (dates at midnight, floating times read as UTC)."""
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time(), tzinfo=_UTC)
    if value.tzinfo is None:
        return value.replace(tzinfo=_UTC)
    return value.astimezone(_UTC)
