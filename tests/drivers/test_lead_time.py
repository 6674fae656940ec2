"""drivers.lead_time and ``drivers --lead-time`` on the tiny bundle (conftest.py).

Every engagement runs 8 weeks from 2025-01-06 (planned end 2025-03-02, 55 days on):
the window at fraction F ends on day floor(F * 55).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from engagement_analytics import drivers, load_bundle

# 8 failed, 20 successful, 4 challenged, 3 still active
OUTCOMES = ["failed"] * 8 + ["success"] * 20 + ["challenged"] * 4 + [None] * 3


def _bundle(make_tiny_bundle, **options):
    return load_bundle(make_tiny_bundle(OUTCOMES, **options), pseudonymize=False)


def test_each_fraction_compares_the_engagements_still_running(make_tiny_bundle):
    # failed engagements close on 2025-01-27 (day 21): still running at 25% of plan (day 13),
    # closed by 50% (day 27), so there only the 24 others are left, none of them failed
    lead = drivers.lead_time(_bundle(make_tiny_bundle, failed_close="2025-01-27"),
                             fractions=(0.5, 0.25), n_repeats=1)
    summary = lead.summary.set_index("fraction")
    assert list(summary.index) == [0.25, 0.5]  # sorted
    assert (summary.at[0.25, "n"], summary.at[0.25, "events"]) == (32, 8)
    assert (summary.at[0.5, "n"], summary.at[0.5, "events"]) == (24, 0)
    assert np.isnan(summary.at[0.5, "cv_auc"])
    assert "0 of 24 closed engagements are 'failed'" in summary.at[0.5, "note"]
    assert not summary.at[0.25, "note"] and 0 <= summary.at[0.25, "cv_auc"] <= 1
    assert set(lead.families["fraction"]) == {0.25}  # no statistics where there was nothing to compare
    assert any(w.startswith("at 50% of plan: 0 of 24 closed engagements") for w in lead.warnings)


def test_json_has_the_documented_shape(make_tiny_bundle):
    payload = json.loads(json.dumps(
        drivers.lead_time(_bundle(make_tiny_bundle), fractions=(0.3,), n_repeats=1).to_dict(),
        allow_nan=False))
    assert set(payload) == {"outcome", "lead_time", "warnings"}
    (row,) = payload["lead_time"]
    assert set(row) == {"fraction", "n", "events", "cv_auc", "cv_auc_low", "cv_auc_high", "families"}
    assert (row["fraction"], row["n"], row["events"]) == (0.3, 32, 8)
    assert len(row["families"]) == 9
    assert set(row["families"]["overselling"]) == {"signal", "odds_ratio", "q_value"}


@pytest.mark.parametrize(("fractions", "message"), [
    ((0.0,), "must be a number > 0"), ((-0.2, 0.5), "must be a number > 0"),
    ((float("nan"),), "must be a number > 0"), (("half",), "is not a number"), ((), "at least one"),
])
def test_bad_fractions_are_refused(make_tiny_bundle, fractions, message):
    with pytest.raises(ValueError, match=message):
        drivers.lead_time(_bundle(make_tiny_bundle), fractions=fractions)
