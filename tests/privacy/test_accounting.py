"""Accounting of disclosures (42 CFR 2.25) for admins: per chart and organization-wide, CSV."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.privacy import actions
from waypoint.privacy.models import Disclosure, ExceptionKind, InfoKind, Purpose

pytestmark = pytest.mark.django_db

MAY = datetime.datetime(2026, 5, 10, 17, tzinfo=datetime.UTC)
JULY = datetime.datetime(2026, 7, 20, 17, tzinfo=datetime.UTC)


@pytest.fixture
def ledger(client_chart, colleague_chart, other_chart, clinician, admin, other_clinician, consent):
    def emergency(chart, by, when, name='=HYPERLINK("http://x")'):
        disclosure = actions.disclose(
            chart,
            by=by,
            recipient_name=name,
            recipient_organization="County General ED",
            recipient_role="treating_provider",
            purpose=Purpose.TREATMENT,
            kinds=[InfoKind.ATTENDANCE],
            method="phone",
            exception_kind=ExceptionKind.MEDICAL_EMERGENCY,
            exception_reason="Overdose",
        )
        Disclosure.objects.filter(pk=disclosure.pk).update(disclosed_at=when)
        return disclosure

    may = actions.disclose(
        client_chart,
        by=clinician,
        consent=consent,
        recipient_name="Eastside Community Health",
        recipient_role="treating_provider",
        purpose=Purpose.TREATMENT,
        kinds=[InfoKind.ATTENDANCE],
        method="fax",
    )
    Disclosure.objects.filter(pk=may.pk).update(disclosed_at=MAY)
    return {
        "may": may,
        "july": emergency(client_chart, clinician, JULY),
        "colleague": emergency(colleague_chart, admin, JULY, name="Dr. Colleague"),
        "other_org": emergency(other_chart, other_clinician, JULY, name="Dr. Elsewhere"),
    }


def test_chart_accounting_lists_by_period(login, admin, client_chart, ledger):
    web = login(admin)
    url = reverse("privacy-chart-accounting", args=[client_chart.pk])
    everything = web.get(url).context["page"].object_list
    assert {d.pk for d in everything} == {ledger["may"].pk, ledger["july"].pk}
    may_only = web.get(url, {"start": "2026-05-01", "end": "2026-05-31"}).context["page"]
    assert [d.pk for d in may_only.object_list] == [ledger["may"].pk]
    from_june = web.get(url, {"start": "2026-06-01"}).context["page"]
    assert [d.pk for d in from_june.object_list] == [ledger["july"].pk]
    until_june = web.get(url, {"end": "2026-06-30"}).context["page"]
    assert [d.pk for d in until_june.object_list] == [ledger["may"].pk]


def test_boundary_days_are_inclusive(login, admin, client_chart, ledger):
    page = login(admin).get(
        reverse("privacy-chart-accounting", args=[client_chart.pk]),
        {"start": "2026-05-10", "end": "2026-05-10"},
    )
    assert [d.pk for d in page.context["page"].object_list] == [ledger["may"].pk]


def test_invalid_period_shows_error_and_nothing(login, admin, client_chart, ledger):
    response = login(admin).get(
        reverse("privacy-chart-accounting", args=[client_chart.pk]),
        {"start": "2026-08-01", "end": "2026-01-01"},
    )
    assert "The end date is before the start date." in response.content.decode()
    assert response.context["page"].paginator.count == 0
    response = login(admin).get(
        reverse("privacy-chart-accounting", args=[client_chart.pk]), {"start": "not a date"}
    )
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


def test_organization_accounting_is_scoped_to_the_organization(login, admin, ledger):
    rows = login(admin).get(reverse("privacy-accounting")).context["page"].object_list
    assert {d.pk for d in rows} == {ledger["may"].pk, ledger["july"].pk, ledger["colleague"].pk}


def test_csv_export_is_audited_and_safe(login, admin, ledger):
    response = login(admin).get(
        reverse("privacy-accounting"), {"start": "2026-07-01", "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming  # written row by row from .iterator()
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["disclosed_at", "chart_number", "recipient"]
    assert len(rows) == 3  # header + the two July disclosures in this organization
    recipients = {row[2] for row in rows[1:]}
    assert "Dr. Colleague" in recipients
    assert '\'=HYPERLINK("http://x")' in recipients  # a formula is neutralized
    assert "Dr. Elsewhere" not in body
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor_id == admin.pk
    assert event.detail == {"format": "csv", "rows": 2, "start": "2026-07-01", "end": None}


def test_chart_csv_export(login, admin, client_chart, ledger):
    response = login(admin).get(
        reverse("privacy-chart-accounting", args=[client_chart.pk]), {"format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 3
    assert {row[1] for row in rows[1:]} == {"C-001"}
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, client_id=client_chart.pk).exists()


def test_accounting_is_admin_only(login, clinician, supervisor, client_chart, ledger):
    for user in (clinician, supervisor):
        web = login(user)
        assert web.get(reverse("privacy-accounting")).status_code == 403
        url = reverse("privacy-chart-accounting", args=[client_chart.pk])
        assert web.get(url).status_code == 403
        assert web.get(url, {"format": "csv"}).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_other_organization_admin_gets_404_for_chart(login, other_admin, client_chart, ledger):
    web = login(other_admin)
    assert web.get(reverse("privacy-chart-accounting", args=[client_chart.pk])).status_code == 404
    rows = web.get(reverse("privacy-accounting")).context["page"].object_list
    assert [d.pk for d in rows] == [ledger["other_org"].pk]
