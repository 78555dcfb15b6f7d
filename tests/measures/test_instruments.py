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
        (lambda d: d["flags"][0]["when"].__setitem__("item", "q99"), "unknown item 'q99'"),
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
