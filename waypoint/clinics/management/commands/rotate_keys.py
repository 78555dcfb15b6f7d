from django.core.management.base import BaseCommand, CommandError

from waypoint.lib import keyrotation


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value with the newest key in FIELD_ENCRYPTION_KEYS "
        "(runs while the site is up). --check only counts values on older keys; "
        "--search-index rebuilds the blind indexes after SEARCH_HASH_KEY changed. "
        "Also reports which AUDIT_HMAC_KEYS keys the audit trail uses."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; exit non-zero if any value is not yet on the newest key.",
        )
        parser.add_argument(
            "--search-index",
            action="store_true",
            help="Rebuild the keyed-hash search indexes (after changing SEARCH_HASH_KEY).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=keyrotation.DEFAULT_BATCH_SIZE,
            help="Rows per transaction (default %(default)s).",
        )

    def handle(self, *args, check=False, search_index=False, batch_size=500, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        verbose = options["verbosity"] > 1
        progress = self.stdout.write if verbose else None
        if search_index:
            if check:
                raise CommandError("--check and --search-index cannot be combined")
            try:
                counts = keyrotation.rebuild_search_indexes(
                    batch_size=batch_size, progress=progress
                )
            except keyrotation.RotationError as exc:
                raise CommandError(str(exc)) from exc
            total = sum(counts.values())
            self.stdout.write(f"search indexes rebuilt for {total} records")
            return
        try:
            report = keyrotation.rotate(check_only=check, batch_size=batch_size, progress=progress)
            audit = keyrotation.audit_key_usage()
        except keyrotation.RotationError as exc:
            raise CommandError(str(exc)) from exc
        values = report.total("values")
        pending = report.total("pending")
        undecryptable = report.total("undecryptable")
        columns = len(report.columns)
        if check:
            self.stdout.write(
                f"{values} encrypted values in {columns} columns; {pending} not on the newest key"
            )
            self.stdout.write(audit.describe())
            self._refuse_missing_audit_keys(audit)
            if undecryptable:
                raise CommandError(
                    f"{undecryptable} values cannot be decrypted with any configured key"
                )
            if pending:
                raise CommandError(
                    f"{pending} values are still on older keys: run `waypoint rotate-keys`"
                )
            return
        self.stdout.write(
            f"{values} encrypted values in {columns} columns: "
            f"{report.total('rotated')} re-encrypted, {report.total('current')} already current, "
            f"{report.total('changed_meanwhile')} changed by users meanwhile"
        )
        self.stdout.write(audit.describe())
        self._refuse_missing_audit_keys(audit)
        if undecryptable:
            raise CommandError(
                f"{undecryptable} values cannot be decrypted with any configured key "
                "(was an old key removed too early?); run with -v 2 to see which columns"
            )

    def _refuse_missing_audit_keys(self, audit):
        if audit.missing:
            raise CommandError(
                f"audit events are linked with key id {audit.missing[0]!r}, which "
                "AUDIT_HMAC_KEYS no longer lists: put it back (old audit keys stay listed)"
            )
