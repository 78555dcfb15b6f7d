"""The instrument library: every shipped file loads, and the validator refuses broken files."""

import copy
import json
from pathlib import Path

import pytest

from waypoint.measures import instruments
from waypoint.measures.instruments import InstrumentFileError, loinc_check_digit_ok

SHIPPED = {
    "audit",
    "audit-c",
    "cudit-r",
    "dast-10",
    "gad-7",
    "phq-9",
    "readiness-ruler",
    "socrates-8a",
}


def test_every_required_instrument_ships_with_source_and_licence():
    loaded = instruments.registry()
    assert set(loaded) >= SHIPPED
    for instrument in loaded.values():
        assert instrument.citation and instrument.licence and instrument.version


@pytest.mark.parametrize(
    ("instrument_id", "panel", "total"),
    [
        ("audit", "72110-0", "75624-7"),
        ("audit-c", "72109-2", "75626-2"),
        ("dast-10", "82666-9", "82667-7"),
        ("phq-9", "44249-1", "44261-6"),
        ("gad-7", "69737-5", "70274-6"),
    ],
)
def test_loinc_codes_from_domain_reference(instrument_id, panel, total):
    instrument = instruments.get(instrument_id)
    assert (instrument.loinc_panel, instrument.loinc_total) == (panel, total)
    assert loinc_check_digit_ok(panel) and loinc_check_digit_ok(total)


def test_phq9_item9_loinc():
    phq9 = instruments.get("phq-9")
    assert phq9.items[phq9.item_index("q9")].loinc == "44260-8"


def test_loinc_check_digit():
    assert loinc_check_digit_ok("44261-6")
    assert not loinc_check_digit_ok("44261-5")
    assert not loinc_check_digit_ok("LA6568-5")


def test_lookup_forgives_case_and_punctuation():
    assert instruments.get("PHQ9").id == "phq-9"
    assert instruments.get("Audit-C").id == "audit-c"
    with pytest.raises(instruments.UnknownInstrument, match="known: audit"):
        instruments.get("beck")


def test_adding_an_instrument_is_a_data_file(tmp_path):
    source = Path(__file__).parent / "data" / "prorate-test.json"
    (tmp_path / "prorate-test.json").write_text(source.read_text())
    loaded = instruments.load_directory(tmp_path)
    assert list(loaded) == ["prorate-test"]


def _phq9_data():
    return json.loads(Path(instruments.get("phq-9").path).read_text())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["bands"].__setitem__(1, {**d["bands"][1], "min": 6}),
            "starts at 6, expected 5",
        ),
        (lambda d: d["bands"].pop(), "bands end at 19"),
        (lambda d: d["scoring"].__setitem__("range", [0, 30]), "does not match"),
        (
            lambda d: d["safety_items"][0].__setitem__("item", "q99"),
            "'q99' is not a scored item",
        ),
        (
            lambda d: d["safety_items"][0].__setitem__("item", "difficulty"),
            "'difficulty' is not a scored item",
        ),
        (lambda d: d["safety_items"][0].__setitem__("min_score", 0), "min_score must be"),
        (lambda d: d["safety_items"][0].__setitem__("min_score", 4), "min_score must be"),
        (lambda d: d["safety_items"][0].pop("alert"), "needs an alert"),
        (lambda d: d["safety_items"][0]["alert"].pop("title"), "missing 'title'"),
        (lambda d: d["safety_items"][0].pop("source"), "missing 'source'"),
        (
            lambda d: d["flags"].append(
                {**d["safety_items"][0], "when": {"item": "q9", "min_score": 1}}
            ),
            "already used by a flag",
        ),
        (
            lambda d: d["flags"].append({"id": "f", "label": "f", "when": {"item": "q99"}}),
            "unknown item 'q99'",
        ),
        (lambda d: d["reliable_change"].pop("sample"), "missing 'sample'"),
        (
            lambda d: d.__setitem__("reliable_change_unavailable", "none verified"),
            "not both",
        ),
        (lambda d: d["loinc"].__setitem__("total", "44261-5"), "valid check digit"),
        (lambda d: d["items"][0].__setitem__("options", "nope"), "unknown response set"),
        (lambda d: d["items"].append(dict(d["items"][0])), "repeated"),
        (lambda d: d.__setitem__("id", "PHQ 9"), "lowercase"),
        (lambda d: d.pop("licence"), "missing 'licence'"),
        (
            lambda d: d["scoring"].__setitem__("missing", {"rule": "prorate", "max_missing": 1}),
            "must cite",
        ),
        (lambda d: d["reliable_change"].__setitem__("reliability", 1.2), "between 0 and 1"),
        (
            lambda d: d["response_sets"]["frequency"][0].__setitem__("score", "0"),
            "whole number",
        ),
    ],
)
def test_validator_refuses_broken_files(tmp_path, change, message):
    data = copy.deepcopy(_phq9_data())
    change(data)
    path = tmp_path / "phq-9.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InstrumentFileError, match=message):
        instruments.load_file(path)


def test_file_name_must_match_id(tmp_path):
    path = tmp_path / "depression.json"
    path.write_text(json.dumps(_phq9_data()))
    with pytest.raises(InstrumentFileError, match="file name must be phq-9.json"):
        instruments.load_file(path)


def test_invalid_json_is_reported(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(InstrumentFileError, match="broken.json: not valid JSON"):
        instruments.load_file(path)


def test_phq9_item9_is_a_safety_item_declared_in_the_data_file():
    # Domain rule (PHQ-9 instruction manual): any answer above 0 on item 9 raises an alert and
    # shows crisis lines, whatever the total. It is declared as data, not code.
    data = _phq9_data()
    assert data["flags"] == []
    (declared,) = data["safety_items"]
    assert (declared["item"], declared["min_score"]) == ("q9", 1)
    assert declared["alert"] == {
        "kind": "phq9_item9",
        "severity": "urgent",
        "title": "PHQ-9 item 9 above 0: check in about safety",
    }
    (safety,) = instruments.get("phq-9").safety_items
    assert (safety.id, safety.conditions, safety.crisis_lines) == ("phq9_item9", (("q9", 1),), True)
    assert all(not i.safety_items for i in instruments.all_instruments() if i.id != "phq-9")


def test_audit_zone_labels_and_responses_follow_who_table_4():
    # WHO AUDIT manual 2001 (WHO/MSD/MSB/01.6a), Table 4: Zone I (0-7) low risk, alcohol
    # education; Zone II (8-15) hazardous drinking, simple advice; Zone III (16-19) harmful
    # drinking, simple advice plus brief counselling and continued monitoring; Zone IV (20-40)
    # possible dependence, referral to specialist for diagnostic evaluation and treatment.
    bands = instruments.get("audit").bands[None]
    assert [(b.min, b.max, b.label) for b in bands] == [
        (0, 7, "Zone I: low risk"),
        (8, 15, "Zone II: hazardous (risky) drinking"),
        (16, 19, "Zone III: harmful drinking"),
        (20, 40, "Zone IV: possible dependence"),
    ]
    responses = [b.response for b in bands]
    assert responses[0].startswith("WHO suggests alcohol education")
    assert responses[1].startswith("WHO suggests simple advice:")
    assert responses[2].startswith(
        "WHO suggests simple advice plus brief counselling and continued monitoring"
    )
    assert responses[3].startswith(
        "WHO suggests referral to a specialist for diagnostic evaluation and treatment"
    )
    # Offered, chosen by the person; not an abstinence default.
    assert "offer" in responses[1] and "choosing the goal" in responses[1]
    assert "not only stopping" in responses[2]
    assert "The person decides" in responses[3]
    assert "Table 4" in instruments.get("audit").bands_source


def test_dast10_is_labelled_an_adaptation_with_the_original_wording():
    # CAMH DAST-10 item 2 reads "Do you abuse more than one drug at a time?"; ours says "use".
    dast = instruments.get("dast-10")
    assert dast.adaptation is not None
    assert "adaptation" in dast.adaptation.label.lower()
    assert "Skinner" in dast.adaptation.original and "Skinner" in dast.adaptation.source
    (change,) = dast.adaptation.changes
    assert change.item == "q2"
    assert change.original == "Do you abuse more than one drug at a time?"
    assert change.adapted == dast.items[dast.item_index("q2")].text
    assert dast.as_json()["adaptation"]["changes"][0]["original"] == change.original


def test_adaptation_must_quote_the_shipped_wording(tmp_path):
    data = json.loads(Path(instruments.get("dast-10").path).read_text())
    data["adaptation"]["changes"][0]["adapted"] = "Do you take more than one drug at a time?"
    path = tmp_path / "dast-10.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InstrumentFileError, match="the item's text as shipped"):
        instruments.load_file(path)


def test_cudit_r_cites_the_scoring_sheet_cut_off_and_the_validation_cut_off():
    cudit = instruments.get("cudit-r")
    assert cudit.bands[None][-1].min == 12  # scoring sheet: 12 or more
    assert "12" in cudit.bands_source and "13" in cudit.bands_source
    assert "not 13" in cudit.bands_source


def test_instruments_without_verified_norms_say_why():
    for instrument_id in ("audit", "audit-c", "dast-10", "cudit-r"):
        instrument = instruments.get(instrument_id)
        assert instrument.reliable_change is None
        assert instrument.reliable_change_unavailable.startswith(
            "No treatment-seeking intake SD paired with a reliability"
        )
