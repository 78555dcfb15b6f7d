"""The substance catalogue and combination table (issue #11): every alias resolves to one entry,
the table is symmetric, every pair has a plain reason and a source, and unknowns never guess."""

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from waypoint.goals.models import Substance
from waypoint.substances import catalogue

STREET_NAMES = {
    "xanax": "benzodiazepines",
    "bars": "benzodiazepines",
    "fentanyl": "opioids",
    "oxy": "opioids",
    "molly": "mdma",
    "ecstasy": "mdma",
    "crack": "cocaine",
    "meth": "methamphetamine",
    "weed": "cannabis",
    "suboxone": "buprenorphine",
    "Prozac": "ssri",
    "lyrica": "gabapentinoids",
    "tranq": "xylazine",
    "G": "ghb",
    "special K": "ketamine",
}


@pytest.mark.parametrize(("name", "entry"), STREET_NAMES.items())
def test_street_and_brand_names_resolve(name, entry):
    assert catalogue.resolve(name).id == entry


def test_every_alias_resolves_to_exactly_one_entry():
    seen = {}
    for substance in catalogue.substances().values():
        for alias in substance.aliases:
            assert alias == alias.lower().strip(), alias
            assert alias not in seen, f"{alias!r} is in {seen.get(alias)} and {substance.id}"
            seen[alias] = substance.id
            assert catalogue.resolve(alias).id == substance.id


def test_every_entry_has_a_source_and_a_summary():
    for substance in catalogue.substances().values():
        assert substance.sources and all(s.url.startswith("https://") for s in substance.sources)
        assert substance.summary


def test_every_diary_substance_has_a_catalogue_entry():
    for code in Substance.values:
        if code != "other":
            assert catalogue.for_diary_substance(code), code


def test_table_is_symmetric_sourced_and_uses_the_six_levels():
    pairs = catalogue.all_pairs()
    assert len(pairs) >= 30
    seen = set()
    for pair in pairs:
        key = frozenset((pair.a.id, pair.b.id))
        assert len(key) == 2, f"{pair.a.id} is paired with itself"
        assert key not in seen, f"{sorted(key)} is in the table twice"
        seen.add(key)
        assert pair.risk in catalogue.LEVELS
        assert len(pair.reason) > 20 and pair.reason.endswith("."), pair.reason
        assert pair.sources, f"{pair.a.id} + {pair.b.id} has no source"
        assert all(s.url.startswith("https://") and s.title for s in pair.sources)
        there = catalogue.combination(pair.a.id, pair.b.id)
        back = catalogue.combination(pair.b.id, pair.a.id)
        assert there.risk == back.risk and there.reason == back.reason
        assert (back.a.id, back.b.id) == (pair.b.id, pair.a.id)  # read back as asked


def test_the_well_documented_dangerous_pairs_are_there():
    """domain.md §5: the pairs every harm reduction worker knows."""
    for a, b in [
        ("heroin", "xanax"),
        ("fentanyl", "alcohol"),
        ("valium", "beer"),
        ("ghb", "alcohol"),
        ("oxycodone", "gabapentin"),
        ("phenelzine", "molly"),
        ("nardil", "prozac"),
        ("methadone", "klonopin"),
    ]:
        assert catalogue.combination(a, b).risk == "dangerous", (a, b)
    assert catalogue.combination("tramadol", "sertraline").risk == "unsafe"
    assert catalogue.combination("coke", "wine").risk == "unsafe"  # cocaethylene


def test_unknown_names_and_missing_pairs_never_guess():
    with pytest.raises(catalogue.UnknownSubstance):
        catalogue.resolve("blorp")
    with pytest.raises(catalogue.UnknownSubstance):
        catalogue.resolve("")
    assert catalogue.combination("weed", "kratom") is None
    assert "not the same as safe" in catalogue.NO_DATA


def _combo(*args):
    out = io.StringIO()
    call_command("combo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_cli_json_shape():
    result = json.loads(_combo("xanax", "fentanyl", "--json"))
    assert set(result) == {"a", "b", "risk", "reason", "sources"}
    assert result["risk"] == "dangerous"
    assert result["a"] == "Benzodiazepines" and result["b"].startswith("Opioids")
    assert result["sources"][0]["url"].startswith("https://www.fda.gov/")


def test_cli_text():
    out = _combo("molly", "nardil")
    assert out.startswith("MDMA + MAOI antidepressants: Dangerous")
    assert re.search(r"Source: .+ <https://", out)


def test_cli_refuses_unknown_and_no_data_with_a_reason():
    with pytest.raises(CommandError, match="not a substance Waypoint knows"):
        _combo("blorp", "weed")
    with pytest.raises(CommandError, match="not the same as safe"):
        _combo("weed", "kratom")


def test_console_script_exits_non_zero_for_unknown(tmp_path):
    from tests.cli import run_waypoint

    done = run_waypoint("combo", "blorp", "weed", var_dir=tmp_path)
    assert done.returncode != 0
    assert "not a substance Waypoint knows" in done.stderr
    ok = run_waypoint("combo", "xanax", "oxy", "--json", var_dir=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["risk"] == "dangerous"
