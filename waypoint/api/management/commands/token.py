"""`waypoint token create EMAIL [--name N] [--scope read|read-write] [--days D]` prints a new API
token once; `waypoint token list EMAIL`; `waypoint token revoke PREFIX`."""

from django.core.management.base import BaseCommand, CommandError

from waypoint.accounts.models import User
from waypoint.api import actions
from waypoint.api.models import ApiToken, TokenScope


class Command(BaseCommand):
    help = "Make, list and revoke personal API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Make a token and print it once")
        create.add_argument("email")
        create.add_argument("--name", default="command line")
        create.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        create.add_argument("--days", type=int, default=actions.DEFAULT_DAYS)
        listing = sub.add_parser("list", help="A person's tokens (never the tokens themselves)")
        listing.add_argument("email")
        revoke = sub.add_parser("revoke", help="Revoke a token by the prefix shown in lists")
        revoke.add_argument("prefix")

    def _user(self, email):
        try:
            return User.objects.select_related("organization").get(email__iexact=email.strip())
        except User.DoesNotExist:
            raise CommandError(f"no account with the email {email}") from None

    def handle(self, *args, **options):
        action = options["action"]
        if action == "create":
            user = self._user(options["email"])
            try:
                token, raw = actions.create_token(
                    user,
                    by=None,
                    name=options["name"],
                    scope=options["scope"],
                    days=options["days"],
                )
            except actions.TokenError as exc:
                raise CommandError(str(exc)) from None
            self.stderr.write(
                f"Token for {user.email} ({token.get_scope_display().lower()}, expires "
                f"{token.expires_at:%Y-%m-%d}). It is shown only once:"
            )
            self.stdout.write(raw)
        elif action == "list":
            user = self._user(options["email"])
            for token in user.api_tokens.all():
                state = "revoked" if token.revoked_at else f"expires {token.expires_at:%Y-%m-%d}"
                self.stdout.write(f"{token.prefix}…  {token.scope:<10}  {state}  {token.name}")
        else:
            matches = list(ApiToken.objects.filter(prefix=options["prefix"].rstrip("…")))
            if len(matches) != 1:
                raise CommandError(f"{len(matches)} tokens start with {options['prefix']}")
            actions.revoke_token(matches[0], by=None)
            self.stdout.write(f"revoked {matches[0].prefix}…")
