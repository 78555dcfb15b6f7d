from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from waypoint.clinics.demo import DEMO_LOGINS, DEMO_PASSWORD, build_demo, has_data


class Command(BaseCommand):
    help = "Load the demo clinics (synthetic data only). Refused in production mode."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (and succeed) when the database already has organizations.",
        )
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins.")

    def handle(self, *args, if_empty=False, logins=False, **options):
        if settings.PRODUCTION:
            raise CommandError("the demo clinic is never loaded in production mode")
        if not logins:
            if has_data():
                if not if_empty:
                    raise CommandError(
                        "the database already has data; the demo loads only into an empty one"
                    )
            else:
                build_demo()
                self.stdout.write(self.style.SUCCESS("Demo clinics loaded."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, description in DEMO_LOGINS:
            self.stdout.write(f"  {email:<28} {description}")
