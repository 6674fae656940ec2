"""``engagement-analytics drivers`` on small bundles written to disk."""

from __future__ import annotations

import json

import pytest

from engagement_analytics import drivers
from engagement_analytics.cli import main

# 8 failed, 4 challenged, 20 successful, 3 still active.
OUTCOMES = ["failed"] * 8 + ["success"] * 20 + ["challenged"] * 4 + [None] * 3


def run(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


def test_json_output_has_the_documented_schema(write_tiny_bundle, capsys):
    folder = write_tiny_bundle(OUTCOMES)
    code, out, _ = run(["drivers", str(folder), "--json", "--outcome", "failed_or_challenged"], capsys)
    assert code == 0
    payload = json.loads(out)
    assert set(payload) >= {"outcome", "window", "n", "events", "signals", "families", "model",
                            "findings"}
    assert (payload["outcome"], payload["n"], payload["events"]) == ("failed_or_challenged", 32, 12)
    assert "first 40% of each engagement's planned schedule" in payload["window"]
    assert set(payload["model"]) == {"cv_auc", "cv_auc_low", "cv_auc_high", "brier", "base_rate"}
    assert payload["model"]["base_rate"] == pytest.approx(12 / 32)
    never_measured = next(s for s in payload["signals"] if s["signal"] == "client_on_time_rate")
    assert never_measured == {"signal": "client_on_time_rate", "family": "commitment_reciprocity",
                              "n": 0, "odds_ratio": None, "ci_low": None, "ci_high": None,
                              "p_value": None, "q_value": None}
    assert len(payload["families"]) == 9


def test_human_output_shows_findings_and_the_family_table(write_tiny_bundle, capsys):
    folder = write_tiny_bundle(OUTCOMES)
    code, out, _ = run(["drivers", str(folder), "--first-weeks", "4"], capsys)
    assert code == 0
    assert "Outcome: failed — 8 of 32 closed engagements. Window: first 4 weeks" in out
    # The sponsor is the only client person at the steering meetings of these engagements:
    # the data cannot tell the sponsor's absence from the whole client's silence.
    assert "Could not test whether an absent executive sponsor goes with failure" in out
    assert "No evidence that the client going dark goes with failure" in out
    assert "Families (strongest signal of each)" in out
    assert "AUC" in out


def test_too_few_closed_engagements_exit_1_with_one_line(write_tiny_bundle, capsys):
    folder = write_tiny_bundle(["failed", "success", "success", None])
    code, out, err = run(["drivers", str(folder)], capsys)
    assert code == 1
    assert err.strip() == ("error: only 3 closed engagements with an outcome; the drivers "
                           "analysis needs at least 20")
    assert out == ""


def test_one_outcome_class_exits_1(write_tiny_bundle, capsys):
    folder = write_tiny_bundle(["success"] * 25)
    code, _, err = run(["drivers", str(folder), "--json"], capsys)
    assert code == 1
    assert "0 of 25 closed engagements are 'failed'" in err


def test_bad_options_are_usage_errors(write_tiny_bundle, capsys):
    folder = write_tiny_bundle(OUTCOMES)
    code, _, err = run(["drivers", str(folder), "--outcome", "lost"], capsys)
    assert code == 2 and "--outcome: 'lost' is not one of failed, failed_or_challenged" in err
    code, _, err = run(["drivers", str(folder), "--first-weeks", "4", "--at-fraction", "0.3"], capsys)
    assert code == 2 and "cannot be used together" in err
    code, _, err = run(["drivers", str(folder), "--as-of", "March"], capsys)
    assert code == 2 and "--as-of: 'March' is not a date" in err


def test_lead_time_json_and_table(write_tiny_bundle, capsys):
    folder = write_tiny_bundle(OUTCOMES)
    code, out, _ = run(["drivers", str(folder), "--lead-time", "--json"], capsys)
    assert code == 0
    rows = json.loads(out)["lead_time"]
    assert [row["fraction"] for row in rows] == list(drivers.DEFAULT_LEAD_FRACTIONS)
    code, out, _ = run(["drivers", str(folder), "--lead-time"], capsys)
    assert code == 0 and "How early the patterns go with failure" in out and "80%" in out
    code, _, err = run(["drivers", str(folder), "--lead-time", "--first-weeks", "4"], capsys)
    assert code == 2 and "--lead-time sets its own windows" in err
