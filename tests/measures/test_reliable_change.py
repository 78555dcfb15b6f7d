"""Jacobson & Truax (1991) reliable change, checked against hand-worked examples."""

import math

import pytest

from waypoint.measures import instruments
from waypoint.measures import reliable_change as rc


def test_jacobson_truax_known_answers():
    # Jacobson & Truax 1991: SE = SD x sqrt(1 - r); S_diff = sqrt(2) x SE; RCI = change / S_diff.
    # SD 10, r 0.84: SE = 10 x 0.4 = 4; S_diff = 4 x 1.414214 = 5.656854; 20 -> 8: RCI -2.1213.
    assert rc.standard_error(10, 0.84) == pytest.approx(4.0)
    assert rc.s_diff(10, 0.84) == pytest.approx(5.656854, abs=1e-6)
    assert rc.rci(20, 8, sd=10, reliability=0.84) == pytest.approx(-2.121320, abs=1e-6)


def test_phq9_worked_example_on_clinical_norms():
    # PHQ-9 file: treatment-seeking intake SD 5.5 (NHS Talking Therapies, as reported), r 0.89
    # (Kroenke 2001). SE = 5.5 x sqrt(0.11) = 5.5 x 0.331662 = 1.824144;
    # S_diff = sqrt(2) x 1.824144 = 2.579729.
    params = instruments.get("phq-9").reliable_change
    assert (params.sd, params.reliability) == (5.5, 0.89)
    assert params.sample == "NHS Talking Therapies intake sample"
    assert "not verified in a primary source" in params.sd_source
    assert "Kroenke" in params.reliability_source and "0.89" in params.reliability_source
    assert rc.standard_error(5.5, 0.89) == pytest.approx(1.824144, abs=1e-6)
    assert rc.s_diff(5.5, 0.89) == pytest.approx(2.579729, abs=1e-6)
    # 18 -> 11: RCI = -7 / 2.579729 = -2.7135: a reliable decrease, and lower is better.
    change = rc.classify(18, 11, sd=5.5, reliability=0.89, direction="higher_is_worse")
    assert change.rci == pytest.approx(-2.7135, abs=1e-4)
    assert change.label == "Reliable improvement"
    # 12 -> 7: RCI = -5 / 2.579729 = -1.9382: within 1.96. (On the general-population SD of
    # 3.5 this 5-point drop was called reliable: RCI -3.05.)
    change = rc.classify(12, 7, sd=5.5, reliability=0.89)
    assert change.rci == pytest.approx(-1.9382, abs=1e-4)
    assert change.label == "No reliable change"
    # 12 -> 18: RCI = 6 / 2.579729 = 2.3258: reliable deterioration.
    change = rc.classify(12, 18, sd=5.5, reliability=0.89, direction="higher_is_worse")
    assert change.label == "Reliable deterioration"
    # 1.96 x 2.579729 = 5.0563, so 6 whole points: the NHS Talking Therapies threshold.
    assert rc.smallest_reliable_change(5.5, 0.89) == 6


def test_gad7_worked_example_on_clinical_norms():
    # GAD-7 file: intake SD 4.5 (NHS Talking Therapies, as reported), r 0.92 (Spitzer 2006).
    # S_diff = 4.5 x sqrt(2) x sqrt(0.08) = 4.5 x 0.4 = 1.8.
    params = instruments.get("gad-7").reliable_change
    assert (params.sd, params.reliability) == (4.5, 0.92)
    assert "Spitzer" in params.reliability_source and "0.92" in params.reliability_source
    assert rc.s_diff(4.5, 0.92) == pytest.approx(1.8, abs=1e-9)
    # 10 -> 6: RCI = -4 / 1.8 = -2.2222, reliable; 10 -> 7: -1.6667, not.
    assert rc.classify(10, 6, sd=4.5, reliability=0.92).rci == pytest.approx(-2.2222, abs=1e-4)
    assert rc.classify(10, 6, sd=4.5, reliability=0.92).outcome == rc.IMPROVEMENT
    assert rc.classify(10, 7, sd=4.5, reliability=0.92).outcome == rc.NO_CHANGE
    assert rc.classify_threshold(10, 7, threshold=4).outcome == rc.NO_CHANGE
    assert rc.classify_threshold(10, 6, threshold=4).outcome == rc.IMPROVEMENT
    assert rc.smallest_reliable_change(4.5, 0.92) == 4  # 1.96 x 1.8 = 3.528


def test_norms_from_the_file_name_the_sample():
    norms = rc.Norms.from_file(instruments.get("phq-9"))
    assert norms.description == "NHS Talking Therapies intake sample, SD 5.5, \u03b1 0.89"
    assert norms.smallest_reliable_change == 6 and not norms.organization
    assert rc.Norms.from_file(instruments.get("audit")) is None


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
