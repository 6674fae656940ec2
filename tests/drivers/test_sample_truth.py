"""Must show: on data/sample the planted families, and only they, come out significant.

The planted truth is read from the table in ``data/sample/README.md``
(``| family | planted | direction | beta_per_sd |``). Its direction is stated
relative to the family's name (``higher_risk_when_more`` overselling,
``higher_risk_when_less`` champion engagement); the catalog orients every
signal so that its risky direction is the one the family warns about, so in
either case the planted direction is an odds ratio above 1.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from engagement_analytics import drivers, load_bundle

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
RISK_DIRECTIONS = {"higher_risk_when_more", "higher_risk_when_less"}

pytestmark = pytest.mark.slow


def planted_truth(readme: str) -> pd.DataFrame:
    """The rows of the README table whose header is ``| family | planted | direction | beta_per_sd |``."""
    lines = readme.splitlines()
    header = next(i for i, line in enumerate(lines)
                  if re.fullmatch(r"\|\s*family\s*\|\s*planted\s*\|\s*direction\s*\|\s*beta_per_sd\s*\|",
                                  line.strip()))
    rows = []
    for line in lines[header + 2:]:
        if not line.startswith("|"):
            break
        family, planted, direction, beta = (cell.strip() for cell in line.strip().strip("|").split("|"))
        rows.append({"family": family, "planted": planted == "yes", "direction": direction,
                     "beta_per_sd": float(beta)})
    return pd.DataFrame(rows).set_index("family")


def test_readme_table_parser_reads_a_hand_written_table():
    text = ("intro\n\n| family | planted | direction | beta_per_sd |\n|---|---|---|---|\n"
            "| overselling | yes | higher_risk_when_more | 1.00 |\n"
            "| discovery | no | none | 0.00 |\n\n- intercept: -1\n")
    truth = planted_truth(text)
    assert list(truth.index) == ["overselling", "discovery"]
    assert list(truth["planted"]) == [True, False]
    assert truth.loc["overselling", "beta_per_sd"] == 1.0


@pytest.fixture(scope="module")
def sample_result():
    return drivers.analyze(load_bundle(SAMPLE))


def test_planted_families_and_only_they_are_significant(sample_result):
    truth = planted_truth((SAMPLE / "README.md").read_text(encoding="utf-8"))
    families = sample_result.families.set_index("family")
    assert set(truth.index) == set(families.index)
    wrong = []
    for family, row in truth.iterrows():
        found = families.loc[family]
        significant = found["q_value"] < 0.05
        if row["planted"]:
            assert row["direction"] in RISK_DIRECTIONS
            if not (significant and found["odds_ratio"] > 1):
                wrong.append(f"planted {family} not found in its direction: {found.to_dict()}")
        elif significant:
            wrong.append(f"non-planted {family} came out: {found.to_dict()}")
    assert not wrong, "\n".join(wrong)


def test_cv_auc_is_below_the_auc_of_the_true_probabilities(sample_result):
    truth = pd.read_csv(SAMPLE / "truth.csv").set_index("engagement_id")
    engagements = pd.read_csv(SAMPLE / "engagements.csv").set_index("engagement_id")
    closed = engagements["outcome"].dropna()
    failed = closed == "failed"
    probability = truth.loc[closed.index, "failure_probability"]
    # AUC by hand: share of (failed, not failed) pairs ranked right, ties one half.
    pairs = probability[failed].to_numpy()[:, None] - probability[~failed].to_numpy()[None, :]
    true_auc = ((pairs > 0).sum() + 0.5 * (pairs == 0).sum()) / pairs.size
    model = sample_result.model
    print(f"\ncv_auc {model.cv_auc:.3f} [{model.cv_auc_low:.3f}, {model.cv_auc_high:.3f}], "
          f"gradient boosting {model.gb_cv_auc:.3f}, true-probability AUC {true_auc:.3f}")
    # The true probabilities are the best any model can do, up to sampling noise.
    assert model.cv_auc < true_auc + 0.03
    assert model.cv_auc > 0.6
