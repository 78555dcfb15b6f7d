"""`waypoint fhir-export CHART_NUMBER --organization SLUG --by EMAIL [--out FILE]`: one chart as
a FHIR R4 Bundle, through the chart access function (so it is audited as that person's export)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from waypoint.accounts.models import User
from waypoint.clients.models import Client
from waypoint.exchange.actions import export_chart


class Command(BaseCommand):
    help = "Write one chart as a FHIR R4 Bundle (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("chart_number")
        parser.add_argument("--organization", required=True)
        parser.add_argument("--by", required=True, help="Email of the staff member exporting")
        parser.add_argument("--out", help="File to write (default: standard output)")

    def handle(self, *args, **options):
        try:
            by = User.objects.get(
                email__iexact=options["by"], organization__slug=options["organization"]
            )
        except User.DoesNotExist:
            raise CommandError(f"no staff account {options['by']} in that organization") from None
        client = Client.objects.filter(
            organization=by.organization, chart_number=options["chart_number"]
        ).first()
        try:
            bundle = export_chart(by, client.pk if client else 0)
        except Http404:
            raise CommandError(
                f"no chart {options['chart_number']} that {by.email} can open"
            ) from None
        text = json.dumps(bundle, indent=2)
        if options["out"]:
            try:
                with open(options["out"], "w", encoding="utf-8") as handle:
                    handle.write(text)
            except OSError as exc:
                raise CommandError(f"cannot write {options['out']}: {exc.strerror}") from None
        else:
            self.stdout.write(text)
