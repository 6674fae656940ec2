"""Practice advice and reason wording, read from ``advice.toml`` (data, not code).

Numbers are formatted by the signal's unit (from the catalog): shares as whole
percentages, yes/no signals as yes or no, anything else with two significant
digits (none after the point from 10 up).
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from .._contract import FAMILIES

__all__ = ["ADVICE_FILE", "Advice", "format_value", "load_advice"]

ADVICE_FILE = "advice.toml"
_PLACEHOLDERS = {"value", "typical", "share_yes", "measured"}
_SHARE_UNITS = ("share", "share of elapsed time")
_YES_NO_UNIT = "yes (1) / no (0)"
_TYPICAL = "median in past engagements at this stage"


def format_value(value: float, unit: str) -> str:
    """A signal value as a reader sees it: ``"40%"``, ``"no"``, ``"1.25"``; ``"not measured"``."""
    if value is None or not np.isfinite(value):
        return "not measured"
    if unit in _SHARE_UNITS:
        return f"{value:.0%}"
    if unit == _YES_NO_UNIT:
        return "yes" if value >= 0.5 else "no"
    if float(value).is_integer() or abs(value) >= 10:
        return f"{value:.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.2g}"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Advice:
    """Per family: ``name``, ``action`` and ``signals`` (signal -> ``label``, ``sentence``)."""

    families: dict[str, dict]

    def action(self, family: str) -> str:
        entry = self.families.get(family)
        if entry is None:
            return f"No practice advice is recorded for {family.replace('_', ' ')}."
        return entry["action"]

    def family_name(self, family: str) -> str:
        return self.families.get(family, {}).get("name", family.replace("_", " "))

    def _wording(self, family: str, signal: str) -> dict:
        return self.families.get(family, {}).get("signals", {}).get(signal, {})

    def label(self, family: str, signal: str) -> str:
        return self._wording(family, signal).get("label", signal.replace("_", " "))

    def reason(self, family: str, signal: str, *, unit: str, value: float, typical: float,
               share_yes: float, measured: float) -> str:
        """One sentence: why this signal raises this engagement's risk, with the numbers.

        ``measured`` is the share of past engagements where the signal had a value
        at this stage: the number that matters when this engagement has none.
        """
        shown = format_value(value, unit)
        usual = format_value(typical, unit)
        fields = {"value": shown, "typical": usual, "measured": f"{measured:.0%}",
                  "share_yes": f"{share_yes:.0%}" if np.isfinite(share_yes) else "none"}
        wording = self._wording(family, signal)
        if not np.isfinite(value):
            if "missing" in wording:
                return wording["missing"].format(**fields)
            return (f"{_capitalised(self.label(family, signal))} could not be measured yet "
                    f"(it could in {fields['measured']} of past engagements at this stage).")
        sentence = wording.get("sentence")
        if sentence is None:
            suffix = "" if unit in _SHARE_UNITS or unit == _YES_NO_UNIT else f" {unit}"
            return (f"{_capitalised(self.label(family, signal))}: {shown}{suffix} "
                    f"({_TYPICAL}: {usual}{suffix}).")
        return sentence.format(**fields)

    def change(self, family: str, signal: str, *, unit: str, before: float, now: float) -> str:
        """One sentence: how a signal moved between two dates."""
        return (f"{_capitalised(self.label(family, signal))} went from "
                f"{format_value(before, unit)} to {format_value(now, unit)}.")


def _check(families: dict) -> dict:
    """Fail loudly on a malformed advice file: it ships with the package."""
    unknown = sorted(set(families) - set(FAMILIES))
    if unknown:
        raise ValueError(f"{ADVICE_FILE}: unknown families {', '.join(unknown)}")
    for family, entry in families.items():
        for key in ("name", "action"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ValueError(f"{ADVICE_FILE}: [{family}] needs a non-empty {key}")
        for signal, wording in entry.get("signals", {}).items():
            fields = {f for key in ("sentence", "missing")
                      for _, f, _, _ in string.Formatter().parse(wording.get(key, "")) if f}
            if fields - _PLACEHOLDERS or not isinstance(wording.get("label"), str):
                raise ValueError(
                    f"{ADVICE_FILE}: [{family}.signals.{signal}] needs a label, and sentences "
                    f"using only {{{'}, {'.join(sorted(_PLACEHOLDERS))}}}"
                )
    return families


@lru_cache(maxsize=1)
def load_advice() -> Advice:
    """The advice shipped with the package."""
    text = resources.files(__package__).joinpath(ADVICE_FILE).read_text(encoding="utf-8")
    return Advice(_check(tomllib.loads(text)))
