"""generate(planted=..., dark_onset=...): any families planted at any strength, going dark late."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engagement_analytics.sample import generate, planted_table


@pytest.fixture(scope="module")
def dark_alone():
    return generate(n_engagements=400, seed=3, planted={"going_dark": 0.7})


def test_log_odds_follow_the_planted_strengths_in_the_risky_direction(dark_alone):
    truth = dark_alone.truth
    # More going dark is the risky side: +0.7 per SD; nothing else enters.
    expected = dark_alone.intercept + 0.7 * truth["z_going_dark"]
    assert np.allclose(truth["failure_log_odds"], expected)
    mixed = generate(n_engagements=60, seed=3, planted={"champion_engagement": 1.5, "reactivity": 0.5})
    # Less champion engagement is the risky side: its beta is negative on the latent.
    expected = (mixed.intercept - 1.5 * mixed.truth["z_champion_engagement"]
                + 0.5 * mixed.truth["z_reactivity"])
    assert np.allclose(mixed.truth["failure_log_odds"], expected)


def test_the_intercept_keeps_the_default_base_rate():
    # Mean failure probability over standard-normal latents, by Monte Carlo (not the
    # generator's quadrature): the default truth and one family at 0.7 fail alike.
    z = np.random.default_rng(0).standard_normal((400_000, 4))
    default = generate(n_engagements=5, seed=0)
    single = generate(n_engagements=5, seed=0, planted={"going_dark": 0.7})
    default_rate = np.mean(1 / (1 + np.exp(-(default.intercept + z.sum(axis=1)))))
    single_rate = np.mean(1 / (1 + np.exp(-(single.intercept + 0.7 * z[:, 0]))))
    assert default.intercept == -1.55
    assert single_rate == pytest.approx(default_rate, abs=0.003)


def test_non_planted_latents_are_balanced_and_planted_one_is_not(dark_alone):
    truth = dark_alone.truth[dark_alone.truth["closed"]]
    means = truth.filter(like="z_").groupby(truth["outcome"]).mean()
    others = means.drop(columns="z_going_dark")
    assert np.allclose(others, others.iloc[0], atol=1e-9)  # the default's planted four too
    assert means.loc["failed", "z_going_dark"] > means.loc["success", "z_going_dark"] + 0.3


def test_planted_table_and_readme_name_the_planted_set(dark_alone, tmp_path):
    table = planted_table({"going_dark": 0.7}).set_index("family")
    assert table.loc["going_dark"].tolist() == ["yes", "higher_risk_when_more", 0.7]
    assert (table.drop(index="going_dark")["planted"] == "no").all()
    readme = (dark_alone.write(tmp_path) / "README.md").read_text(encoding="utf-8")
    assert "| going_dark | yes | higher_risk_when_more | 0.70 |" in readme
    assert "| overselling | no | none | 0.00 |" in readme
    assert "--plant going_dark=0.7" in readme
    assert "the one planted\nlatents" in readme or "the one planted latents" in readme.replace("\n", " ")


@pytest.mark.parametrize(("planted", "message"), [
    ({"going_quiet": 1.0}, "unknown family 'going_quiet'"),
    ({"going_dark": -1.0}, "must be a finite number >= 0"),
    ({"going_dark": float("nan")}, "must be a finite number >= 0"),
    ({"going_dark": "1"}, "is not a number"),
    (["going_dark"], "must map family names"),
])
def test_bad_planted_values_are_refused(planted, message):
    with pytest.raises(ValueError, match=message):
        generate(n_engagements=5, planted=planted)


def _silent_week_share(sample, lo: float, hi: float) -> pd.Series:
    """Share of the weeks from ``lo`` to ``hi`` of each plan without a client message.

    Read from the written tables, not from the generator's spells; NaN for
    engagements that ended (closed or export date) before ``hi``: their silence
    after the end would be their outcome, not their client.
    """
    eng = sample.tables["engagements"].set_index("engagement_id")
    start = pd.to_datetime(eng["start_date"])
    planned = (pd.to_datetime(eng["planned_end_date"]) - start).dt.days
    first, last = np.floor(lo * planned), np.floor(hi * planned)
    ended = pd.to_datetime(eng["closed_date"]).fillna(pd.Timestamp(sample.as_of))
    running = (ended - start).dt.days >= last
    people = sample.tables["stakeholders"]
    client = people[people["side"] == "client"]
    client = set(zip(client["engagement_id"], client["person_id"], strict=True))
    msgs = sample.tables["communications"]
    from_client = [(e, p) in client for e, p in zip(msgs["engagement_id"], msgs["from_id"], strict=True)]
    msgs = msgs[from_client]
    ids = msgs["engagement_id"]
    offset = (pd.to_datetime(msgs["sent_at"].str.slice(0, 10)) - start.reindex(ids).to_numpy()).dt.days
    inside = (offset >= first.reindex(ids).to_numpy()) & (offset < last.reindex(ids).to_numpy())
    weeks = pd.DataFrame({"eng": ids[inside], "week": offset[inside] // 7})
    active = weeks.drop_duplicates().groupby("eng").size().reindex(eng.index).fillna(0)
    share = 1 - active / np.ceil((last - first) / 7)
    return share.where(running).set_axis(range(len(eng)))


def test_a_late_onset_keeps_going_dark_out_of_the_early_weeks():
    plain = generate(n_engagements=1500, seed=5, planted={"going_dark": 1.0})
    onset = generate(n_engagements=1500, seed=5, planted={"going_dark": 1.0}, dark_onset=0.5)
    assert onset.dark_onset == 0.5

    def link(sample, lo, hi):
        return _silent_week_share(sample, lo, hi).corr(sample.truth["z_going_dark"], method="spearman")

    assert link(plain, 0.0, 0.4) > 0.15
    assert abs(link(onset, 0.0, 0.4)) < 0.05  # before the onset the latent moves nothing
    assert link(onset, 0.5, 0.9) > 0.15  # after it, it does


@pytest.mark.parametrize("onset", [-0.1, 2.0, float("nan")])
def test_bad_onsets_are_refused(onset):
    with pytest.raises(ValueError, match="dark_onset"):
        generate(n_engagements=5, dark_onset=onset)
