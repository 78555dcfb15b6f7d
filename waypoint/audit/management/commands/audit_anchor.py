from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from waypoint.audit.actions import AnchorError, current_anchor, write_anchor


class Command(BaseCommand):
    help = (
        "Record the audit trail's head (time, event count, head hash, key id): append it to an "
        "append-only file (default AUDIT_ANCHOR_FILE) and print it, or with --print-only just "
        "print it for an external log. Later, `audit-verify --anchors FILE` checks them all."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", metavar="PATH", help="anchor file (default AUDIT_ANCHOR_FILE)"
        )
        parser.add_argument(
            "--print-only",
            action="store_true",
            help="write no file; print the anchor line (pipe it to logger, a remote log...)",
        )

    def handle(self, *args, file=None, print_only=False, **options):
        if print_only and file:
            raise CommandError("--file and --print-only cannot be combined")
        try:
            anchor = current_anchor() if print_only else write_anchor(file)
        except AnchorError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(anchor.line())
        if not print_only and options["verbosity"] > 1:
            self.stderr.write(f"appended to {file or settings.AUDIT_ANCHOR_FILE}")
