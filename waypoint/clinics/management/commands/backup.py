from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from waypoint.clinics.backup import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Write an encrypted, consistent snapshot of the database to FILE "
        "(key: BACKUP_ENCRYPTION_KEY). Safe while the site is running."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the backup; must not exist yet.")

    def handle(self, *args, file, **options):
        try:
            header = write_backup(Path(file))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"backup written to {file}: {header.engine} snapshot of {header.size} bytes, "
            f"sha256 {header.sha256[:16]}…, encrypted with BACKUP_ENCRYPTION_KEY"
        )
