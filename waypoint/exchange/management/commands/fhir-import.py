"""`waypoint fhir-import FILE --organization SLUG --by EMAIL [--chart-number N]`: a new chart
from a FHIR R4 Bundle, all or nothing; a bad Bundle exits non-zero naming the element."""

import json

from django.core.management.base import BaseCommand, CommandError

from waypoint.accounts.models import User
from waypoint.clinics.models import Organization
from waypoint.exchange.actions import import_chart
from waypoint.exchange.fhir_import import BundleError

MAX_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = "Create a new chart from a FHIR R4 Bundle (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--organization", required=True, help="The organization's slug")
        parser.add_argument("--by", required=True, help="Email of the staff member importing")
        parser.add_argument("--chart-number", default="", help="Instead of the Bundle's own")

    def handle(self, *args, **options):
        try:
            organization = Organization.objects.get(slug=options["organization"])
        except Organization.DoesNotExist:
            raise CommandError(f"no organization {options['organization']}") from None
        try:
            by = User.objects.get(email__iexact=options["by"], organization=organization)
        except User.DoesNotExist:
            raise CommandError(f"no staff account {options['by']} in that organization") from None
        if not (by.is_active and by.is_clinic_staff):
            raise CommandError(f"{options['by']} is not active staff")
        try:
            with open(options["file"], "rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror}") from None
        if len(raw) > MAX_BYTES:
            raise CommandError("the file is larger than 50 MB")
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"not JSON: {exc}") from None
        try:
            result = import_chart(data, by=by, chart_number=options["chart_number"])
        except BundleError as exc:
            raise CommandError(f"refused, nothing created: {exc}") from None
        counts = ", ".join(f"{n} {what}" for what, n in result.counts.items() if n) or (
            "no records besides the person's details"
        )
        self.stdout.write(f"created chart {result.client.chart_number}: {counts}")
        for note in result.skipped:
            self.stdout.write(f"not imported: {note}")
