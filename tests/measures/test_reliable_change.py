"""Jacobson & Truax (1991) reliable change, checked against hand-worked examples."""

import math

import pytest

from waypoint.measures import instruments
from waypoint.measures import reliable_change as rc


def test_phq9_worked_example():
    # PHQ-9 file: SD 3.5 (Kocalevent 2013), r 0.89 (Kroenke 2001).
    # SE = 3.5 x sqrt(0.11) = 3.5 x 0.331662 = 1.160818
    # S_diff = sqrt(2) x 1.160818 = 1.641646
    params = instruments.get("phq-9").reliable_change
    assert (params.sd, params.reliability) == (3.5, 0.89)
    assert rc.standard_error(3.5, 0.89) == pytest.approx(1.160818, abs=1e-6)
    assert rc.s_diff(3.5, 0.89) == pytest.approx(1.641646, abs=1e-6)
    # 18 -> 11: RCI = -7 / 1.641646 = -4.2640: a reliable decrease, and lower is better.
    change = rc.classify(18, 11, sd=3.5, reliability=0.89, direction="higher_is_worse")
    assert change.rci == pytest.approx(-4.2640, abs=1e-4)
    assert change.label == "Reliable improvement"
    # 12 -> 9: RCI = -3 / 1.641646 = -1.8274: within 1.96.
    change = rc.classify(12, 9, sd=3.5, reliability=0.89)
    assert change.rci == pytest.approx(-1.8274, abs=1e-4)
    assert change.label == "No reliable change"
    # 12 -> 16: RCI = 4 / 1.641646 = 2.4366: reliable deterioration.
    change = rc.classify(12, 16, sd=3.5, reliability=0.89, direction="higher_is_worse")
    assert change.rci == pytest.approx(2.4366, abs=1e-4)
    assert change.label == "Reliable deterioration"
    # 1.96 x 1.641646 = 3.2176, so 4 whole points is the smallest reliable change.
    assert rc.smallest_reliable_change(3.5, 0.89) == 4


def test_gad7_worked_example_and_the_nhs_view_can_differ():
    # GAD-7 file: SD 3.4, r 0.92. S_diff = 3.4 x sqrt(2) x sqrt(0.08) = 3.4 x 0.4 = 1.36.
    assert rc.s_diff(3.4, 0.92) == pytest.approx(1.36, abs=1e-9)
    # 10 -> 7: RCI = -3 / 1.36 = -2.2059: reliable improvement by Jacobson-Truax,
    # but a 3-point drop is below the NHS Talking Therapies threshold of 4.
    change = rc.classify(10, 7, sd=3.4, reliability=0.92)
    assert change.rci == pytest.approx(-2.2059, abs=1e-4)
    assert change.outcome == rc.IMPROVEMENT
    assert rc.classify_threshold(10, 7, threshold=4).outcome == rc.NO_CHANGE
    assert rc.classify_threshold(10, 6, threshold=4).outcome == rc.IMPROVEMENT
    assert rc.smallest_reliable_change(3.4, 0.92) == 3  # 1.96 x 1.36 = 2.6656


def test_nhs_talking_therapies_thresholds_from_the_files():
    assert instruments.get("phq-9").threshold_change.reliable_change == 6
    assert instruments.get("gad-7").threshold_change.reliable_change == 4
    assert rc.classify_threshold(18, 12, threshold=6).label == "Reliable improvement"
    assert rc.classify_threshold(18, 13, threshold=6).label == "No reliable change"
    assert rc.classify_threshold(8, 14, threshold=6).label == "Reliable deterioration"


def test_direction_higher_is_better_flips_the_label():
    change = rc.classify(3, 9, sd=2.0, reliability=0.8, direction="higher_is_better")
    # S_diff = 2 x sqrt(2) x sqrt(0.2) = 1.2649; RCI = 6 / 1.2649 = 4.743
    assert change.rci == pytest.approx(6 / (2 * math.sqrt(2) * math.sqrt(0.2)))
    assert change.label == "Reliable improvement"
