"""The catalog: the agreed names, families, directions and columns."""

from __future__ import annotations

from engagement_analytics import signals


def test_families_in_the_agreed_order():
    assert signals.FAMILIES == (
        "overselling", "sponsor_absence", "going_dark", "client_ownership",
        "commitment_reciprocity", "reactivity", "champion_engagement", "discovery",
        "stakeholder_breadth",
    )


def test_catalog_columns_and_values():
    frame = signals.catalog()
    assert list(frame.columns) == ["signal", "label", "family", "direction", "unit", "description",
                                   "needs"]
    assert frame["signal"].is_unique
    assert set(frame["direction"]) == {"higher_is_riskier", "lower_is_riskier"}
    assert list(dict.fromkeys(frame["family"])) == list(signals.FAMILIES)  # grouped, in order
    assert (frame.groupby("family").size() >= 2).all()
    tables = {"engagements", "stakeholders", "meetings", "attendance", "commitments",
              "communications"}
    assert all(set(needs.split(",")) <= tables for needs in frame["needs"])
    assert frame["description"].str.len().gt(20).all()


def test_directions_of_a_few_agreed_signals():
    direction = signals.catalog().set_index("signal")["direction"]
    assert direction["effort_estimate_to_sold_ratio"] == "higher_is_riskier"
    assert direction["sponsor_named"] == "lower_is_riskier"
    assert direction["client_overdue_share"] == "higher_is_riskier"
    assert direction["vendor_median_reply_hours"] == "lower_is_riskier"
    assert direction["top_client_attendee_share"] == "higher_is_riskier"


def test_every_signal_has_its_own_short_plain_label():
    from engagement_analytics.signals._catalog import LABELS

    frame = signals.catalog()
    # written for it, not derived from the code name; short enough for an axis
    assert set(frame["signal"]) <= set(LABELS)
    assert frame["label"].is_unique
    assert frame["label"].str.len().le(55).all()
