"""``engagement-analytics watchlist`` on bundles written to disk."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from engagement_analytics.cli import main
from engagement_analytics.sample import generate


def run(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    sample = generate(n_engagements=150, seed=6)
    active = sample.tables["engagements"]["outcome"].isna()
    # An active engagement whose id looks like rich markup: it must print as typed.
    marked = sample.tables["engagements"].loc[active, "engagement_id"].iloc[0]
    for frame in sample.tables.values():
        if "engagement_id" in frame:
            frame.loc[frame["engagement_id"] == marked, "engagement_id"] = "[red]X[/red]"
    return sample.write(tmp_path_factory.mktemp("bundle"))


def test_json_lists_every_active_engagement_and_the_backtest(folder, capsys):
    code, out, _ = run(["watchlist", str(folder), "--json", "--top", "3", "--backtest"], capsys)
    assert code == 0
    payload = json.loads(out)
    assert payload["as_of"] == "2026-06-30"
    assert len(payload["backtest"]["as_of_dates"]) == len(payload["backtest"]["auc"]) > 0
    assert len(payload["engagements"]) > 3  # --top only shortens the printed list
    assert "[red]X[/red]" in {e["engagement_id"] for e in payload["engagements"]}


def test_human_output_prints_untrusted_ids_as_typed(folder, capsys):
    code, out, _ = run(["watchlist", str(folder), "--top", "1000"], capsys)
    assert code == 0
    assert out.startswith("Watchlist as of 2026-06-30: risk of ending failed.")
    assert "[red]X[/red]" in out
    assert "Act on " in out and "risk " in out


def test_csv_holds_every_engagement(folder, tmp_path, capsys):
    target = tmp_path / "list.csv"
    code, out, _ = run(["watchlist", str(folder), "--csv", str(target)], capsys)
    assert code == 0
    assert target.read_text().startswith("engagement_id,risk,risk_low,risk_high,")
    assert "active engagements written to" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["--as-of", "2026-13-01"], "error: --as-of: '2026-13-01' is not a date (expected YYYY-MM-DD)"),
    (["--outcome", "late"], "error: --outcome: 'late' is not one of failed, failed_or_challenged"),
    (["--json", "--csv", "x.csv"], "error: --json and --csv cannot be used together"),
])
def test_bad_options_exit_2_with_one_line(folder, capsys, argv, message):
    code, _, err = run(["watchlist", str(folder), *argv], capsys)
    assert code == 2
    assert err.strip() == message


def test_nothing_scored_exits_1_with_one_line(tmp_path, capsys):
    sample = generate(n_engagements=60, seed=1)
    engagements = sample.tables["engagements"]
    for column in ("closed_date", "outcome"):
        engagements[column] = pd.Series(np.nan, index=engagements.index, dtype="str")
    code, out, err = run(["watchlist", str(sample.write(tmp_path))], capsys)
    assert code == 1
    assert err.strip() == "error: no active engagement could be scored (see the notes)"
    assert "not ranked" in out
