"""Alcohol units: grams of ethanol, beverage volumes and each country's standard drink.

Pure functions, no database. Grams of ethanol are what Waypoint stores; standard drinks are a
display conversion chosen by the organization (domain.md §4).

Sources
- Ethanol density 0.789 g/ml at 20 °C (CRC Handbook of Chemistry and Physics); grams of ethanol =
  volume (ml) × ABV (fraction) × 0.789, so 355 ml at 5 % = 14.0 g.
- US: 14 g ("0.6 fl oz of pure alcohol"), NIAAA, *What is a standard drink?*
  (niaaa.nih.gov/alcohols-effects-health/what-standard-drink).
- Canada: 13.45 g (17.05 ml of pure alcohol), Canadian Centre on Substance Use and Addiction,
  *Canada's Guidance on Alcohol and Health* (2023).
- Australia and New Zealand: 10 g of ethanol at 20 °C, Food Standards Australia New Zealand,
  Food Standards Code Standard 2.7.1 (labelling of alcoholic beverages) — one standard shared by
  both countries (NZ Health Promotion Agency uses the same 10 g).
- WHO: 10 g, the example standard drink in the AUDIT manual (Babor et al., WHO 2001) and the WHO
  *International Guide for Monitoring Alcohol Consumption and Related Harm* (2000).
- EU: there is no single legal EU standard drink; 10 g is the most common national definition in
  the EU (Joint Action RARHA, *Good practice principles for low-risk drinking guidelines*, 2016)
  and is used here as the "EU" choice.
- UK: one unit = 10 ml of pure ethanol (= 7.89 g at density 0.789), UK Chief Medical Officers'
  low-risk drinking guidelines (2016); units = ml × ABV % / 1000, which matches UK labels, so UK
  conversions go through volume: a 568 ml pint at 4 % = 2.27 units.
- US fluid ounce 29.5735 ml; imperial (UK) fluid ounce 28.4131 ml; imperial pint 568.261 ml;
  US pint 473.176 ml (NIST Handbook 44, Appendix C; UK Weights and Measures Act 1985).
"""

import math
import re

from django.utils.translation import gettext, gettext_noop

ETHANOL_DENSITY = 0.789  # g/ml at 20 °C

# Grams of ethanol in one standard drink. The UK is not here: its unit is defined by volume
# (10 ml of ethanol), see UK_UNIT_ETHANOL_ML and grams_per_standard_drink().
STANDARD_DRINK_GRAMS = {
    "US": 14.0,
    "CA": 13.45,
    "AU": 10.0,
    "NZ": 10.0,
    "WHO": 10.0,
    "EU": 10.0,
}
UK_UNIT_ETHANOL_ML = 10.0

COUNTRIES = {
    "US": gettext_noop("United States (standard drink 14 g)"),
    "UK": gettext_noop("United Kingdom (unit 10 ml of ethanol, 7.89 g)"),
    "CA": gettext_noop("Canada (standard drink 13.45 g)"),
    "AU": gettext_noop("Australia (standard drink 10 g)"),
    "NZ": gettext_noop("New Zealand (standard drink 10 g)"),
    "WHO": gettext_noop("WHO (standard drink 10 g)"),
    "EU": gettext_noop("European Union (standard drink 10 g)"),
}

MAX_VOLUME_ML = 20_000.0  # more than 20 litres of one beverage in one entry is a typing error

# Typical servings (volume ml, ABV %) that make one US standard drink, NIAAA "What is a standard
# drink?": 12 fl oz of regular beer at ~5 %, 5 fl oz of table wine at ~12 %, 1.5 fl oz of
# distilled spirits at 40 %. They are starting points for a diary entry, edited freely ("custom").
BEVERAGE_PRESETS = {
    "beer": (355.0, 5.0),
    "wine": (148.0, 12.0),
    "spirits": (44.0, 40.0),
}

US_FL_OZ_ML = 29.5735
UK_FL_OZ_ML = 28.4131
UK_PINT_ML = 568.261
US_PINT_ML = 473.176


class UnitError(ValueError):
    """A volume, strength or country that cannot be converted; the message is a one-line reason.

    `str(exc)` is English (the CLI, logs, CSV row errors). A message built from a `gettext_noop`
    template with `params` can also be shown in the reader's language: `exc.localized()`, called
    where it is shown (a client's form), so nothing stored changes with the language.
    """

    def __init__(self, message: str, params: dict | None = None):
        self.template = message
        self.params = params
        super().__init__(message % params if params else message)

    def localized(self) -> str:
        text = gettext(self.template)
        return text % self.params if self.params else text


def _check_country(country: str) -> str:
    code = (country or "").strip().upper()
    if code not in COUNTRIES:
        raise UnitError(f"unknown country {country!r}; choose one of {', '.join(COUNTRIES)}")
    return code


def _finite(value, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UnitError(f"{what} must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise UnitError(f"{what} must be a finite number")
    return number


def check_abv(abv_percent: float) -> float:
    """Return the ABV as a float, refusing anything outside 0–100 %."""
    abv = _finite(abv_percent, "ABV")
    if abv < 0 or abv > 100:
        raise UnitError(
            gettext_noop("ABV must be between 0 and 100 %%, not %(abv)s"), {"abv": f"{abv:g}"}
        )
    return abv


def check_volume(volume_ml: float) -> float:
    """Return the volume in ml, refusing zero, negative and impossible (> 20 litre) volumes."""
    volume = _finite(volume_ml, "volume")
    if volume <= 0:
        raise UnitError(gettext_noop("volume must be more than 0 ml"))
    if volume > MAX_VOLUME_ML:
        raise UnitError(
            gettext_noop("volume of %(volume)s ml is not possible for one entry (over 20 litres)"),
            {"volume": f"{volume:g}"},
        )
    return volume


def grams_from_volume(volume_ml: float, abv_percent: float) -> float:
    """Grams of ethanol in a beverage: ml × ABV fraction × 0.789 (355 ml at 5 % = 14.0 g)."""
    volume = check_volume(volume_ml)
    abv = check_abv(abv_percent)
    return volume * abv / 100 * ETHANOL_DENSITY


def grams_per_standard_drink(country: str) -> float:
    """Grams of ethanol in one of the country's standard drinks (UK: 10 ml × 0.789 = 7.89 g)."""
    code = _check_country(country)
    if code == "UK":
        return UK_UNIT_ETHANOL_ML * ETHANOL_DENSITY
    return STANDARD_DRINK_GRAMS[code]


def drink_word(country: str, count: float | None = None) -> str:
    """The name of the country's standard drink, the one spelling every page and command uses.

    "UK unit(s)" for the UK (its unit is a volume, not a "standard drink"), otherwise
    "<code> standard drink(s)". Singular only when `count` (the number as shown) is exactly 1.
    """
    code = _check_country(country)
    singular = count is not None and count == 1
    # Translated when called (a client's page in Spanish); staff pages and the CLI are English.
    if code == "UK":
        return gettext("UK unit") if singular else gettext("UK units")
    if singular:
        return gettext("%(country)s standard drink") % {"country": code}
    return gettext("%(country)s standard drinks") % {"country": code}


def grams_to_standard_drinks(grams: float, country: str) -> float:
    """Standard drinks (UK: units) in `grams` of ethanol."""
    return _finite(grams, "grams") / grams_per_standard_drink(country)


def standard_drinks_to_grams(drinks: float, country: str) -> float:
    """Grams of ethanol in `drinks` of the country's standard drinks (UK: units)."""
    return _finite(drinks, "drinks") * grams_per_standard_drink(country)


def uk_units_from_volume(volume_ml: float, abv_percent: float) -> float:
    """UK units as printed on UK labels: ml × ABV % / 1000 (568 ml at 4 % = 2.27 units)."""
    return check_volume(volume_ml) * check_abv(abv_percent) / 1000


def standard_drinks_from_volume(volume_ml: float, abv_percent: float, country: str) -> float:
    """Standard drinks in a beverage; the UK is computed by volume to match its labels."""
    if _check_country(country) == "UK":
        return uk_units_from_volume(volume_ml, abv_percent)
    return grams_to_standard_drinks(grams_from_volume(volume_ml, abv_percent), country)


_VOLUME_UNITS = {
    "ml": 1.0,
    "milliliter": 1.0,
    "milliliters": 1.0,
    "millilitre": 1.0,
    "millilitres": 1.0,
    "cl": 10.0,
    "centiliter": 10.0,
    "centiliters": 10.0,
    "centilitre": 10.0,
    "centilitres": 10.0,
    "l": 1000.0,
    "liter": 1000.0,
    "liters": 1000.0,
    "litre": 1000.0,
    "litres": 1000.0,
    "oz": US_FL_OZ_ML,
    "floz": US_FL_OZ_ML,
    "usfloz": US_FL_OZ_ML,
    "usoz": US_FL_OZ_ML,
    "ukfloz": UK_FL_OZ_ML,
    "ukoz": UK_FL_OZ_ML,
    "imperialfloz": UK_FL_OZ_ML,
    "pint": UK_PINT_ML,
    "pints": UK_PINT_ML,
    "ukpint": UK_PINT_ML,
    "ukpints": UK_PINT_ML,
    "imperialpint": UK_PINT_ML,
    "imperialpints": UK_PINT_ML,
    "uspint": US_PINT_ML,
    "uspints": US_PINT_ML,
}
_VOLUME_RE = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z][a-z .]*?)\s*$")


def parse_volume(text: str) -> float:
    """Millilitres from a typed volume: "355ml", "355 ml", "33cl", "0.5l", "12oz", "12 fl oz",
    "1 pint" (an imperial pint, 568 ml; "1 US pint" is 473 ml). US fluid ounces unless "UK fl oz".
    Anything else, or an impossible volume, raises UnitError.
    """
    match = _VOLUME_RE.match(str(text or "").lower())
    if not match:
        raise UnitError(
            gettext_noop("cannot read the volume %(text)s; write it like 355ml, 0.5l or 12oz"),
            {"text": repr(text)},
        )
    number, unit = match.groups()
    factor = _VOLUME_UNITS.get(re.sub(r"[ .]", "", unit))
    if factor is None:
        raise UnitError(
            gettext_noop("unknown volume unit %(unit)s; use ml, cl, l, oz or pint"),
            {"unit": repr(unit)},
        )
    return check_volume(float(number) * factor)
