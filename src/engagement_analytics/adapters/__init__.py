"""Adapters: turn the exports practice leads really have into a bundle.

Each reader returns an :class:`AdapterResult` (bundle tables as raw
contract-form string frames plus an :class:`ImportReport` counting what was
read, mapped and skipped, and why); :func:`write_bundle` writes or appends
them to a bundle folder that ``load_bundle`` then validates, all tables at
once and one run at a time (:func:`locked_bundle`).

- :func:`read_ics` -- iCalendar files (Outlook, Google Calendar, Thunderbird);
- :func:`read_outlook_csv` -- Outlook's calendar CSV export;
- :func:`read_zoom` -- Zoom participant reports (who really attended);
- :func:`read_salesforce` -- Opportunity and OpportunityContactRole exports;
- :func:`load_rules` -- the mapping rules file (see ``docs/adapters.md``).
"""

from ._ics import read_ics
from ._outlook import read_outlook_csv
from ._result import AdapterError, AdapterResult, ImportReport
from ._rules import MappingRules, load_rules, parse_rules
from ._salesforce import read_salesforce, split_salesforce_exports
from ._write import locked_bundle, read_bundle_table, write_bundle
from ._zoom import read_zoom

__all__ = [
    "AdapterError",
    "AdapterResult",
    "ImportReport",
    "MappingRules",
    "load_rules",
    "locked_bundle",
    "parse_rules",
    "read_bundle_table",
    "read_ics",
    "read_outlook_csv",
    "read_salesforce",
    "read_zoom",
    "split_salesforce_exports",
    "write_bundle",
]
