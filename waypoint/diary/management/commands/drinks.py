"""`waypoint drinks --volume 355ml --abv 5 [--country US] [--json]`: grams of ethanol and standard
drinks in a beverage (waypoint.lib.units; docs/outcomes.md).
"""

import json
import re

from django.core.management.base import BaseCommand, CommandError

from waypoint.lib import units

_BARE_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*$")


class Command(BaseCommand):
    requires_system_checks = []  # pure arithmetic; no models, no database
    help = "Grams of ethanol and the country's standard drinks in a beverage."

    def add_arguments(self, parser):
        parser.add_argument(
            "--volume",
            required=True,
            help="beverage volume: 355ml, 33cl, 0.5l, 12oz (US fl oz) or 1 pint (568 ml); "
            "a bare number is ml",
        )
        parser.add_argument("--abv", required=True, help="alcohol by volume in percent, 0–100")
        parser.add_argument(
            "--country",
            default="US",
            help=f"standard drink: {', '.join(units.COUNTRIES)} (default US)",
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        country = (options["country"] or "").strip().upper()
        if country not in units.COUNTRIES:
            raise CommandError(
                f"unknown --country {options['country']!r}; choose one of "
                f"{', '.join(units.COUNTRIES)}"
            )
        text = options["volume"]
        if _BARE_NUMBER.match(text):
            text = f"{text.strip()} ml"
        abv_text = options["abv"].strip().rstrip("%").strip()
        try:
            volume = units.parse_volume(text)
            try:
                abv = float(abv_text)
            except ValueError:
                raise units.UnitError(f"ABV {options['abv']!r} is not a number") from None
            grams = units.grams_from_volume(volume, abv)
            drinks = units.standard_drinks_from_volume(volume, abv, country)
        except units.UnitError as exc:
            raise CommandError(str(exc)) from None

        result = {"grams": round(grams, 1), "standard_drinks": round(drinks, 2), "country": country}
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        name = units.drink_word(country, result["standard_drinks"])
        size = (
            "10 ml of ethanol each"
            if country == "UK"
            else f"{units.grams_per_standard_drink(country):g} g each"
        )
        self.stdout.write(
            f"{volume:g} ml at {abv:g} % ABV = {result['grams']:.1f} g of ethanol = "
            f"{result['standard_drinks']:.2f} {name} ({size})"
        )
