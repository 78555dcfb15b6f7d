"""The audit trail: what is recorded, that it is append-only, and that tampering shows."""

import importlib

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from waypoint.audit.actions import GENESIS, record, verify_chain
from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.clients import actions

TRIGGERS = importlib.import_module("waypoint.audit.migrations.0002_append_only_trigger")


def _last():
    return AuditEvent.objects.order_by("-id").first()


# --- what is recorded ------------------------------------------------------------------------


def test_a_chart_view_records_who_what_when_and_where(login, clinician, client_chart):
    login(clinician).get(client_chart.get_absolute_url(), REMOTE_ADDR="192.0.2.44")
    event = _last()
    assert event.action == AuditAction.VIEW
    assert (event.actor_id, event.actor_label, event.actor_role) == (
        clinician.pk,
        "Maya Clinician",
        "clinician",
    )
    assert (event.object_type, event.object_id, event.object_label) == (
        "clients.client",
        str(client_chart.pk),
        "Chart C-001",
    )
    assert (event.client_id, event.organization_id) == (
        client_chart.pk,
        client_chart.organization_id,
    )
    assert event.ip_address == "192.0.2.44"
    assert event.path == client_chart.get_absolute_url()
    assert event.at is not None


@pytest.mark.parametrize(
    ("addr", "stored"),
    [
        ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("not-an-address", None),
        ("", None),
    ],
)
def test_addresses_are_normalized_and_the_chain_still_verifies(
    login, clinician, client_chart, addr, stored
):
    login(clinician).get(client_chart.get_absolute_url(), REMOTE_ADDR=addr)
    event = AuditEvent.objects.get(pk=_last().pk)  # as read back from the database
    assert event.ip_address == stored
    assert verify_chain()[1] == []


def test_every_kind_of_access_is_recorded(
    login, admin, clinician, supervisor, client_chart, client_user, alert
):
    maya = login(clinician)
    maya.get(client_chart.get_absolute_url())
    maya.get(reverse("clients-print", args=[client_chart.pk]))
    maya.post(
        reverse("clients-contact-add", args=[client_chart.pk]),
        {"occurred_on": "2026-01-09", "kind": "individual"},
    )
    login(supervisor).get(reverse("clients-edit", args=[client_chart.pk]))  # read-only: denied
    chart_events = AuditEvent.objects.for_client(client_chart.pk)
    assert set(chart_events.values_list("action", flat=True)) >= {
        "create",
        "view",
        "print",
        "denied",
        "account",  # the portal login was linked
    }


def test_audit_rows_never_hold_names_or_clinical_text(login, admin, clinician, client_chart, alert):
    maya = login(clinician)
    maya.post(
        reverse("clients-edit", args=[client_chart.pk]),
        {
            "chart_number": "C-001",
            "legal_name": "Robin Quillfeather-Smith",
            "preferred_name": "Robin",
            "pronouns": "they/them",
            "date_of_birth": "1988-04-02",
            "phone": "555-0142",
            "drinking_thresholds": "female",
            "status": "active",
        },
    )
    maya.post(
        reverse("clients-alert-acknowledge", args=[client_chart.pk, alert.pk]),
        {f"alert{alert.pk}-note": "Spoke with Robin about safety"},
    )
    actions.discharge_client(
        client_chart,
        by=clinician,
        discharged_on=client_chart.episodes.get().admitted_on,
        reason="moved",
        note="Moving to live near family",
    )
    rows = " ".join(
        f"{e.object_label} {e.detail} {e.actor_label} {e.path}" for e in AuditEvent.objects.all()
    )
    for secret in ["Quillfeather", "Robin", "555-01", "1988", "safety", "family"]:
        assert secret not in rows
    change = AuditEvent.objects.filter(action="change", object_type="clients.client").get()
    assert change.detail == {"fields": ["legal_name", "phone"]}


def test_login_and_logout_are_recorded(client, clinician):
    from tests.conftest import PASSWORD

    client.post(
        reverse("login"),
        {"username": clinician.email, "password": PASSWORD},
        REMOTE_ADDR="192.0.2.8",
    )
    client.post(reverse("logout"))
    actions_seen = list(
        AuditEvent.objects.filter(actor_id=clinician.pk)
        .order_by("id")
        .values_list("action", "ip_address")
    )
    assert ("login", "192.0.2.8") in actions_seen
    assert actions_seen[-1][0] == "logout"


def test_record_outside_a_request_has_no_address(clinician, client_chart):
    event = record(by=None, action=AuditAction.VIEW, obj=client_chart, client=client_chart)
    assert (event.ip_address, event.path, event.actor_label) == (None, "", "system")


# --- append-only -----------------------------------------------------------------------------


def test_the_app_cannot_change_or_delete_audit_events(clinician, client_chart):
    event = _last()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(actor_label="someone else")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        event.actor_label = "someone else"
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "Ada Admin"


# --- hash chain ------------------------------------------------------------------------------


def test_events_form_a_hash_chain(login, clinician, client_chart):
    login(clinician).get(client_chart.get_absolute_url())
    events = list(AuditEvent.objects.order_by("id"))
    assert events[0].previous_hash == GENESIS
    for before, after in zip(events, events[1:], strict=False):
        assert after.previous_hash == before.entry_hash
    assert verify_chain() == (len(events), [])
    out = call_command_output("audit_verify")
    assert f"audit trail intact: {len(events)} events verified" in out


def call_command_output(*args) -> str:
    import io

    buffer = io.StringIO()
    call_command(*args, stdout=buffer)
    return buffer.getvalue()


def test_tampering_with_a_row_is_detected(login, clinician, client_chart):
    login(clinician).get(client_chart.get_absolute_url())
    victim = AuditEvent.objects.filter(action="view").order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["Nobody", victim.pk]
        )
    count, broken = verify_chain()
    assert broken == [victim.pk]
    with pytest.raises(
        CommandError, match=f"1 of {count} audit events do not verify; first bad id"
    ):
        call_command("audit_verify")


def test_deleting_a_row_is_detected(login, clinician, client_chart):
    maya = login(clinician)
    for _ in range(3):
        maya.get(client_chart.get_absolute_url())
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [ids[-2]])
    assert verify_chain()[1] == [ids[-1]]


def test_rewriting_a_row_with_a_fresh_hash_still_breaks_the_chain(login, clinician, client_chart):
    """A forger who recomputes the row's own hash (without the key) breaks it and the next link."""
    maya = login(clinician)
    maya.get(client_chart.get_absolute_url())
    maya.get(client_chart.get_absolute_url())
    victim, following = AuditEvent.objects.order_by("-id")[1], _last()
    victim.actor_label = "Nobody"
    forged = victim.compute_hash()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_label = %s, entry_hash = %s WHERE id = %s",
            ["Nobody", forged, victim.pk],
        )
    assert verify_chain()[1] == [victim.pk, following.pk]


# --- database triggers -----------------------------------------------------------------------


class _Executor:
    """The two things the migration's install() uses from a schema editor."""

    connection = connection

    def execute(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_the_migration_skips_the_triggers_in_the_test_suite(client_chart):
    """Browser tests flush tables between tests, which the triggers would refuse."""
    TRIGGERS.forwards(None, _Executor())
    events = AuditEvent.objects.count()
    assert events > 0  # creating the chart was audited: there are rows a trigger would guard
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_label = actor_label")
        assert cursor.rowcount == events  # no trigger refused the update


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET actor_label = 'Nobody'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_database_triggers_refuse_raw_update_and_delete(client_chart, sql):
    TRIGGERS.install(_Executor())
    before = list(AuditEvent.objects.order_by("id").values_list("id", "actor_label"))
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert list(AuditEvent.objects.order_by("id").values_list("id", "actor_label")) == before
    # Appending still works.
    record(by=None, action=AuditAction.VIEW, obj=client_chart, client=client_chart)
    assert verify_chain()[1] == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE triggers: PostgreSQL")
def test_database_trigger_refuses_truncate_on_postgresql(client_chart):
    TRIGGERS.install(_Executor())
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditevent")


# --- behind a reverse proxy ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.5"),  # no trusted proxy: X-Forwarded-For is ignored
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client's own header is not trusted
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.9", "198.51.100.1"),
        (2, "198.51.100.1", "10.0.0.5"),  # fewer hops than proxies: fall back to the socket
    ],
)
def test_trusted_proxies_give_the_real_client_address(
    settings, login, clinician, client_chart, proxies, forwarded, expected
):
    settings.AXES_IPWARE_PROXY_COUNT = proxies or None
    login(clinician).get(
        client_chart.get_absolute_url(),
        REMOTE_ADDR="10.0.0.5",
        headers={"x-forwarded-for": forwarded},
    )
    assert _last().ip_address == expected


def test_lockout_behind_a_proxy_is_per_client_not_per_proxy(settings, client, clinician):
    from tests.conftest import PASSWORD

    settings.AXES_IPWARE_PROXY_COUNT = 1

    def attempt(address, password="wrong password"):  # noqa: S107
        return client.post(
            reverse("login"),
            {"username": clinician.email, "password": password},
            REMOTE_ADDR="127.0.0.1",
            headers={"x-forwarded-for": address},
        )

    for _ in range(5):
        attempt("203.0.113.66")
    assert attempt("203.0.113.66", PASSWORD).status_code == 429
    assert attempt("198.51.100.7", PASSWORD).status_code == 302  # Maya at the clinic
    failed = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert set(failed.values_list("ip_address", flat=True)) == {"203.0.113.66"}
