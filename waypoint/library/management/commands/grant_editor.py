"""`waypoint grant_editor EMAIL [--revoke]`: let a staff member write the public library."""

from django.core.management.base import BaseCommand, CommandError

from waypoint.accounts.models import User
from waypoint.library import actions


class Command(BaseCommand):
    help = "Grant (or with --revoke, withdraw) the library editor role for a staff member."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--revoke", action="store_true")

    def handle(self, email, revoke=False, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account with the email {email}.")
        if revoke:
            actions.revoke_editor(user)
            self.stdout.write(f"{user.email} is no longer a library editor.")
            return
        try:
            actions.grant_editor(user)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{user.email} can now edit the public library at /library/manage/.")
