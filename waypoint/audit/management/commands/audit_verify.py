from django.core.management.base import BaseCommand, CommandError

from waypoint.audit.actions import verify_chain


class Command(BaseCommand):
    help = "Check that the audit trail's hash chain is unbroken (tamper evidence)."

    def handle(self, *args, **options):
        count, broken = verify_chain()
        if broken:
            raise CommandError(
                f"{len(broken)} of {count} audit events do not verify; first bad id {broken[0]}"
            )
        self.stdout.write(f"audit trail intact: {count} events verified")
