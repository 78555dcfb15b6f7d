from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand

from waypoint.audit.keys import new_key_entry


class Command(BaseCommand):
    help = (
        "Print a new random key for FIELD_ENCRYPTION_KEYS (or BACKUP_ENCRYPTION_KEY); "
        "--audit prints an id:key pair for the front of AUDIT_HMAC_KEYS."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--audit", action="store_true", help="an id:key pair for AUDIT_HMAC_KEYS"
        )

    def handle(self, *args, audit=False, **options):
        self.stdout.write(new_key_entry() if audit else Fernet.generate_key().decode())
