"""The findings of a drivers analysis as one notebook output: a list to read, data to build on.

:func:`findings_summary` is what the cell tagged ``findings`` ends with. In
JupyterLab it shows a Markdown list; it also carries the same content as JSON
(:data:`FINDINGS_MIMETYPE`), one item per finding with its family, which the
report reads to put the findings first, one ``<li>`` each, linked to their
sections, without parsing any text.
"""

from __future__ import annotations

from ._theme import event_label

__all__ = ["FINDINGS_MIMETYPE", "FindingsSummary", "findings_summary"]

#: The mimetype of the findings' JSON in a notebook output (see :class:`FindingsSummary`).
FINDINGS_MIMETYPE = "application/vnd.engagement-analytics.findings+json"
_FINDING_KINDS = ("finding", "separation")


def _item(sentence: str, *, default_kind: str) -> dict:
    """One finding as data; attributes a plain ``str`` sentence lacks are None."""
    item = {"text": str(sentence), "kind": getattr(sentence, "kind", default_kind)}
    for key in ("family", "signal", "claim", "evidence"):
        item[key] = getattr(sentence, key, None)
    return item


class FindingsSummary:
    """What a drivers analysis found, for a notebook cell and for the report.

    Attributes
    ----------
    payload : dict
        ``analysed`` (one sentence: engagements, events, window, as-of),
        ``analysed_notes`` (the window's qualifications), ``findings`` and
        ``non_findings`` (lists of ``{"text", "kind", "family", "signal",
        "claim", "evidence"}``, see ``drivers.Finding``),
        ``n``, ``events``, ``outcome``, ``window``.
    """

    def __init__(self, payload: dict) -> None:
        self.payload = payload

    @property
    def markdown(self) -> str:
        """The analysed line, the numbered findings, then the non-findings, as Markdown."""
        payload = self.payload
        lines = [f"**What was compared.** {payload['analysed']}"]
        if payload["analysed_notes"]:
            lines.append(" ".join(f"{note[:1].upper()}{note[1:]}." for note in payload["analysed_notes"]))
        lines.append(f"**Findings**, strongest first ({len(payload['findings'])}):")
        items = [f"{i}. {item['text']}" for i, item in enumerate(payload["findings"], 1)]
        lines.append("\n".join(items) or "No signal goes with the outcome at the 5% false-discovery rate.")
        if payload["non_findings"]:
            lines.append("**No evidence** for these families:")
            lines.append("\n".join(f"- {item['text']}" for item in payload["non_findings"]))
        return "\n\n".join(lines)

    def __repr__(self) -> str:
        return self.markdown

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.markdown, "text/markdown": self.markdown,
                FINDINGS_MIMETYPE: self.payload}


def findings_summary(result) -> FindingsSummary:
    """The findings of ``result`` (a ``drivers.DriversResult``) for the cell tagged ``findings``.

    Findings are ``result.findings`` in their order (strongest first); the
    non-findings are ``result.non_findings``. A result whose ``findings`` still
    mixes both (sentences without a ``kind``) keeps them all as findings.

    Examples
    --------
    >>> from engagement_analytics import drivers, load_bundle, plots
    >>> result = drivers.analyze(load_bundle("data/sample"), random_state=0)
    >>> summary = plots.findings_summary(result)
    >>> len(summary.payload["findings"]) == len(result.findings)
    True
    >>> print(summary.payload["analysed"])  # doctest: +ELLIPSIS
    239 closed engagements, 76 of them failed, measured over the first 40% ... as of 2026-06-30 ...
    """
    window = str(result.window)
    first, *notes = [part.strip() for part in window.split(";")]
    over = f"the {first}" if first.startswith("first ") else first
    analysed = (f"{result.n} closed engagements, {result.events} of them {event_label(result.outcome)}, "
                f"measured over {over}.")
    findings = [_item(s, default_kind="finding") for s in result.findings]
    non_findings = [_item(s, default_kind="no_evidence") for s in getattr(result, "non_findings", [])]
    return FindingsSummary({
        "analysed": analysed,
        "analysed_notes": [note for note in notes if note],
        "findings": findings,
        "non_findings": non_findings,
        "n": int(result.n),
        "events": int(result.events),
        "outcome": str(result.outcome),
        "window": window,
    })
