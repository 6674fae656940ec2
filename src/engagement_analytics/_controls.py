"""Control characters in outside text: found, replaced, or shown escaped.

Exports are hostile input: a NUL in an address makes a bundle CSV unreadable,
an ESC sequence in a subject or a file name drives the user's terminal (clears
it, fakes output, plants links). Adapters refuse control characters in ids and
addresses and replace them in free text; the CLI's console
(``cli.common.SafeConsole``) shows any left in what it prints as visible
escapes (``\\x1b``).
"""

from __future__ import annotations

import re

__all__ = ["has_control", "replace_controls"]

#: C0 and C1 control characters and DEL: never part of an id or an address.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
#: The same, less the tab, newline and carriage return that free text may hold.
_CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control(value: str) -> bool:
    """Whether ``value`` holds a control character (C0, DEL or C1; tab and newline too)."""
    return _CONTROL.search(value) is not None


def replace_controls(text: str) -> tuple[str, int]:
    """Free text with control characters (but tab, newline, CR) replaced by U+FFFD, and how many."""
    return _CONTROL_IN_TEXT.subn("\ufffd", text)
