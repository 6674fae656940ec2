"""Pieces of the joint model: AUC, its interval, the calibration table."""

from __future__ import annotations

import numpy as np
import pytest

from engagement_analytics.drivers._model import _auc_interval, auc, calibration_table


def test_auc_counts_pairs_with_ties_as_half():
    # Events score 0.9, 0.4; non-events 0.4, 0.1, 0.2. Pairs (event, non-event):
    # 0.9 beats all 3; 0.4 ties 0.4 (1/2) and beats 0.1, 0.2 -> (3 + 2.5) / 6.
    y = np.array([1, 0, 1, 0, 0])
    p = np.array([0.9, 0.4, 0.4, 0.1, 0.2])
    assert auc(y, p) == pytest.approx(5.5 / 6)


def test_auc_interval_is_the_corrected_resampled_t_interval():
    folds = np.array([0.70, 0.80, 0.75, 0.65, 0.85])
    # mean 0.75; sample variance 0.00625; (1/5 + 1/4) * 0.00625 = 0.0028125;
    # sqrt = 0.053033; t(0.975, 4) = 2.776445 -> half width 0.147244.
    mean, low, high = _auc_interval(folds, 1 / 4)
    assert mean == pytest.approx(0.75)
    assert low == pytest.approx(0.75 - 0.147244, abs=1e-5)
    assert high == pytest.approx(0.75 + 0.147244, abs=1e-5)


def test_auc_interval_is_clipped_to_one():
    _, _, high = _auc_interval(np.array([0.99, 0.80, 1.0]), 1 / 4)
    assert high == 1.0


def test_calibration_table_bins_equal_counts():
    predicted = np.linspace(0.01, 0.99, 100)
    y = np.array([0] * 70 + [1] * 30)
    table = calibration_table(predicted, y)
    assert list(table["n"]) == [20] * 5
    assert list(table["observed_rate"]) == [0, 0, 0, 0.5, 1.0]
    assert table["mean_predicted"].iloc[0] == pytest.approx(predicted[:20].mean())


def test_calibration_table_uses_fewer_bins_for_few_engagements():
    table = calibration_table(np.linspace(0, 1, 45), np.array([0, 1] * 22 + [1]))
    assert list(table["n"]) == [23, 22]  # 45 // 20 = 2 bins
