from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from waypoint.clinics.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup written by `waypoint backup` into this instance, which must be empty "
        "(no organizations). The file is fully verified first; on any problem nothing changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backup file written by `waypoint backup`.")

    def handle(self, *args, file, **options):
        try:
            header, missing = restore_backup(Path(file))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored the {header.engine} backup of {header.created_at} "
            f"(Waypoint {header.app_version}, {header.size} bytes, checksum verified)"
        )
        if missing:
            self.stdout.write(
                f"the backup predates {len(missing)} migrations of this version: "
                "run `waypoint migrate` next"
            )
