from __future__ import annotations

import numpy as np
import pytest

from knowledge.calibrate import choose_threshold
from knowledge.confidence import Calibration, features, fit_logistic
from knowledge.retriever import CALIBRATION, DEFAULT_THRESHOLD


def test_features_are_top_cosine_its_lead_and_log_bm25() -> None:
    top, lead, sparse = features([0.92, 0.88, 0.90], top_sparse=np.e - 1)
    assert (top, round(lead, 6), round(sparse, 6)) == (0.92, 0.02, 1.0)
    assert features([], 3.0) == (0.0, 0.0, 0.0)


def test_logistic_fit_separates_and_keeps_raw_scale_weights() -> None:
    rng = np.random.default_rng(0)
    right = np.column_stack(
        [rng.normal(0.92, 0.01, 60), rng.normal(0.03, 0.01, 60), rng.normal(2.0, 0.3, 60)]
    )
    wrong = np.column_stack([rng.normal(0.86, 0.01, 60), rng.normal(0.0, 0.01, 60), rng.normal(1.0, 0.3, 60)])
    model = fit_logistic(np.vstack([right, wrong]), np.array([1] * 60 + [0] * 60))
    assert model.probability((0.93, 0.03, 2.0)) > 0.9
    assert model.probability((0.85, 0.0, 1.0)) < 0.1


def test_probability_saturates_without_overflow() -> None:
    model = Calibration(intercept=-1e4, weights=(1.0,))
    assert model.probability((0.0,)) == 0.0
    assert Calibration(intercept=1e4, weights=(1.0,)).probability((0.0,)) == 1.0


def test_threshold_is_the_lowest_that_keeps_wrong_confident_answers_within_one_percent() -> None:
    # 100 questions: 1 wrong answer at 0.5 is allowed (1%), a second (out of scope at 0.42) is not.
    p_in = np.array([0.9] * 97 + [0.5])
    correct = np.array([1] * 97 + [0])
    p_out = np.array([0.1, 0.42])
    assert choose_threshold(p_in, p_out, correct) == 0.43


@pytest.mark.parametrize(("top", "lead", "expect_answerable"), [(0.93, 0.03, True), (0.86, 0.0, False)])
def test_shipped_calibration_orders_clear_and_vague_matches(
    top: float, lead: float, expect_answerable: bool
) -> None:
    confidence = CALIBRATION.probability(features([top, top - lead], top_sparse=5.0))
    assert (confidence >= DEFAULT_THRESHOLD) is expect_answerable
