"""Alcohol unit conversions, one known answer per country (waypoint.lib.units; domain.md §4).

Grams = ml × ABV fraction × 0.789. Expected label values are those printed on the country's
own labels where such a label exists.
"""

import math

import pytest

from waypoint.lib import units


def test_grams_from_volume_us_beer_is_one_standard_drink():
    # 355 ml × 0.05 × 0.789 = 14.00475 g; 14.00475 / 14 = 1.0003 US drinks
    grams = units.grams_from_volume(355, 5)
    assert grams == pytest.approx(14.00475)
    assert round(grams, 1) == 14.0
    assert units.grams_to_standard_drinks(grams, "US") == pytest.approx(1.0003393, rel=1e-6)


@pytest.mark.parametrize(
    ("country", "volume_ml", "abv", "grams", "drinks"),
    [
        # US: 148 ml wine at 12 %: 148 × 0.12 × 0.789 = 14.01264 g; / 14 = 1.0009
        ("US", 148, 12, 14.01264, 1.000903),
        # Canada: 341 ml bottle at 5 %: 341 × 0.05 × 0.789 = 13.45245 g; / 13.45 = 1.00018
        ("CA", 341, 5, 13.45245, 1.000182),
        # Australia: 375 ml at 4.8 %: 375 × 0.048 × 0.789 = 14.202 g; / 10 = 1.42 (label "1.4")
        ("AU", 375, 4.8, 14.202, 1.4202),
        # New Zealand: 330 ml at 5 %: 330 × 0.05 × 0.789 = 13.0185 g; / 10 = 1.30 (label "1.3")
        ("NZ", 330, 5, 13.0185, 1.30185),
        # WHO: 250 ml at 5 %: 250 × 0.05 × 0.789 = 9.8625 g; / 10 = 0.98625
        ("WHO", 250, 5, 9.8625, 0.98625),
        # EU: 100 ml wine at 12.5 %: 100 × 0.125 × 0.789 = 9.8625 g; / 10 = 0.98625
        ("EU", 100, 12.5, 9.8625, 0.98625),
        # UK: 568 ml pint at 4 %: 568 × 4 / 1000 = 2.272 units (label "2.3"); grams
        # 568 × 0.04 × 0.789 = 17.92608; 17.92608 / 7.89 = 2.272 as well
        ("UK", 568, 4, 17.92608, 2.272),
    ],
)
def test_each_country_standard_drinks(country, volume_ml, abv, grams, drinks):
    assert units.grams_from_volume(volume_ml, abv) == pytest.approx(grams, rel=1e-9)
    assert units.standard_drinks_from_volume(volume_ml, abv, country) == pytest.approx(
        drinks, rel=1e-5
    )
    assert units.grams_to_standard_drinks(grams, country) == pytest.approx(drinks, rel=1e-5)


def test_uk_units_by_volume_match_uk_labels():
    # a pint of 4 % beer: 568 × 4 / 1000 = 2.272 → 2.27 units
    assert round(units.uk_units_from_volume(568, 4), 2) == 2.27
    # a 750 ml bottle of 13.5 % wine: 750 × 13.5 / 1000 = 10.125 units (label "10.1")
    assert units.uk_units_from_volume(750, 13.5) == pytest.approx(10.125)
    # a 25 ml single measure of 40 % spirits: 25 × 40 / 1000 = 1 unit
    assert units.uk_units_from_volume(25, 40) == pytest.approx(1.0)
    assert units.standard_drinks_from_volume(25, 40, "UK") == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("country", "grams_each"),
    [
        ("US", 14.0),
        ("CA", 13.45),
        ("AU", 10.0),
        ("NZ", 10.0),
        ("WHO", 10.0),
        ("EU", 10.0),
        ("UK", 7.89),  # 10 ml × 0.789 g/ml
    ],
)
def test_standard_drink_sizes_and_round_trip(country, grams_each):
    assert units.grams_per_standard_drink(country) == pytest.approx(grams_each)
    # 3 drinks → 3 × size grams → 3 drinks
    assert units.standard_drinks_to_grams(3, country) == pytest.approx(3 * grams_each)
    assert units.grams_to_standard_drinks(3 * grams_each, country) == pytest.approx(3)


def test_country_codes_are_case_insensitive_and_unknown_ones_refused():
    assert units.standard_drinks_to_grams(1, "uk") == pytest.approx(7.89)
    assert set(units.COUNTRIES) == {"US", "UK", "CA", "AU", "NZ", "WHO", "EU"}
    with pytest.raises(units.UnitError, match="unknown country"):
        units.grams_to_standard_drinks(14, "FR")


@pytest.mark.parametrize("abv", [-0.1, 100.1, 150, math.nan, math.inf, "strong"])
def test_abv_outside_0_to_100_refused(abv):
    with pytest.raises(units.UnitError):
        units.grams_from_volume(355, abv)


@pytest.mark.parametrize("abv", [0, 100])
def test_abv_limits_allowed(abv):
    # 0 % → 0 g; 100 ml of pure ethanol → 78.9 g
    assert units.grams_from_volume(100, abv) == pytest.approx(abv / 100 * 78.9)


@pytest.mark.parametrize("volume", [0, -355, 20_001, math.inf, math.nan])
def test_impossible_volume_refused(volume):
    with pytest.raises(units.UnitError):
        units.grams_from_volume(volume, 5)


@pytest.mark.parametrize(
    ("text", "ml"),
    [
        ("355ml", 355),
        ("355 ml", 355),
        ("355 ML", 355),
        ("33cl", 330),
        ("0.5l", 500),
        (".75 l", 750),
        ("1 litre", 1000),
        ("12oz", 12 * 29.5735),  # US fl oz = 354.882 ml
        ("12 fl oz", 354.882),
        ("12 fl. oz", 354.882),
        ("20 UK fl oz", 20 * 28.4131),  # = 568.262 ml, an imperial pint
        ("1 pint", 568.261),
        ("2 pints", 1136.522),
        ("1 US pint", 473.176),
        ("20 l", 20_000),
    ],
)
def test_parse_volume(text, ml):
    assert units.parse_volume(text) == pytest.approx(ml)


@pytest.mark.parametrize(
    "text", ["", "355", "ml", "-355ml", "0ml", "21l", "12 bottles", "1e3ml", "3 cups", None]
)
def test_parse_volume_refuses_anything_else(text):
    with pytest.raises(units.UnitError):
        units.parse_volume(text)


def test_beverage_presets_are_one_us_standard_drink():
    # NIAAA: 12 fl oz beer at 5 %, 5 fl oz wine at 12 %, 1.5 fl oz spirits at 40 % ≈ 14 g each
    for volume_ml, abv in units.BEVERAGE_PRESETS.values():
        drinks = units.grams_to_standard_drinks(units.grams_from_volume(volume_ml, abv), "US")
        assert drinks == pytest.approx(1.0, abs=0.02)
