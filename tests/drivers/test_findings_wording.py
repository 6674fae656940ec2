"""The findings' sentences read well at the ends of a scale, and say what they are about."""

from __future__ import annotations

import numpy as np
import pandas as pd

from engagement_analytics.drivers._findings import findings

CATALOG = pd.DataFrame(
    [
        ("champion_led_session_share", "champion_engagement", "share", "led by a champion"),
        ("client_organized_meeting_share", "client_ownership", "share", "organised by the client"),
        ("my_own_share", "discovery", "share", "a user's own share signal"),
        ("effort_estimate_to_sold_ratio", "overselling", "ratio", "estimate / sold effort"),
    ],
    columns=["signal", "family", "unit", "description"],
).set_index("signal")


def _row(signal, family, rule, *, n=238, riskiest_n=80, safest_n=80, p=0.001):
    return {
        "signal": signal, "family": family, "direction": "lower_is_riskier", "n": n, "events": 76,
        "riskiest_third_failure_rate": 0.42, "safest_third_failure_rate": 0.2,
        "riskiest_third_n": riskiest_n, "safest_third_n": safest_n, "riskiest_third_rule": rule,
        "odds_ratio": 1.6, "ci_low": 1.1, "ci_high": 2.2, "p_value": p, "q_value": p * 2,
        "status": "ok",
    }


def _sentences(rows):
    stats = pd.DataFrame(rows)
    # A family with no tested signal, as family_table gives it (no odds ratio, no q-value).
    families = pd.DataFrame([{"family": "stakeholder_breadth", "signal": np.nan, "q_value": np.nan,
                              "odds_ratio": np.nan}])
    return findings(stats, families, CATALOG, outcome="failed")


def test_a_cut_at_zero_says_what_none_means_not_at_or_below_zero_percent():
    first, second, third, _ = _sentences([
        _row("champion_led_session_share", "champion_engagement", "<= 0", riskiest_n=95, safest_n=143),
        _row("my_own_share", "discovery", "<= 0", p=0.002),
        _row("client_organized_meeting_share", "client_ownership", "<= 0.1", p=0.003),
    ])
    assert first.startswith("Where no workshop, demo or training was led by a champion "
                            "(95 of 238 engagements), 42% of engagements failed against 20% in "
                            "the other 143 (")
    # a signal without its own phrase: "was 0%", since a share is never below 0
    assert "a user's own share signal) was 0% (the riskiest third), 42% of engagements failed " \
           "against 20% in the safest third" in second
    # an ordinary cut keeps its wording
    assert "was at or below 10% (the riskiest third)" in third
    for sentence in (first, second, third):
        assert "at or below 0%" not in sentence


def test_each_sentence_knows_its_kind_family_and_signal():
    sentences = _sentences([_row("effort_estimate_to_sold_ratio", "overselling", ">= 1.3")])
    assert [(s.kind, s.family, s.signal) for s in sentences] == [
        ("finding", "overselling", "effort_estimate_to_sold_ratio"),
        ("untested", "stakeholder_breadth", None),
    ]
    assert "at or above 1.3 (the riskiest third)" in sentences[0]
    assert [s.is_finding for s in sentences] == [True, False]
