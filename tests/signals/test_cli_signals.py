"""``engagement-analytics signals``: options, outputs and one-line errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from engagement_analytics.cli import main


@pytest.fixture
def bundle_dir(tiny_tables, tmp_path):
    folder = tmp_path / "bundle"
    folder.mkdir()
    for name, frame in tiny_tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


def _run(argv):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    return stop.value.code


def _run_ok(argv):
    try:
        main(argv)
    except SystemExit as stop:
        assert stop.code in (0, None)


def test_catalog_json(capsys):
    _run_ok(["signals", "--catalog", "--json"])
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 27
    assert records[0]["signal"] == "effort_estimate_to_sold_ratio"
    assert set(records[0]) == {"signal", "family", "direction", "unit", "description", "needs"}


def test_writes_csv(bundle_dir, tmp_path):
    out = tmp_path / "signals.csv"
    _run_ok(["signals", str(bundle_dir), "--as-of", "2025-03-02", "--out", str(out)])
    written = pd.read_csv(out, index_col="engagement_id")
    assert list(written.index) == ["E1", "E2"]
    # pseudonymised ids change nothing here: 3 client meetings of 8 with an organizer
    assert written.loc["E1", "client_organized_meeting_share"] == pytest.approx(3 / 8)


def test_writes_parquet_with_first_weeks(bundle_dir, tmp_path):
    out = tmp_path / "signals.parquet"
    _run_ok(["signals", str(bundle_dir), "--first-weeks", "2", "--out", str(out)])
    written = pd.read_parquet(out)
    assert written.loc["E1", "days_to_first_steering_share"] == pytest.approx(2 / 14)


def test_prints_a_summary_without_engagement_ids(bundle_dir, capsys):
    _run_ok(["signals", str(bundle_dir), "--as-of", "2025-03-02", "--at-fraction", "0.5"])
    out = capsys.readouterr().out
    assert "sponsor_named" in out and "first 50%" in out
    assert "E1" not in out and "sp" not in out.split()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--as-of", "2025-13-01"], "--as-of"),
        (["--first-weeks", "2", "--at-fraction", "0.5"], "mutually exclusive"),
        (["--first-weeks", "0"], "--first-weeks"),
        (["--at-fraction", "-1"], "--at-fraction"),
        (["--out", "signals.xlsx"], "--out"),
        (["--engine", "oracle"], "--engine"),
    ],
)
def test_usage_errors(bundle_dir, capsys, argv, message):
    assert _run(["signals", str(bundle_dir), *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_missing_bundle(tmp_path, capsys):
    assert _run(["signals", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_csv_output_holds_no_formula_and_keeps_numbers_numeric(tiny_tables, tmp_path, formula_cells):
    # An engagement id typed by people may look like a formula; the signals stay numbers.
    folder = tmp_path / "hostile"
    folder.mkdir()
    for name, frame in tiny_tables.items():
        if "engagement_id" in frame.columns:
            frame = frame.assign(engagement_id=frame["engagement_id"].replace("E1", "=HYPERLINK(1)"))
        frame.to_csv(folder / f"{name}.csv", index=False)
    out = tmp_path / "signals.csv"
    _run_ok(["signals", str(folder), "--as-of", "2025-03-02", "--out", str(out)])
    assert formula_cells(out) == []
    written = pd.read_csv(out, index_col="engagement_id")
    assert len(written) == 2
    assert all(pd.api.types.is_float_dtype(dtype) for dtype in written.dtypes)


def test_engine_duckdb_writes_the_same_signals(bundle_dir, tmp_path):
    written = {}
    for engine in ("numpy", "duckdb"):
        out = tmp_path / f"{engine}.csv"
        _run_ok(["signals", str(bundle_dir), "--as-of", "2025-03-02", "--engine", engine,
                 "--out", str(out)])
        written[engine] = pd.read_csv(out, index_col="engagement_id")
    assert written["numpy"].notna().to_numpy().sum() > 20
    pd.testing.assert_frame_equal(written["duckdb"], written["numpy"], rtol=0, atol=1e-9)
