"""`waypoint combo A B [--json]`: the combination-risk table from the command line."""

import json

from django.core.management.base import BaseCommand, CommandError

from waypoint.substances import catalogue


class Command(BaseCommand):
    help = "How risky is taking A with B? From Waypoint's sourced table; never a guess."

    def add_arguments(self, parser):
        parser.add_argument("a", help="a substance, medication or street name (e.g. xanax)")
        parser.add_argument("b")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, a, b, **options):
        try:
            first, second = catalogue.resolve(a), catalogue.resolve(b)
        except catalogue.UnknownSubstance as exc:
            raise CommandError(f"{exc} {catalogue.NO_DATA}") from None
        found = catalogue.combination(first, second)
        if found is None:
            if options["json"]:
                self.stdout.write(
                    json.dumps(
                        {
                            "a": first.name,
                            "b": second.name,
                            "risk": None,
                            "reason": catalogue.NO_DATA,
                            "sources": [],
                        }
                    )
                )
            raise CommandError(f"{first.name} + {second.name}: {catalogue.NO_DATA}")
        if options["json"]:
            self.stdout.write(json.dumps(found.as_json()))
            return
        self.stdout.write(f"{first.name} + {second.name}: {found.label}")
        self.stdout.write(found.reason)
        for source in found.sources:
            self.stdout.write(f"  Source: {source.title} <{source.url}>")
