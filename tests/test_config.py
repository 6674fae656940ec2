"""One n_jobs setting for the package: set, from the environment, or the capped cores."""

from __future__ import annotations

import os

import pytest

from engagement_analytics import get_n_jobs, set_n_jobs
from engagement_analytics._config import MAX_DEFAULT_JOBS, N_JOBS_VARIABLE


@pytest.fixture(autouse=True)
def _default_afterwards():
    yield
    set_n_jobs(None)


def test_default_is_the_cores_capped(monkeypatch):
    monkeypatch.delenv(N_JOBS_VARIABLE, raising=False)
    assert get_n_jobs() == max(1, min(os.cpu_count() or 1, MAX_DEFAULT_JOBS))
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert get_n_jobs() == MAX_DEFAULT_JOBS


def test_environment_then_explicit_setting_win(monkeypatch):
    monkeypatch.setenv(N_JOBS_VARIABLE, "3")
    assert get_n_jobs() == 3
    set_n_jobs(1)
    assert get_n_jobs() == 1


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_bad_values_are_refused(bad):
    with pytest.raises(ValueError, match="n_jobs"):
        set_n_jobs(bad)


def test_bad_environment_value_is_named(monkeypatch):
    monkeypatch.setenv(N_JOBS_VARIABLE, "many")
    with pytest.raises(ValueError, match=N_JOBS_VARIABLE):
        get_n_jobs()


def test_signals_are_the_same_on_one_thread(tiny_bundle):
    from engagement_analytics import signals

    set_n_jobs(1)
    one = signals.compute(tiny_bundle, at_fraction=0.5)
    set_n_jobs(2)
    two = signals.compute(tiny_bundle, at_fraction=0.5)
    assert one.equals(two)


@pytest.fixture(scope="module")
def tiny_bundle(tmp_path_factory):
    from engagement_analytics import load_bundle
    from engagement_analytics.sample import generate

    folder = tmp_path_factory.mktemp("tiny")
    generate(n_engagements=40, seed=3).write(folder)
    return load_bundle(folder)
