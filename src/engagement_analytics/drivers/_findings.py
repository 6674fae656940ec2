"""Plain-English sentences a practice lead can repeat, one per finding and per quiet family."""

from __future__ import annotations

import pandas as pd

__all__ = ["ADJUSTMENT_CAVEAT", "FAMILY_PHRASES", "SIGNAL_PHRASES", "SIGNIFICANCE", "findings"]

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
    "adhoc_meetings_per_week": "the number of ad hoc meetings per week",
    "champions_per_client_stakeholder": "the number of champions per client stakeholder",
    "champion_session_attendance_rate": "the share of workshops, demos and trainings champions attended",
    "champion_led_session_share": "the share of workshops, demos and trainings led by a champion",
    "champion_turnover_share": "the share of champions who left",
    "purpose_statement_agreed": "whether a purpose statement was agreed",
    "discovery_meetings_first_3_weeks": "the number of discovery meetings in the first three weeks",
    "days_to_first_steering_share": "the wait for the first steering meeting, as a share of the time elapsed",
    "client_people_per_meeting": "the number of client people at a typical meeting",
    "top_client_attendee_share": "the share of client attendance by a single person",
}

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


def _threshold(rule: str, row: pd.Series, catalog: pd.DataFrame) -> str:
    comparison, value = rule.split(" ", 1)
    unit = str(catalog.at[row["signal"], "unit"]) if "unit" in catalog else ""
    number = float(value) + 0.0  # turns -0.0 (a negated zero cut) into 0.0
    shown = _percent(number) if unit.startswith("share") else _number(number)
    return f"{_COMPARISONS[comparison]} {shown}"


def _effect(row: pd.Series) -> str:
    return (
        f"odds ratio {_number(row['odds_ratio'])} per SD, 95% CI "
        f"{_number(row['ci_low'])}-{_number(row['ci_high'])}, {_q(row['q_value'])}, "
        f"{row['n']} engagements"
    )


def _signal_sentence(row: pd.Series, catalog: pd.DataFrame, verb: str) -> str:
    risky, safe = _percent(row["riskiest_third_failure_rate"]), _percent(row["safest_third_failure_rate"])
    tail = f"({_effect(row)})."
    if row["signal"] in BINARY_PHRASES:
        risky_case, safe_case = BINARY_PHRASES[row["signal"]]
        comparison = f"Where {risky_case}, {risky} of engagements {verb} against {safe} where {safe_case}"
    else:
        where = f"{_signal_phrase(row, catalog)} was {_threshold(row['riskiest_third_rule'], row, catalog)}"
        comparison = (
            f"Where {where} (the riskiest third), {risky} of engagements {verb} "
            f"against {safe} in the safest third"
        )
    if row["odds_ratio"] < 1:
        return f"Contrary to the expected direction: {comparison[0].lower()}{comparison[1:]} {tail}"
    return f"{comparison} {tail}"


def _family_sentence(family: pd.Series, members: pd.DataFrame, catalog: pd.DataFrame) -> str:
    name = _family_name(family["family"])
    if pd.isna(family["signal"]):
        reasons = ", ".join(f"{r.signal}: {r.status}" for r in members.itertuples())
        return (f"Could not test whether {name} goes with failure "
                f"({reasons or 'no signal measured'}).")
    strongest = members.loc[members["signal"] == family["signal"]].iloc[0]
    return (
        f"No evidence that {name} goes with failure (strongest signal: "
        f"{_signal_phrase(strongest, catalog)}, {_q(family['q_value'])})."
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


def _adjusted_sentence(family: pd.Series) -> str | None:
    """Whether a family with a finding still goes with the outcome once the others are held fixed."""
    if pd.isna(family.get("adjusted_odds_ratio", float("nan"))):
        return None
    name = _family_name(family["family"])
    name = name[0].upper() + name[1:]
    adjusted = (f"adjusted odds ratio {_number(family['adjusted_odds_ratio'])}, 95% CI "
                f"{_number(family['adjusted_ci_low'])}-{_number(family['adjusted_ci_high'])}")
    if family["adjusted_ci_low"] > 1:
        return f"{name} still goes with failure once the other patterns are accounted for ({adjusted})."
    opening = (f"{name} goes with failure (odds ratio {_number(family['odds_ratio'])} per SD), but not "
               f"once the other patterns are accounted for ({adjusted})")
    shadow = family.get("shadow_of")
    if isinstance(shadow, str):
        return f"{opening}: it looks like a shadow of {_family_name(shadow)}, not a separate cause."
    return f"{opening}: these data cannot tell it apart from the other patterns."


def findings(signal_stats: pd.DataFrame, family_stats: pd.DataFrame, catalog: pd.DataFrame, *,
             outcome: str) -> list[str]:
    """Sentences: significant signals (strongest first), each family with a finding adjusted for
    the others, separations, then quiet families.

    The window is not repeated in each sentence: every output that shows the
    findings states it once (``DriversResult.window``).
    """
    verb = _EVENT_VERBS[outcome]
    significant = signal_stats[(signal_stats["status"] == "ok")
                               & (signal_stats["q_value"] < SIGNIFICANCE)]
    sentences = [
        _signal_sentence(row, catalog, verb)
        for _, row in significant.sort_values(["p_value", "signal"], kind="stable").iterrows()
    ]
    found = family_stats[(family_stats["q_value"] < SIGNIFICANCE) & (family_stats["odds_ratio"] > 1)]
    adjusted = [_adjusted_sentence(row) for _, row in
                found.sort_values(["p_value", "family"], kind="stable").iterrows()]
    adjusted = [sentence for sentence in adjusted if sentence]
    if adjusted:
        sentences += adjusted + [ADJUSTMENT_CAVEAT]
    for _, row in signal_stats[signal_stats["status"] == "separation"].iterrows():
        sentences.append(
            f"{_signal_phrase(row, catalog)[0].upper()}{_signal_phrase(row, catalog)[1:]} "
            f"separates the outcome at one end among the {row['n']} engagements measured (beyond "
            f"some value every engagement {verb}, or none did), so no odds ratio can be "
            "estimated; check that it is not recorded after the outcome."
        )
    for _, family in family_stats.iterrows():
        members = signal_stats[signal_stats["family"] == family["family"]]
        # A family with a finding or a separation already has its sentence.
        if not members["signal"].isin(significant["signal"]).any() and not (
            members["status"] == "separation"
        ).any():
            sentences.append(_family_sentence(family, members, catalog))
    return sentences
