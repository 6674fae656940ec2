"""The sample generator: determinism, contract, outcome timing, planted truth."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from engagement_analytics import load_bundle
from engagement_analytics.sample import generate, planted_table

AS_OF = "2026-06-30"
FILES = (
    "engagements.csv", "stakeholders.csv", "meetings.csv", "attendance.csv",
    "commitments.csv", "communications.csv", "truth.csv", "README.md",
)


@pytest.fixture(scope="module")
def bundle():
    return generate(n_engagements=120, seed=11, as_of=AS_OF)


@pytest.fixture(scope="module")
def folder(bundle, tmp_path_factory):
    return bundle.write(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def loaded(folder):
    return load_bundle(folder, pseudonymize=False)


def test_same_seed_gives_identical_bytes(tmp_path):
    one = generate(n_engagements=40, seed=3).write(tmp_path / "one")
    two = generate(n_engagements=40, seed=3).write(tmp_path / "two")
    for name in FILES:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_other_seed_gives_other_data():
    one = generate(n_engagements=40, seed=3).tables["meetings"]
    two = generate(n_engagements=40, seed=4).tables["meetings"]
    assert not one.equals(two)


def test_written_bundle_loads_strictly_with_no_problem(loaded, bundle):
    assert loaded.report.problems == []
    for name, frame in bundle.tables.items():
        counts = loaded.report.tables[name]
        assert (counts.read, counts.kept, counts.rejected) == (len(frame), len(frame), 0)
    assert loaded.report.unknown_persons == 0
    assert set(loaded.report.ignored_files) == {"README.md", "truth.csv"}


def test_lines_end_with_newline_only(folder):
    raw = (folder / "meetings.csv").read_bytes()
    assert b"\r\n" not in raw and raw.endswith(b"\n")


def test_awkward_titles_survive_the_round_trip(bundle, loaded):
    titles = loaded.meetings["title"].dropna()
    assert titles.str.contains("\n").any() and titles.str.contains('"').any()
    assert titles.str.contains(",").any()
    assert len(titles) == bundle.tables["meetings"]["title"].notna().sum()
    assert (bundle.tables["meetings"]["title"].dropna().str.match(r"\[ENG-\d{4}\] ")).all()


def test_cells_are_formatted_as_the_contract_writes_them(bundle):
    t = bundle.tables
    assert t["engagements"]["start_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    stamp = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})"
    assert t["meetings"]["start"].str.fullmatch(stamp).all()
    assert t["communications"]["sent_at"].str.fullmatch(stamp).all()
    assert set(t["attendance"]["attended"].dropna()) == {"true", "false"}
    assert t["attendance"]["attended"].isna().any()  # "accepted counts as attended" matters
    offsets = set(t["meetings"]["start"].str.slice(19))
    assert {"+01:00", "+02:00"} <= offsets and len(offsets) >= 4


def test_ids_are_tagged_and_people_are_emails(bundle):
    assert bundle.tables["engagements"]["engagement_id"].iloc[0] == "ENG-0001"
    people = bundle.tables["stakeholders"]
    assert people["person_id"].str.fullmatch(r"[a-z0-9.]+@[a-z0-9-]+\.example").all()
    vendor = people[people["side"] == "vendor"]
    assert vendor["person_id"].str.endswith("@vendor.example").all()


def test_no_activity_after_as_of_or_after_close(loaded):
    eng = loaded.engagements.set_index("engagement_id")
    end = eng["closed_date"].fillna(pd.Timestamp(AS_OF))
    start = eng["start_date"]

    def day_of(frame, column):
        stamps = frame[column]
        if isinstance(stamps.dtype, pd.DatetimeTZDtype):
            stamps = stamps.dt.tz_convert(None)
        return stamps.dt.normalize()

    m = loaded.meetings
    assert (day_of(m, "start") <= end.loc[m["engagement_id"]].to_numpy()).all()
    assert (day_of(m, "start") >= start.loc[m["engagement_id"]].to_numpy()).all()
    c = loaded.communications
    assert (day_of(c, "sent_at") <= end.loc[c["engagement_id"]].to_numpy()).all()
    k = loaded.commitments
    assert (k["made_on"] <= end.loc[k["engagement_id"]].to_numpy()).all()
    assert (k["done_on"].dropna() <= end.loc[k.dropna(subset=["done_on"])["engagement_id"]].to_numpy()).all()
    s = loaded.stakeholders
    assert (s["left_on"].dropna() <= end.loc[s.dropna(subset=["left_on"])["engagement_id"]].to_numpy()).all()
    assert (eng["closed_date"].dropna() <= pd.Timestamp(AS_OF)).all()


def test_active_and_closed_engagements_and_outcome_mix():
    eng = generate(n_engagements=300, seed=5).tables["engagements"]
    closed = eng["closed_date"].notna()
    assert (closed == eng["outcome"].notna()).all()
    assert 0.65 <= closed.mean() <= 0.88
    share = eng.loc[closed, "outcome"].value_counts(normalize=True)
    assert 0.20 <= share["failed"] <= 0.40
    assert 0.10 <= share["challenged"] <= 0.32


def test_committed_seed_base_rate_is_in_the_agreed_range():
    eng = generate(n_engagements=300, seed=7).tables["engagements"]
    outcome = eng["outcome"].dropna()
    assert 0.25 <= (outcome == "failed").mean() <= 0.33


def test_failed_engagements_close_earlier_than_successful_ones(loaded):
    eng = loaded.engagements.dropna(subset=["closed_date"])
    planned = (eng["planned_end_date"] - eng["start_date"]).dt.days + 1
    fraction = ((eng["closed_date"] - eng["start_date"]).dt.days + 1) / planned
    by_outcome = fraction.groupby(eng["outcome"]).mean()
    assert by_outcome["failed"] < by_outcome["success"] < by_outcome["challenged"]
    assert fraction[eng["outcome"] == "failed"].max() <= 0.81


def test_truth_matches_the_bundle(bundle):
    truth = bundle.truth
    eng = bundle.tables["engagements"]
    assert list(truth["engagement_id"]) == list(eng["engagement_id"])
    assert (truth["outcome"].isna() == eng["outcome"].isna()).all()
    assert (truth["outcome"].dropna() == eng["outcome"].dropna()).all()
    p = truth["failure_probability"]
    assert np.allclose(p, 1 / (1 + np.exp(-truth["failure_log_odds"])))
    assert (truth["true_failure_probability"] == p).all()


def test_failure_log_odds_use_only_the_planted_latents(bundle):
    truth = bundle.truth
    # Planted as agreed: +1 overselling, +1 sponsor absence, -1 reciprocity, -1 champions.
    expected = (
        bundle.intercept
        + truth["z_overselling"] + truth["z_sponsor_absence"]
        - truth["z_commitment_reciprocity"] - truth["z_champion_engagement"]
    )
    assert np.allclose(truth["failure_log_odds"], expected)


def test_planted_table_rows():
    table = planted_table()
    assert list(table.columns) == ["family", "planted", "direction", "beta_per_sd"]
    planted = table[table["planted"] == "yes"].set_index("family")["direction"].to_dict()
    assert planted == {
        "overselling": "higher_risk_when_more",
        "sponsor_absence": "higher_risk_when_more",
        "commitment_reciprocity": "higher_risk_when_less",
        "champion_engagement": "higher_risk_when_less",
    }
    assert len(table) == 9
    assert (table.loc[table["planted"] == "no", "beta_per_sd"] == 0).all()


def test_readme_holds_a_parseable_planted_table(folder):
    text = (folder / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\w+) \| (yes|no) \| (\w+) \| ([\d.]+) \|$", text, flags=re.M)
    assert len(rows) == 9
    assert ("sponsor_absence", "yes", "higher_risk_when_more", "1.00") in rows
    assert ("going_dark", "no", "none", "0.00") in rows
    assert "| engagements | 120 |" in text


PLANTED = ["z_overselling", "z_sponsor_absence", "z_commitment_reciprocity", "z_champion_engagement"]


def test_planted_latents_are_standardised_and_uncorrelated(bundle):
    z = bundle.truth.filter(like="z_")
    assert z.shape[1] == 9
    planted = z[PLANTED]
    assert np.allclose(planted.mean(), 0, atol=1e-9) and np.allclose(planted.std(), 1, atol=1e-9)
    assert np.allclose(np.corrcoef(planted.to_numpy(), rowvar=False), np.eye(4), atol=1e-9)
    # The balancing step moves the others only a little.
    others = z.drop(columns=PLANTED)
    assert np.allclose(others.mean(), 0, atol=0.1) and np.allclose(others.std(), 1, atol=0.1)


def test_non_planted_latents_are_balanced_across_closed_outcomes(bundle):
    truth = bundle.truth[bundle.truth["closed"]]
    others = truth.filter(like="z_").drop(columns=PLANTED)
    group_means = others.groupby(truth["outcome"]).mean()
    assert len(group_means) == 3
    assert np.allclose(group_means, others.mean().to_numpy()[None, :], atol=1e-9)
    # ... while the planted ones keep their link: failed engagements oversold more.
    planted = truth.groupby("outcome")["z_overselling"].mean()
    assert planted["failed"] > planted["success"] + 0.3


def test_as_of_bounds_the_data():
    bundle = generate(n_engagements=30, seed=2, as_of=dt.date(2025, 1, 31))
    starts = bundle.tables["meetings"]["start"].str.slice(0, 10)
    assert starts.max() <= "2025-01-31"
    with pytest.raises(ValueError, match="as_of"):
        generate(n_engagements=5, as_of="31/01/2025")
    with pytest.raises(ValueError, match="n_engagements"):
        generate(n_engagements=0)


def test_vendor_namesakes_across_pools_get_distinct_ids():
    import pyarrow as pa

    from engagement_analytics.sample._people import _distinct_across_pools

    ids = pa.array(["ana.lee@vendor.example", "bo.kim@vendor.example", "ana.lee@vendor.example"])
    assert _distinct_across_pools(ids).to_pylist() == [
        "ana.lee@vendor.example", "bo.kim@vendor.example", "ana.lee.v2@vendor.example",
    ]


def test_no_engagement_names_one_vendor_id_for_two_people():
    # 1,000 engagements: large enough pools for namesakes across them (seen before the fix).
    stakeholders = generate(n_engagements=1000, seed=7).tables["stakeholders"]
    vendor = stakeholders[stakeholders["side"] == "vendor"]
    per_id = vendor.groupby(["engagement_id", "person_id"]).size()
    assert per_id.max() == 1


def test_truth_auc_counts_correctly_ranked_pairs():
    from engagement_analytics.sample import truth_auc

    truth = pd.DataFrame({"engagement_id": list("abcde"),
                          "failure_probability": [0.9, 0.3, 0.5, 0.2, 0.7]})
    outcomes = pd.Series({"a": "failed", "b": "failed", "c": "success", "d": "challenged", "e": None})
    # failed a (0.9), b (0.3) against c (0.5), d (0.2): a>c, a>d, b<c, b>d -> 3 of 4 pairs.
    assert truth_auc(truth, outcomes) == 3 / 4
    # failed or challenged a, b, d against c: a>c, b<c, d<c -> 1 of 3.
    assert truth_auc(truth, outcomes, outcome="failed_or_challenged") == 1 / 3
    assert np.isnan(truth_auc(truth, pd.Series({"a": "failed", "b": "failed"})))


def test_written_free_text_holds_no_formula_and_loads_back_unchanged(tmp_path, formula_cells):
    sample = generate(n_engagements=10, seed=1, as_of=AS_OF)
    hostile = ['=HYPERLINK("http://evil.example","x")', "'=quoted", "-1+1", "'Tis"]
    meetings = sample.tables["meetings"]
    sample.tables["meetings"] = meetings.assign(
        title=hostile + meetings["title"].iloc[len(hostile):].tolist())
    folder = sample.write(tmp_path / "sample")
    for path in sorted(folder.glob("*.csv")):
        assert formula_cells(path) == [], path.name
    loaded = load_bundle(folder)
    assert loaded.meetings["title"].iloc[:len(hostile)].tolist() == hostile
