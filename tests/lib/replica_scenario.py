"""The replica routing scenario, run by tests/lib/test_dbrouter.py in a child process.

The child has the real settings with `DATABASE_URL` at a throw-away primary and
`DATABASE_REPLICA_URL` at its streaming replica (set by the test), so Django's database
aliases are the two real servers, not test copies. It migrates the primary, waits for the
replica to replay, then pauses replay on the replica (`pg_wal_replay_pause()`) around each
check, so "the replica is behind" is a fact of the test rather than a race. It prints one JSON
object of observations; the test asserts on them.
"""

import json
import os
import sys
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connections
    from django.test import Client as Browser
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from waypoint.accounts.models import User
    from waypoint.accounts.roles import Role
    from waypoint.clients import actions as client_actions
    from waypoint.clinics.models import Organization

    primary, replica = connections["default"], connections["replica"]

    def sql(conn, query):
        with conn.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchone()[0]

    def wait_for_replay(timeout=30.0):
        target = sql(primary, "SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            caught_up = sql(
                replica,
                f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn",  # noqa: S608
            )
            if caught_up:
                return
            time.sleep(0.05)
        raise SystemExit("replica did not catch up")

    def pause():
        sql(replica, "SELECT pg_wal_replay_pause()::text")

    def resume():
        sql(replica, "SELECT pg_wal_replay_resume()::text")
        wait_for_replay()

    def list_page(browser):
        """The client list (a @reads_from_replica page): its text and the replica's query count."""
        with CaptureQueriesContext(replica) as on_replica:
            response = browser.get(reverse("clients-list"), {"status": "all"})
        assert response.status_code == 200, response.status_code
        return response.content.decode(), len(on_replica)

    call_command("migrate", verbosity=0)
    org = Organization.objects.create(name="Replica Clinic", slug="replica")
    ada = User.objects.create_user(
        "ada@replica.test", password="pw", organization=org, role=Role.ADMIN, full_name="Ada"
    )
    bea = User.objects.create_user(
        "bea@replica.test", password="pw", organization=org, role=Role.ADMIN, full_name="Bea"
    )
    ada_browser, bea_browser = Browser(), Browser()
    ada_browser.force_login(ada)
    bea_browser.force_login(bea)
    wait_for_replay()
    seen = {"replica_in_recovery": sql(replica, "SELECT pg_is_in_recovery()")}
    seen["primary_in_recovery"] = sql(primary, "SELECT pg_is_in_recovery()")

    # 1. A chart written on the primary while replay is paused.
    pause()
    chart = client_actions.create_client(
        by=ada, organization=org, chart_number="RT-1", legal_name="Rowan Tester"
    )
    text, replica_queries = list_page(bea_browser)
    seen["paused_list_shows_rt1"] = "RT-1" in text
    seen["paused_list_replica_queries"] = replica_queries
    with CaptureQueriesContext(replica) as on_replica:
        detail = bea_browser.get(reverse("clients-detail", args=[chart.pk]))
    seen["detail_status"] = detail.status_code  # not marked: the primary has it
    seen["detail_replica_queries"] = len(on_replica)
    resume()
    text, _ = list_page(bea_browser)
    seen["replayed_list_shows_rt1"] = "RT-1" in text

    # 2. Read-your-writes: Ada posts a new chart while replay is paused.
    pause()
    response = ada_browser.post(
        reverse("clients-create"),
        {
            "chart_number": "RT-2",
            "legal_name": "Sky Writer",
            "primary_clinician": ada.pk,
            "drinking_thresholds": "female",
        },
    )
    seen["post_status"] = response.status_code
    if response.status_code != 302:
        seen["post_errors"] = response.context["form"].errors.get_json_data()
    text, replica_queries = list_page(ada_browser)
    seen["writer_list_shows_rt2"] = "RT-2" in text
    seen["writer_list_replica_queries"] = replica_queries
    text, replica_queries = list_page(bea_browser)
    seen["other_list_shows_rt2"] = "RT-2" in text
    seen["other_list_replica_queries"] = replica_queries
    resume()
    print(json.dumps(seen))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
