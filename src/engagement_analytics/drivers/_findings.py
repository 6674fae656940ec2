"""Plain-English sentences a practice lead can repeat, one per finding and per quiet family."""

from __future__ import annotations

import pandas as pd

__all__ = [
    "ADJUSTMENT_CAVEAT",
    "FAMILY_PHRASES",
    "FINDING_KINDS",
    "SIGNAL_PHRASES",
    "SIGNIFICANCE",
    "Finding",
    "findings",
]

#: q-value below which a signal is reported as a finding.
SIGNIFICANCE = 0.05

#: How each signal reads inside "Where <phrase> was ...". Signals not listed here
#: (a user's own) fall back to their catalog description.
SIGNAL_PHRASES = {
    "effort_estimate_to_sold_ratio": "the delivery team's effort estimate relative to the effort sold",
    "sales_promises_per_100_sold_days": "the number of promises made during the sale per 100 sold days",
    "deliverables_per_sold_day": "the number of deliverables sold per sold day",
    "sponsor_named": "whether an executive sponsor was named",
    "sponsor_steering_attendance_rate": "the share of steering meetings the executive sponsor attended",
    "sponsor_decline_rate": "the share of invitations the sponsor declined",
    "client_longest_silence_days": "the client's longest silence in days",
    "client_days_since_last_activity": "the days since the client was last active",
    "client_organized_meeting_share": "the share of meetings organised by the client",
    "change_agent_attendance_rate": "the share of invitations the change agent attended",
    "client_owned_action_share": "the share of delivery actions owned by client leads",
    "client_commitment_share": "the client's share of delivery commitments",
    "client_on_time_rate": "the share of client commitments done on time",
    "client_overdue_share": "the share of client commitments overdue",
    "vendor_median_reply_hours": "the median hours the team took to reply to the client",
    "vendor_instant_or_after_hours_reply_share": "the share of replies to the client sent instantly or after hours",
    "adhoc_meetings_per_week": "ad hoc meetings per week",
    "champions_per_client_stakeholder": "the share of client stakeholders named as champions",
    "champion_session_attendance_rate": "the share of workshops, demos and trainings champions attended",
    "champion_led_session_share": "the share of workshops, demos and trainings led by a champion",
    "champion_turnover_share": "the share of champions who left",
    "purpose_statement_agreed": "whether a purpose statement was agreed",
    "discovery_meetings_first_3_weeks": "the number of discovery meetings in the first three weeks",
    "days_to_first_steering_share": "the wait for the first steering meeting, as a share of the time elapsed",
    "client_people_per_meeting": "the number of client people at a typical meeting",
    "top_client_attendee_share": "the share of client attendance by a single person",
}

#: Where the riskiest group sits at the end of a scale (a share of 0 or 1, a count of 0),
#: a "was at or below 0%" reads badly: what that end means, as a clause. Keys are the
#: rules of ``riskiest_third_rule``; signals not listed get "was 0%", "was 100%", ...
EXTREME_PHRASES = {
    "champion_led_session_share": {"<= 0": "no workshop, demo or training was led by a champion"},
    "champion_session_attendance_rate": {
        "<= 0": "champions attended none of the workshops, demos and trainings they were invited to",
    },
    "sponsor_steering_attendance_rate": {"<= 0": "the executive sponsor attended no steering meeting"},
    "client_organized_meeting_share": {"<= 0": "the client organised no meeting"},
    "change_agent_attendance_rate": {"<= 0": "change agents attended none of their meetings"},
    "client_commitment_share": {"<= 0": "the client took on no delivery action"},
    "client_on_time_rate": {"<= 0": "the client completed no action on time"},
    "client_overdue_share": {">= 1": "every client action that fell due was overdue",
                             "> 0": "some client action was overdue"},
    "sponsor_decline_rate": {">= 1": "the sponsor declined every invitation",
                             "> 0": "the sponsor declined some invitation"},
    "champion_turnover_share": {">= 1": "every champion left", "> 0": "some champion left"},
    "champions_per_client_stakeholder": {"<= 0": "no champion was named"},
    "discovery_meetings_first_3_weeks": {"<= 0": "no discovery meeting was held in the first three weeks"},
    "days_to_first_steering_share": {">= 1": "no steering meeting had been held yet"},
    "vendor_instant_or_after_hours_reply_share": {
        ">= 1": "every reply to the client was sent instantly or after hours",
        "> 0": "some reply to the client was sent instantly or after hours",
    },
}

#: A group whose share of the engagements differs more than this from a third is named
#: by its size ("95 of 238 engagements"), not as "the riskiest third".
THIRD_TOLERANCE = 0.05

#: What a sentence of :func:`findings` is: a finding (significant; a family adjusted for the
#: others, with the caveat said once; or a signal that separates the outcome) or not (no
#: evidence for a family, or it could not be tested).
FINDING_KINDS = ("finding", "adjusted", "caveat", "separation")


class Finding(str):
    """A sentence of the drivers' findings that knows what it is about.

    It is the sentence itself (a ``str``), with ``kind`` (``finding``,
    ``separation``, ``no_evidence`` or ``untested``), ``family`` and ``signal``
    (None when not about one), so that a report can list findings apart from
    non-findings and link each to its family's section. A finding on a
    signal also has ``claim`` (what goes with failure, in words) and
    ``evidence`` (odds ratio, interval, q-value, engagements): the sentence is
    ``claim`` with ``evidence`` in parentheses. Both are None otherwise.
    """

    kind: str
    family: str | None
    signal: str | None
    claim: str | None
    evidence: str | None

    def __new__(cls, text: str, *, kind: str, family: str | None = None, signal: str | None = None,
                claim: str | None = None, evidence: str | None = None):
        sentence = super().__new__(cls, text)
        sentence.kind, sentence.family, sentence.signal = kind, family, signal
        sentence.claim, sentence.evidence = claim, evidence
        return sentence

    def __reduce__(self):
        return _finding, (str(self), self.kind, self.family, self.signal, self.claim, self.evidence)

    @property
    def is_finding(self) -> bool:
        """Whether it is a finding (listed first), not a family without evidence."""
        return self.kind in FINDING_KINDS


def _finding(text, kind, family, signal, claim, evidence) -> Finding:
    return Finding(text, kind=kind, family=family, signal=signal, claim=claim, evidence=evidence)


#: For 0/1 signals: the risky case and the safe case, as clauses.
BINARY_PHRASES = {
    "sponsor_named": ("no executive sponsor was named", "one was"),
    "purpose_statement_agreed": ("no purpose statement was agreed", "one was"),
}

#: How each family reads in "No evidence that <phrase> goes with failure".
FAMILY_PHRASES = {
    "overselling": "overselling",
    "sponsor_absence": "an absent executive sponsor",
    "going_dark": "the client going dark",
    "client_ownership": "weak client ownership",
    "commitment_reciprocity": "one-sided commitment keeping",
    "reactivity": "a reactive delivery team",
    "champion_engagement": "weak champion engagement",
    "discovery": "skipped discovery",
    "stakeholder_breadth": "narrow stakeholder reach",
}

_COMPARISONS = {">=": "at or above", ">": "above", "<=": "at or below", "<": "below"}
_EVENT_VERBS = {"failed": "failed", "failed_or_challenged": "failed or were challenged"}


def _number(value: float) -> str:
    return f"{value:.2g}" if abs(value) < 10 else f"{value:.3g}"


def _percent(rate: float) -> str:
    return f"{100 * rate:.0f}%"


def _q(q: float) -> str:
    return "q < 0.001" if q < 0.001 else f"q = {q:.2g}"


def _signal_phrase(row: pd.Series, catalog: pd.DataFrame) -> str:
    if row["signal"] in SIGNAL_PHRASES:
        return SIGNAL_PHRASES[row["signal"]]
    description = catalog.at[row["signal"], "description"] if "description" in catalog else ""
    return f"{row['signal']} ({description})" if description else str(row["signal"])


def _unit(row: pd.Series, catalog: pd.DataFrame) -> str:
    return str(catalog.at[row["signal"], "unit"]) if "unit" in catalog else ""


def _where(rule: str, row: pd.Series, catalog: pd.DataFrame) -> str:
    """The riskiest group as a clause: "<phrase> was at or above 1.3", "no workshop was led ...".

    A cut at the end of the scale (a share of 0 or 1, a count or ratio of 0)
    says what that end means rather than "at or below 0%".
    """
    comparison, value = rule.split(" ", 1)
    number = float(value) + 0.0  # turns -0.0 (a negated zero cut) into 0.0
    share = _unit(row, catalog).startswith("share")
    key = f"{comparison} {_number(number)}"
    extreme = EXTREME_PHRASES.get(row["signal"], {}).get(key)
    if extreme:
        return extreme
    phrase = _signal_phrase(row, catalog)
    shown = _percent(number) if share else _number(number)
    at_end = number == 0 or (share and number == 1)
    if at_end and comparison in ("<=", ">="):
        return f"{phrase} was {shown}"  # nothing is below 0 or above 100%
    if at_end and comparison == ">" and number == 0:
        return f"{phrase} was above {shown}"
    return f"{phrase} was {_COMPARISONS[comparison]} {shown}"


def _about_a_third(n: int, total: int) -> bool:
    """Whether a tertile group is close to a third (ties at the cut can make it much larger)."""
    return bool(total) and abs(n / total - 1 / 3) <= THIRD_TOLERANCE


def _effect(row: pd.Series) -> str:
    return (
        f"odds ratio {_number(row['odds_ratio'])} per SD, 95% CI "
        f"{_number(row['ci_low'])}-{_number(row['ci_high'])}, {_q(row['q_value'])}, "
        f"{row['n']} engagements"
    )


def _signal_finding(row: pd.Series, catalog: pd.DataFrame, verb: str) -> Finding:
    """The finding on one significant signal: the claim, then its evidence in parentheses."""
    risky, safe = _percent(row["riskiest_third_failure_rate"]), _percent(row["safest_third_failure_rate"])
    if row["signal"] in BINARY_PHRASES:
        risky_case, safe_case = BINARY_PHRASES[row["signal"]]
        comparison = f"Where {risky_case}, {risky} of engagements {verb} against {safe} where {safe_case}"
    else:
        n, riskiest_n, safest_n = int(row["n"]), int(row["riskiest_third_n"]), int(row["safest_third_n"])
        riskiest = "the riskiest third" if _about_a_third(riskiest_n, n) else f"{riskiest_n} of {n} engagements"
        if riskiest_n + safest_n == n and not _about_a_third(riskiest_n, n):
            safest = f"the other {safest_n}"  # split at one value: the rest
        elif _about_a_third(safest_n, n):
            safest = "the safest third"
        else:
            safest = f"the safest {safest_n} engagements"
        comparison = (
            f"Where {_where(row['riskiest_third_rule'], row, catalog)} ({riskiest}), {risky} of "
            f"engagements {verb} against {safe} in {safest}"
        )
    if row["odds_ratio"] < 1:
        comparison = f"Contrary to the expected direction: {comparison[0].lower()}{comparison[1:]}"
    evidence = _effect(row)
    return Finding(f"{comparison} ({evidence}).", kind="finding", family=row["family"],
                   signal=row["signal"], claim=f"{comparison}.", evidence=evidence)


def _family_sentence(family: pd.Series, members: pd.DataFrame, catalog: pd.DataFrame) -> Finding:
    name = _family_name(family["family"])
    if pd.isna(family["signal"]):
        reasons = ", ".join(f"{r.signal}: {r.status}" for r in members.itertuples())
        return Finding(f"Could not test whether {name} goes with failure "
                       f"({reasons or 'no signal measured'}).", kind="untested", family=family["family"])
    strongest = members.loc[members["signal"] == family["signal"]].iloc[0]
    return Finding(
        f"No evidence that {name} goes with failure (strongest signal: "
        f"{_signal_phrase(strongest, catalog)}, {_q(family['q_value'])}).",
        kind="no_evidence", family=family["family"], signal=family["signal"],
    )


#: Said once, after the adjusted sentences.
ADJUSTMENT_CAVEAT = (
    "The adjusted odds ratios come from one logistic regression of the strongest signal of "
    "each family, each chosen on these same data. Adjustment is evidence about which patterns "
    "act on their own, not proof of what causes failure: a pattern whose signals measure it "
    "less well than another's can look like that one's shadow."
)


def _family_name(family: str) -> str:
    return FAMILY_PHRASES.get(family, family.replace("_", " "))


def _adjusted_sentence(family: pd.Series) -> Finding | None:
    """Whether a family with a finding still goes with the outcome once the others are held fixed."""
    if pd.isna(family.get("adjusted_odds_ratio", float("nan"))):
        return None
    name = _family_name(family["family"])
    name = name[0].upper() + name[1:]
    adjusted = (f"adjusted odds ratio {_number(family['adjusted_odds_ratio'])}, 95% CI "
                f"{_number(family['adjusted_ci_low'])}-{_number(family['adjusted_ci_high'])}")
    if family["adjusted_ci_low"] > 1:
        text = f"{name} still goes with failure once the other patterns are accounted for ({adjusted})."
    else:
        opening = (f"{name} goes with failure (odds ratio {_number(family['odds_ratio'])} per SD), but "
                   f"not once the other patterns are accounted for ({adjusted})")
        shadow = family.get("shadow_of")
        text = (f"{opening}: it looks like a shadow of {_family_name(shadow)}, not a separate cause."
                if isinstance(shadow, str)
                else f"{opening}: these data cannot tell it apart from the other patterns.")
    return Finding(text, kind="adjusted", family=family["family"], signal=family["signal"])


def findings(signal_stats: pd.DataFrame, family_stats: pd.DataFrame, catalog: pd.DataFrame, *,
             outcome: str) -> list[Finding]:
    """Sentences: significant signals (strongest first), each family with a finding adjusted for
    the others (then the caveat, once), separations, then quiet families.

    Each is a :class:`Finding` (a ``str``) whose ``kind`` says which of these it
    is. The window is not repeated in each sentence: every output that shows
    the findings states it once (``DriversResult.window``).
    """
    verb = _EVENT_VERBS[outcome]
    significant = signal_stats[(signal_stats["status"] == "ok")
                               & (signal_stats["q_value"] < SIGNIFICANCE)]
    sentences = [
        _signal_finding(row, catalog, verb)
        for _, row in significant.sort_values(["p_value", "signal"], kind="stable").iterrows()
    ]
    found = family_stats[(family_stats["q_value"] < SIGNIFICANCE) & (family_stats["odds_ratio"] > 1)]
    adjusted = [] if found.empty else [
        _adjusted_sentence(row)
        for _, row in found.sort_values(["p_value", "family"], kind="stable").iterrows()
    ]
    adjusted = [sentence for sentence in adjusted if sentence]
    if adjusted:
        sentences += adjusted + [Finding(ADJUSTMENT_CAVEAT, kind="caveat")]
    for _, row in signal_stats[signal_stats["status"] == "separation"].iterrows():
        sentences.append(Finding(
            f"{_signal_phrase(row, catalog)[0].upper()}{_signal_phrase(row, catalog)[1:]} "
            f"separates the outcome at one end among the {row['n']} engagements measured (beyond "
            f"some value every engagement {verb}, or none did), so no odds ratio can be "
            "estimated; check that it is not recorded after the outcome.",
            kind="separation", family=row["family"], signal=row["signal"],
        ))
    for _, family in family_stats.iterrows():
        members = signal_stats[signal_stats["family"] == family["family"]]
        # A family with a finding or a separation already has its sentence.
        if not members["signal"].isin(significant["signal"]).any() and not (
            members["status"] == "separation"
        ).any():
            sentences.append(_family_sentence(family, members, catalog))
    return sentences
