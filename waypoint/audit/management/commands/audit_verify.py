from django.core.management.base import BaseCommand, CommandError

from waypoint.audit.actions import AnchorError, check_chain, read_anchors


class Command(BaseCommand):
    help = (
        "Check that the audit trail's HMAC chain is unbroken and print its head (event count and "
        "hash). --expect-count N --expect-head H (from an anchor) or --anchors FILE also fail "
        "when the chain was shortened or rewritten since."
    )

    def add_arguments(self, parser):
        parser.add_argument("--expect-count", type=int, metavar="N", help="an anchor's count")
        parser.add_argument("--expect-head", metavar="H", help="an anchor's head hash")
        parser.add_argument(
            "--anchors",
            metavar="FILE",
            help="check that every anchor in FILE (from `waypoint audit-anchor`) still holds",
        )

    def handle(self, *args, expect_count=None, expect_head=None, anchors=None, **options):
        if (expect_count is None) != (expect_head is None):
            raise CommandError("--expect-count and --expect-head go together (both from an anchor)")
        expected = []
        if expect_count is not None:
            if expect_count < 0:
                raise CommandError("--expect-count must be 0 or more")
            head = expect_head.strip().lower()
            if len(head) != 64 or any(ch not in "0123456789abcdef" for ch in head):
                raise CommandError("--expect-head must be a 64-character hex hash (from an anchor)")
            expected.append((expect_count, head))
        if anchors:
            try:
                expected.extend((a.count, a.head) for a in read_anchors(anchors))
            except AnchorError as exc:
                raise CommandError(str(exc)) from exc
        report = check_chain(expected)
        if report.broken:
            raise CommandError(
                f"{len(report.broken)} of {report.count} audit events do not verify; "
                f"first bad id {report.broken[0]}: {report.problem}"
            )
        if not report.intact:
            raise CommandError(f"audit trail does not match its anchor: {report.problem}")
        legacy = f", {report.legacy} of them legacy SHA-256" if report.legacy else ""
        anchored = f"; {len(expected)} anchors hold" if expected else ""
        self.stdout.write(f"audit trail intact: {report.count} events verified{legacy}{anchored}")
        self.stdout.write(
            f"head: count {report.count} hash {report.head} key {report.head_key_id or '-'}"
        )
