"""The audit trail names record types in words; the stored value is unchanged."""

from django.apps import apps
from django.urls import reverse

from waypoint.audit.models import AuditEvent
from waypoint.audit.names import object_type_name


def test_the_audit_page_says_client_chart_not_the_model_label(
    login, admin, clinician, client_chart
):
    login(clinician).get(client_chart.get_absolute_url())
    body = login(admin).get(reverse("audit-log")).content.decode()
    assert "Client chart" in body and "Chart C-001" in body
    assert "clients.client" not in body
    assert AuditEvent.objects.filter(object_type="clients.client").exists()  # stored as before


def test_the_chart_access_history_uses_the_same_names(login, admin, client_chart):
    web = login(admin)
    body = web.get(reverse("clients-access-log", args=[client_chart.pk])).content.decode()
    assert "Client chart" in body and "clients.client" not in body


def test_every_model_and_page_type_has_a_readable_name():
    types = [m._meta.label_lower for m in apps.get_models() if m.__module__.startswith("waypoint")]
    types += ["caseload", "client_list", "outcome_report", "session", "diary.timelinefollowback"]
    for object_type in types:
        name = object_type_name(object_type)
        assert name and "." not in name and "_" not in name, object_type
        assert name[0].isupper(), object_type
    assert object_type_name("clients.client") == "Client chart"
