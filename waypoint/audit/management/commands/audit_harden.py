from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from waypoint.audit import hardening


class Command(BaseCommand):
    help = (
        "PostgreSQL: give the audit table and its trigger function to --owner and leave the "
        "app's role (--app-role) only SELECT and INSERT, so it cannot drop the append-only "
        "trigger. Run it as a superuser (or print the SQL with --print-sql and run it in psql)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--owner", required=True, help="role to own the audit table")
        parser.add_argument("--app-role", required=True, help="the role the app signs in as")
        parser.add_argument(
            "--print-sql", action="store_true", help="print the statements; change nothing"
        )

    def handle(self, *args, owner, app_role, print_sql=False, **options):
        try:
            if print_sql:
                sql = hardening.plan(owner=owner, app_role=app_role)
            else:
                sql = hardening.harden(owner=owner, app_role=app_role)
        except hardening.HardeningError as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(f"could not apply: {str(exc).splitlines()[0]}") from exc
        if print_sql:
            self.stdout.write(";\n".join(sql) + ";")
            return
        self.stdout.write(
            f"audit table now owned by {owner}; {app_role} may only SELECT and INSERT"
        )
