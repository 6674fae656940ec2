"""``engagement-analytics sample`` writes what generate() writes."""

from __future__ import annotations

import pytest

from engagement_analytics.cli import main
from engagement_analytics.sample import generate


def test_cli_writes_the_same_bytes_as_the_api(tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["sample", "--out", str(tmp_path / "cli"), "--n", "25", "--seed", "4"])
    assert exit_info.value.code == 0
    api = generate(n_engagements=25, seed=4).write(tmp_path / "api")
    for path in sorted(api.iterdir()):
        assert (tmp_path / "cli" / path.name).read_bytes() == path.read_bytes(), path.name


def test_cli_rejects_a_bad_date(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["sample", "--out", str(tmp_path), "--as-of", "30.06.2026"])
    assert exit_info.value.code == 2
    assert "--as-of" in capsys.readouterr().err


def test_a_failed_write_leaves_the_previous_sample(tmp_path, monkeypatch):
    from engagement_analytics.sample import _generate

    out = generate(n_engagements=25, seed=4).write(tmp_path / "s")
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    calls = []

    def fail_on_the_third(frame, path):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device", str(path))
        path.write_text("new")

    monkeypatch.setattr(_generate, "write_csv", fail_on_the_third)
    with pytest.raises(OSError, match="No space left"):
        generate(n_engagements=25, seed=5).write(out)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert not [p for p in out.iterdir() if p.is_dir()]  # no staging folder left


def test_cli_plants_what_it_is_told(tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["sample", "--out", str(tmp_path / "cli"), "--n", "25", "--seed", "4",
              "--plant", "going_dark=0.5", "--plant", "reactivity=1", "--dark-onset", "0.3"])
    assert exit_info.value.code == 0
    api = generate(n_engagements=25, seed=4, planted={"going_dark": 0.5, "reactivity": 1.0},
                   dark_onset=0.3).write(tmp_path / "api")
    for path in sorted(api.iterdir()):
        assert (tmp_path / "cli" / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.parametrize(("option", "message"), [
    ("going_dark", "is not FAMILY=STRENGTH"),
    ("going_dark=lots", "is not FAMILY=STRENGTH"),
    ("going_quiet=1", "unknown family 'going_quiet'"),
    ("going_dark=-1", "must be a finite number >= 0"),
])
def test_cli_refuses_a_bad_plant_in_one_line(tmp_path, capsys, option, message):
    with pytest.raises(SystemExit) as exit_info:
        main(["sample", "--out", str(tmp_path), "--n", "5", "--plant", option])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
