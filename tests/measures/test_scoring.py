"""Known answers for every shipped instrument, computed by hand from the published scoring.

Answers are 0-based option indices in the official option order. Each expected total is worked
out in the comment from the published item scores, never from the implementation.
"""

from pathlib import Path

import pytest

from waypoint.measures import instruments
from waypoint.measures.scoring import ScoringError, ThresholdsRequired, parse_answers, score

DATA = Path(__file__).parent / "data"


def run(instrument_id, answers, thresholds=None):
    return score(instruments.get(instrument_id), answers, thresholds=thresholds)


# PHQ-9 (Kroenke 2001): items 0-3; 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately
# severe, 20-27 severe. The tenth (difficulty) item is optional and unscored.
@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "Minimal"),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "Minimal"),  # 1+1+1+1
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "Mild"),
        ([3, 3, 3, 0, 0, 0, 0, 0, 0], 9, "Mild"),  # 3+3+3
        ([3, 3, 3, 1, 0, 0, 0, 0, 0], 10, "Moderate"),
        ([2, 2, 2, 2, 2, 2, 2, 0, 0], 14, "Moderate"),  # 7 x 2
        ([3, 3, 3, 3, 3, 0, 0, 0, 0], 15, "Moderately severe"),
        ([3, 3, 3, 3, 3, 2, 2, 0, 0], 19, "Moderately severe"),  # 15+2+2
        ([3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "Severe"),  # 18+2
        ([3, 3, 3, 3, 3, 3, 3, 3, 3], 27, "Severe"),
    ],
)
def test_phq9_totals_and_bands(answers, total, band):
    result = run("phq-9", answers)
    assert (result.total, result.band.label) == (total, band)


def test_phq9_difficulty_item_is_optional_and_unscored():
    base = [1, 1, 1, 1, 1, 0, 0, 0, 0]
    assert run("phq-9", base).total == 5
    assert run("phq-9", [*base, 3]).total == 5  # "Extremely difficult" adds nothing
    assert run("phq-9", [*base, None]).total == 5


def test_phq9_item9_any_answer_above_zero_flags_whatever_the_total():
    result = run("phq-9", [0, 0, 0, 0, 0, 0, 0, 0, 1])  # "Several days" on item 9 only
    assert result.total == 1
    assert result.band.label == "Minimal"
    assert result.flag_ids == ["phq9_item9"]
    assert result.key_items == {"item9": 1}
    assert result.crisis_lines
    assert run("phq-9", [3, 3, 3, 3, 3, 3, 3, 3, 0]).flag_ids == []
    assert run("phq-9", [3, 3, 3, 3, 3, 3, 3, 3, 0]).key_items == {"item9": 0}


@pytest.mark.parametrize("instrument_id", ["phq-9", "gad-7"])
def test_frequency_labels_match_loinc_ll358_3(instrument_id):
    instrument = instruments.get(instrument_id)
    labels = [o.label for o in instrument.items[0].options]
    assert labels == ["Not at all", "Several days", "More than half the days", "Nearly every day"]
    assert [o.loinc for o in instrument.items[0].options] == [
        "LA6568-5",
        "LA6569-3",
        "LA6570-1",
        "LA6571-9",
    ]


# GAD-7 (Spitzer 2006): items 0-3; 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe.
@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ([0, 0, 0, 0, 0, 0, 0], 0, "Minimal"),
        ([1, 1, 1, 1, 0, 0, 0], 4, "Minimal"),
        ([1, 1, 1, 1, 1, 0, 0], 5, "Mild"),
        ([3, 3, 3, 0, 0, 0, 0], 9, "Mild"),
        ([2, 2, 2, 2, 2, 0, 0], 10, "Moderate"),
        ([2, 2, 2, 2, 2, 2, 2], 14, "Moderate"),
        ([3, 3, 3, 3, 3, 0, 0], 15, "Severe"),
        ([3, 3, 3, 3, 3, 3, 3], 21, "Severe"),
    ],
)
def test_gad7_totals_and_bands(answers, total, band):
    result = run("gad-7", answers)
    assert (result.total, result.band.label) == (total, band)


# AUDIT (WHO 2001): items 1-8 score 0-4, items 9-10 score 0, 2, 4.
# Zone I 0-7 low risk, Zone II 8-15 hazardous, Zone III 16-19 harmful, Zone IV 20-40 possible
# dependence (WHO manual Table 4).
@pytest.mark.parametrize(
    ("answers", "total", "zone"),
    [
        ([0] * 10, 0, "Zone I: low risk"),
        ([4, 3, 0, 0, 0, 0, 0, 0, 0, 0], 7, "Zone I: low risk"),  # 4+3
        (
            [0, 0, 0, 0, 0, 0, 0, 0, 2, 2],
            8,
            "Zone II: hazardous (risky) drinking",
        ),  # items 9, 10 "during the last year" = 4+4
        (
            [4, 4, 4, 0, 0, 0, 0, 0, 1, 0],
            14,
            "Zone II: hazardous (risky) drinking",
        ),  # 12 + 2 ("not in the last year")
        ([4, 4, 4, 1, 0, 0, 1, 1, 0, 0], 15, "Zone II: hazardous (risky) drinking"),  # 12+1+1+1
        ([4, 4, 4, 1, 0, 0, 1, 1, 0, 1], 17, "Zone III: harmful drinking"),  # 15 + 2
        ([4, 4, 4, 1, 0, 0, 3, 1, 0, 1], 19, "Zone III: harmful drinking"),  # 12+1+3+1+2
        ([4, 4, 4, 1, 1, 0, 3, 1, 0, 1], 20, "Zone IV: possible dependence"),
        ([4, 4, 4, 4, 4, 4, 4, 4, 2, 2], 40, "Zone IV: possible dependence"),
    ],
)
def test_audit_totals_and_zones(answers, total, zone):
    result = run("audit", answers)
    assert (result.total, result.band.label) == (total, zone)


def test_audit_items_9_and_10_score_0_2_4():
    audit = instruments.get("audit")
    for item in audit.items[8:]:
        assert [o.score for o in item.options] == [0, 2, 4]
    assert run("audit", [0] * 8 + [1, 0]).total == 2
    assert run("audit", [0] * 8 + [0, 2]).total == 4


@pytest.mark.parametrize(
    ("answers", "flagged"),
    [
        ([2, 1, 1, 0, 0, 0, 0, 0, 0, 0], False),  # total 4, no dependence or harm items
        ([2, 1, 1, 2, 0, 0, 0, 0, 0, 0], True),  # item 4 "Monthly" = 2
        ([2, 1, 1, 0, 0, 2, 0, 0, 0, 0], True),  # item 6 "Monthly" = 2
        ([2, 1, 1, 1, 1, 1, 0, 0, 0, 0], False),  # items 4-6 score 1 each: below 2
        ([2, 1, 1, 0, 0, 0, 0, 0, 2, 0], True),  # item 9 = 4
        ([2, 1, 1, 0, 0, 0, 0, 0, 1, 0], False),  # item 9 = 2 only
        ([4, 4, 4, 4, 4, 0, 0, 0, 0, 0], False),  # total 20: already Zone IV, no higher zone
    ],
)
def test_audit_who_move_up_a_zone_flag_keeps_the_numeric_zone(answers, flagged):
    result = run("audit", answers)
    assert ("audit_next_zone" in result.flag_ids) is flagged
    if flagged:
        assert result.band.key in {"zone-1", "zone-2", "zone-3"}


# AUDIT-C (Bradley 2007): 0-12; positive at >= 3 (female thresholds) or >= 4 (male thresholds).
@pytest.mark.parametrize(
    ("answers", "thresholds", "total", "band"),
    [
        ([1, 0, 1], "female", 2, "Below cut-off"),
        ([1, 1, 1], "female", 3, "Positive screen"),
        ([1, 1, 1], "male", 3, "Below cut-off"),
        ([2, 1, 1], "male", 4, "Positive screen"),
        ([4, 4, 4], "male", 12, "Positive screen"),
        ([0, 0, 0], "female", 0, "Below cut-off"),
    ],
)
def test_audit_c_cut_offs_follow_thresholds(answers, thresholds, total, band):
    result = run("audit-c", answers, thresholds)
    assert (result.total, result.band.label, result.thresholds) == (total, band, thresholds)


def test_audit_c_needs_thresholds_and_records_the_item3_wording():
    with pytest.raises(ThresholdsRequired):
        run("audit-c", [1, 1, 1])
    audit_c = instruments.get("audit-c")
    assert "six or more" in audit_c.items[2].text
    assert "six or more" in audit_c.wording_note and audit_c.version == "who-2001"


# DAST-10 (Skinner 1982): yes = 1, except item 3 where no = 1. Options are Yes (0), No (1).
# 0 none, 1-2 low, 3-5 moderate, 6-8 substantial, 9-10 severe.
@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ([1, 1, 0, 1, 1, 1, 1, 1, 1, 1], 0, "No problems reported"),  # "Yes" to item 3 only
        ([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 1, "Low level"),  # all "No": item 3 scores 1
        ([0, 1, 1, 1, 1, 1, 1, 1, 1, 1], 2, "Low level"),
        ([0, 0, 1, 1, 1, 1, 1, 1, 1, 1], 3, "Moderate level"),
        ([0, 0, 0, 0, 0, 0, 1, 1, 1, 1], 5, "Moderate level"),  # items 1,2,4,5,6
        ([0, 0, 1, 0, 0, 0, 1, 1, 1, 1], 6, "Substantial level"),  # 5 yes + item 3 no
        ([0, 0, 1, 0, 0, 0, 0, 0, 1, 1], 8, "Substantial level"),
        ([0, 0, 1, 0, 0, 0, 0, 0, 0, 1], 9, "Severe level"),
        ([0, 0, 1, 0, 0, 0, 0, 0, 0, 0], 10, "Severe level"),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 9, "Severe level"),  # all "Yes": item 3 scores 0
    ],
)
def test_dast10_reverse_scored_item3_and_bands(answers, total, band):
    result = run("dast-10", answers)
    assert (result.total, result.band.label) == (total, band)


def test_dast10_item3_options_are_mirrored():
    item3 = instruments.get("dast-10").items[2]
    assert item3.reverse_scored
    assert [(o.label, o.score) for o in item3.options] == [("Yes", 0), ("No", 1)]


# CUDIT-R (Adamson 2010): items 1-7 score 0-4, item 8 scores 0, 2, 4; >= 8 hazardous use,
# >= 12 possible cannabis use disorder.
@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ([0] * 8, 0, "Below hazardous-use cut-off"),
        ([4, 3, 0, 0, 0, 0, 0, 0], 7, "Below hazardous-use cut-off"),
        ([4, 2, 0, 0, 0, 0, 0, 1], 8, "Hazardous use"),  # 4+2+2 (item 8 "not in 6 months")
        ([4, 3, 0, 0, 0, 0, 0, 2], 11, "Hazardous use"),  # 4+3+4
        ([4, 3, 1, 0, 0, 0, 0, 2], 12, "Possible cannabis use disorder"),
        ([4, 4, 4, 4, 4, 4, 4, 2], 32, "Possible cannabis use disorder"),
    ],
)
def test_cudit_r_totals_and_bands(answers, total, band):
    result = run("cudit-r", answers)
    assert (result.total, result.band.label) == (total, band)


def test_cudit_r_item8_scores_0_2_4():
    assert [o.score for o in instruments.get("cudit-r").items[7].options] == [0, 2, 4]


# SOCRATES 8A (Miller & Tonigan 1996): items 1-5; Recognition 1,3,7,10,12,15,17;
# Ambivalence 2,6,11,16; Taking Steps 4,5,8,9,13,14,18,19. No total, no stage.
def test_socrates_subscales():
    answers = [0] * 19  # every item "No! Strongly disagree" = 1
    result = run("socrates-8a", answers)
    assert result.subscales == {"recognition": 7, "ambivalence": 4, "taking_steps": 8}
    assert result.total is None and result.band is None
    # Agree (4) on the Recognition items, undecided (3) on Ambivalence, strongly agree (5) on
    # Taking Steps: 7x4=28, 4x3=12, 8x5=40.
    answers = [None] * 19
    for number in (1, 3, 7, 10, 12, 15, 17):
        answers[number - 1] = 3
    for number in (2, 6, 11, 16):
        answers[number - 1] = 2
    for number in (4, 5, 8, 9, 13, 14, 18, 19):
        answers[number - 1] = 4
    result = run("socrates-8a", answers)
    assert result.subscales == {"recognition": 28, "ambivalence": 12, "taking_steps": 40}
    socrates = instruments.get("socrates-8a")
    norms = {s.key: s.norm_for(result.subscales[s.key]) for s in socrates.subscales}
    # Profile sheet deciles: Recognition 27-28 = 20th, Ambivalence 12-13 = 30th (low),
    # Taking Steps 39-40 = 90th (very high).
    assert norms == {
        "recognition": "20th decile",
        "ambivalence": "30th decile (low)",
        "taking_steps": "90th decile (very high)",
    }


def test_readiness_ruler_three_rulers_0_to_10():
    result = run("readiness-ruler", [8, 3, 10])
    assert result.subscales == {"importance": 8, "confidence": 3, "readiness": 10}
    assert result.total is None
    with pytest.raises(ScoringError, match="numbered 0-10"):
        run("readiness-ruler", [11, 0, 0])


@pytest.mark.parametrize(
    ("instrument_id", "answers", "message"),
    [
        ("gad-7", [0, 0], "expects 7 to 8 answers"),
        ("audit", [0] * 11, "expects 10 answers"),
        ("phq-9", [0, 0, 0, 0, 4, 0, 0, 0, 0], "answer 5 (q5) is 4"),
        ("gad-7", [0, 0, -1, 0, 0, 0, 0], "answer 3 (q3) is -1"),
        ("phq-9", [0, 0, None, 0, 0, 0, 0, 0, 0], "item(s) 3 not answered"),
        ("audit", [0, None, 0, 0, 0, 0, 0, None, 0, 0], "item(s) 2, 8 not answered"),
    ],
)
def test_bad_answers_are_refused(instrument_id, answers, message):
    with pytest.raises(ScoringError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(instrument_id, answers)


def test_parse_answers_reads_dash_as_missing_and_rejects_words():
    phq9 = instruments.get("phq-9")
    assert parse_answers(phq9, ["1", " 2", "-", ""]) == [1, 2, None, None]
    with pytest.raises(ScoringError, match="'two'"):
        parse_answers(phq9, ["1", "two"])


def test_no_shipped_instrument_prorates():
    assert all(i.missing.rule == "refuse" for i in instruments.all_instruments())


def test_prorating_when_the_instrument_file_allows_it():
    test_instrument = instruments.load_file(DATA / "prorate-test.json")
    # Answered 3 + 2 + 1 = 6 over 3 of 4 items: 6 x 4 / 3 = 8.
    result = score(test_instrument, [3, 2, None, 1])
    assert (result.total, result.prorated, result.band.label) == (8, True, "High")
    # 3 + 3 + 2 = 8: 8 x 4 / 3 = 10.67, rounded half up to 11.
    assert score(test_instrument, [3, 3, None, 2]).total == 11
    # 1 + 0 + 0 = 1: 1 x 4 / 3 = 1.33 -> 1.
    assert score(test_instrument, [None, 1, 0, 0]).total == 1
    assert score(test_instrument, [1, 1, 1, 1]).prorated is False
    with pytest.raises(ScoringError, match="at most 1 missing"):
        score(test_instrument, [None, None, 1, 1])


def test_audit_c_without_thresholds_scores_where_both_sets_agree():
    # Bradley 2007 cut-offs: >= 3 (female) and >= 4 (male) agree on every total except 3.
    for answers, total, band in (([2, 1, 1], 4, "positive"), ([1, 1, 0], 2, "below")):
        result = run("audit-c", answers)
        assert (result.total, result.band.key, result.thresholds) == (total, band, None)
        assert result.thresholds_agree and result.thresholds_used == "both"
    with pytest.raises(ThresholdsRequired, match="disagree for a total of 3"):
        run("audit-c", [1, 1, 1])
