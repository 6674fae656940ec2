"""analyze() on a loaded bundle: the window, outcomes known as of a date, early closes."""

from __future__ import annotations

import pytest

from engagement_analytics import drivers, load_bundle

OUTCOMES = ["failed"] * 8 + ["success"] * 20 + ["challenged"] * 4 + [None] * 3


def test_default_window_is_half_the_planned_schedule(make_tiny_bundle):
    result = drivers.analyze(load_bundle(make_tiny_bundle(OUTCOMES), pseudonymize=False), n_repeats=1)
    assert result.window.startswith("first 40% of each engagement's planned schedule")
    assert (result.n, result.events) == (32, 8)
    assert "3 engagements without an outcome (still active) are left out" in result.warnings
    assert not any("ended before their window did" in w for w in result.warnings)


def test_engagements_closed_before_their_window_ended_are_left_out(make_tiny_bundle):
    # Failed engagements close on day 15 of 56: inside the first 40% (day 22) of their schedule,
    # so measuring them up to their close would let the close stand in for the outcome.
    tables = make_tiny_bundle(OUTCOMES, failed_close="2025-01-20")
    with pytest.raises(drivers.InsufficientOutcomes, match=r"0 of 24 closed engagements are 'failed'.*"
                       r"8 closed engagements ended before their window did and are left out "
                       r"\(8 events, 0 others\)"):
        drivers.analyze(load_bundle(tables, pseudonymize=False), n_repeats=1)
    # Over their first 2 weeks (day 13) every failed engagement was still running.
    weekly = drivers.analyze(load_bundle(tables, pseudonymize=False), first_weeks=2, n_repeats=1)
    assert weekly.window.startswith("first 2 weeks")
    assert (weekly.n, weekly.events) == (32, 8)
    assert not any("ended before their window did" in w for w in weekly.warnings)


def test_outcomes_known_only_after_as_of_are_not_used(make_tiny_bundle):
    bundle = load_bundle(make_tiny_bundle(OUTCOMES), pseudonymize=False)
    # Everything closes on 2025-03-02: on 2025-02-01 no outcome was known yet.
    with pytest.raises(drivers.InsufficientOutcomes, match="only 0 closed engagements"):
        drivers.analyze(bundle, as_of="2025-02-01")


def test_both_windows_at_once_is_an_error(make_tiny_bundle):
    bundle = load_bundle(make_tiny_bundle(OUTCOMES), pseudonymize=False)
    with pytest.raises(ValueError, match="first_weeks or at_fraction, not both"):
        drivers.analyze(bundle, first_weeks=4, at_fraction=0.5)
