"""The backtest, the JSON and CSV, privacy, and the training cap."""

from __future__ import annotations

import csv
import json
import re

import numpy as np
import pandas as pd

from engagement_analytics import load_bundle, watchlist
from engagement_analytics.sample import generate

ENGAGEMENT_KEYS = ["engagement_id", "risk", "risk_low", "risk_high", "fraction_elapsed",
                   "risk_4_weeks_ago", "reasons", "family", "action"]
BACKTEST_KEYS = ["as_of_dates", "auc", "flag_count_auc", "sponsor_rule_auc",
                 "top_decile_failure_rate", "rest_failure_rate", "median_weeks_warning"]


def test_the_backtest_beats_both_baselines_on_a_planted_portfolio(planted_result):
    backtest = planted_result.backtest
    table = backtest.table
    assert len(table) == 4
    days = pd.DatetimeIndex(table["as_of"])
    assert days.is_month_end.all() and (days < pd.Timestamp(planted_result.as_of)).all()
    pooled = backtest.pooled.set_index("ranking")
    assert pooled.at["watchlist", "auc"] > 0.7
    for baseline in ("flag count", "sponsor rule"):
        assert pooled.at[baseline, "watchlist_minus_low"] > 0, baseline
    top, rest = backtest.top_decile_rates()
    assert top > 2 * rest
    assert 0 < backtest.failures_warned <= backtest.failures
    assert backtest.median_weeks_warning > 0
    # Judged only on outcomes known today, and only engagements active on each date.
    assert (table["judged"] <= table["scored"]).all() and (table["scored"] <= table["active"]).all()
    # What happened to engagements by the risk they were given: more risk, more failures, and
    # no bin more than 10 points off (about 100 judged rows per bin).
    calibration = backtest.calibration()
    assert calibration["n"].sum() == table["judged"].sum()
    assert calibration["observed_rate"].is_monotonic_increasing
    assert (calibration["mean_predicted"] - calibration["observed_rate"]).abs().max() <= 0.1


def test_json_has_one_entry_per_active_engagement_in_the_documented_shape(planted, planted_result):
    _, bundle = planted
    payload = json.loads(json.dumps(planted_result.to_dict(), allow_nan=False))
    assert list(payload)[:4] == ["as_of", "outcome", "base_rate", "trend_weeks"]
    assert {"engagements", "backtest", "warnings"} <= set(payload)
    active = bundle.engagements.loc[bundle.engagements["outcome"].isna(), "engagement_id"]
    assert sorted(e["engagement_id"] for e in payload["engagements"]) == sorted(active)
    for entry in payload["engagements"]:
        assert list(entry)[: len(ENGAGEMENT_KEYS)] == ENGAGEMENT_KEYS
        assert isinstance(entry["reasons"], list)
    assert list(payload["backtest"])[: len(BACKTEST_KEYS)] == BACKTEST_KEYS
    lengths = {len(payload["backtest"][key]) for key in BACKTEST_KEYS[:-1]}
    assert lengths == {4}
    closed = bundle.engagements["outcome"].dropna()
    assert payload["base_rate"] == round(float((closed == "failed").mean()), 4)


def test_no_person_id_name_or_email_leaves_in_any_output(planted, planted_result, tmp_path):
    sample, bundle = planted
    text = json.dumps(planted_result.to_dict()) + planted_result.table().to_string()
    text += planted_result.to_csv(tmp_path / "list.csv").read_text()
    words = re.findall(r"[\w.@'-]+", text.lower())
    spans = set(words) | {" ".join(words[i:i + n]) for n in (2, 3) for i in range(len(words))}
    people = sample.tables["stakeholders"]
    for values in (people["person_id"], people["name"].dropna(), bundle.stakeholders["person_id"]):
        assert not spans & set(values.str.lower())
    assert "@" not in text


def test_csv_defuses_formulas_and_keeps_every_engagement(tmp_path):
    sample = generate(n_engagements=120, seed=4)
    hostile = "=HYPERLINK(\"http://x\")"
    first = sample.tables["engagements"]["engagement_id"].iloc[0]
    for frame in sample.tables.values():
        if "engagement_id" in frame:
            frame.loc[frame["engagement_id"] == first, "engagement_id"] = hostile
    bundle = load_bundle(sample.tables, pseudonym_key="test")
    bundle.engagements.loc[bundle.engagements["engagement_id"] == hostile, ["closed_date", "outcome"]] = (
        pd.NaT, np.nan)
    result = watchlist.watchlist(bundle, n_bootstrap=0)
    with open(result.to_csv(tmp_path / "out.csv"), newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(result.engagements)
    ids = [row["engagement_id"] for row in rows]
    assert "'" + hostile in ids and hostile not in ids
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_the_training_cap_is_kept_and_stated(small):
    _, bundle = small
    result = watchlist.watchlist(bundle, n_bootstrap=0, max_training=60)
    assert (result.landmarks["closed"] <= 60).all()
    assert any("fixed random 60 of the" in w for w in result.warnings)
