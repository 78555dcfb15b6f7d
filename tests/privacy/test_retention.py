"""Retention: settings, closing a chart, and purge/anonymize only after the retention period."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from waypoint.accounts.models import User
from waypoint.accounts.roles import Role
from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.clients import actions as client_actions
from waypoint.clients.models import ChartStatus, Client, ClientNameIndex, Contact, Episode
from waypoint.privacy import actions
from waypoint.privacy.actions import PrivacyRefused
from waypoint.privacy.models import (
    ChartRetention,
    Consent,
    Disclosure,
    ExceptionKind,
    InfoKind,
    PrivacySettings,
    Purpose,
)
from waypoint.privacy.retention import add_years, retention_status

pytestmark = pytest.mark.django_db


def test_add_years():
    assert add_years(datetime.date(2019, 3, 31), 7) == datetime.date(2026, 3, 31)
    assert add_years(datetime.date(2020, 2, 29), 7) == datetime.date(2027, 3, 1)
    assert add_years(datetime.date(2020, 2, 29), 4) == datetime.date(2024, 2, 29)


def test_default_retention_is_seven_years(clinic):
    assert PrivacySettings.for_organization(clinic).retention_years == 7


@pytest.fixture
def old_chart(clinic, admin, clinician, today):
    """A chart discharged 8 years ago, with a consent, a disclosure and a portal login."""
    chart = client_actions.create_client(
        by=admin,
        organization=clinic,
        chart_number="C-900",
        legal_name="Vera Oldfield",
        preferred_name="Vee",
        date_of_birth=datetime.date(1970, 1, 2),
        phone="555-0900",
        email="vera@example.org",
        emergency_contact_name="Pat Oldfield",
        primary_clinician=clinician,
        admitted_on=today - datetime.timedelta(days=365 * 9),
    )
    client_actions.record_contact(
        chart, by=clinician, occurred_on=today - datetime.timedelta(days=365 * 9), kind="individual"
    )
    client_actions.discharge_client(
        chart,
        by=clinician,
        discharged_on=add_years(today, -8),
        reason="goals_met",
        note="Vera reached her goals; door open.",
    )
    client_actions.raise_alert(chart, by=None, kind="x", title="Old alert", detail="Vera said...")
    portal = User.objects.create_user(
        email="vera@client.test", organization=clinic, role=Role.CLIENT
    )
    client_actions.link_portal_user(chart, by=admin, user=portal)
    consent = Consent.objects.create(
        client=chart,
        recipient_name="Eastside",
        purpose=Purpose.TREATMENT,
        info_kinds=[InfoKind.ATTENDANCE],
        expires_on=today,
    )
    actions.disclose(
        chart,
        by=clinician,
        recipient_name="Dr. Okoro",
        recipient_organization="County General",
        recipient_role="treating_provider",
        purpose=Purpose.TREATMENT,
        kinds=[InfoKind.ATTENDANCE],
        method="phone",
        exception_kind=ExceptionKind.MEDICAL_EMERGENCY,
        exception_reason="Overdose",
    )
    assert consent.pk
    chart.refresh_from_db()
    return chart


def _history_rows(chart_pk):
    from waypoint.privacy.retention import historical_models_of_chart

    return sum(
        model.objects.filter(**{column: chart_pk}).count()
        for model, column in historical_models_of_chart()
    )


def test_retention_status_of_old_chart(old_chart, today):
    status = retention_status(old_chart, today=today)
    assert status.eligible
    assert status.started_on == add_years(today, -8)
    assert status.eligible_on == add_years(today, -1)


def test_purge_deletes_chart_records_and_history_but_not_audit(login, admin, old_chart):
    pk = old_chart.pk
    audit_before = AuditEvent.objects.count()
    assert _history_rows(pk) > 0
    response = login(admin).post(reverse("privacy-chart-purge", args=[pk]), {"confirm": "C-900"})
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy-retention")
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == ["Chart C-900 and its records were deleted."]
    assert not Client.objects.filter(pk=pk).exists()
    assert not Episode.objects.filter(client_id=pk).exists()
    assert not Contact.objects.filter(client_id=pk).exists()
    assert not Consent.objects.filter(client_id=pk).exists()
    assert not Disclosure.objects.filter(client_id=pk).exists()
    assert not ClientNameIndex.objects.filter(client_id=pk).exists()
    assert _history_rows(pk) == 0
    assert AuditEvent.objects.count() > audit_before  # nothing removed, the purge added
    event = AuditEvent.objects.get(action=AuditAction.DELETE, object_id=str(pk))
    assert event.detail == {"retention": "purge"}
    assert event.object_label == f"Chart #{pk}"
    portal = User.objects.get(role=Role.CLIENT)
    assert portal.email.startswith("removed-")
    assert not portal.is_active and portal.full_name == ""
    assert not User.objects.filter(email="vera@client.test").exists()  # the digest moved too


def test_anonymize_keeps_deidentified_care(login, admin, old_chart):
    pk = old_chart.pk
    response = login(admin).post(
        reverse("privacy-chart-anonymize", args=[pk]), {"anon-confirm": "C-900"}
    )
    assert response.status_code == 302
    chart = Client.objects.get(pk=pk)
    assert chart.legal_name == "Anonymized client"
    assert chart.chart_number == f"ANON-{pk}"
    assert (chart.preferred_name, chart.phone, chart.email, chart.emergency_contact_name) == (
        "",
        "",
        "",
        "",
    )
    assert chart.date_of_birth is None
    assert chart.portal_user is None
    assert not ClientNameIndex.objects.filter(client_id=pk).exists()
    assert not Client.objects.matching("Vera").exists()
    assert chart.episodes.count() == 1 and chart.contacts.count() == 1
    assert chart.episodes.get().discharge_note == ""
    assert chart.alerts.get().detail == ""
    assert not chart.consents.exists() and not chart.disclosures.exists()
    # No earlier (identifying) values survive in change history.
    for row in chart.history.all():
        assert row.legal_name == "Anonymized client"
    assert not Episode.history.filter(client_id=pk).exists()
    assert ChartRetention.objects.get(client=chart).anonymized_at is not None
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_id=str(pk), detail={"retention": "anonymize"}
    ).exists()
    with pytest.raises(PrivacyRefused, match="already anonymized"):
        actions.anonymize_chart(chart, by=admin, confirm=chart.chart_number)


def test_anonymize_runs_registered_anonymizers(admin, old_chart, monkeypatch):
    from waypoint.privacy import retention

    ANONYMIZED.clear()
    monkeypatch.setattr(retention, "ANONYMIZERS", ["tests.privacy.test_retention.fake_anonymizer"])
    actions.anonymize_chart(old_chart, by=admin, confirm="C-900")
    assert [old_chart.pk] == ANONYMIZED


ANONYMIZED: list[int] = []


def fake_anonymizer(client):
    ANONYMIZED.append(client.pk)


def test_wrong_confirmation_changes_nothing(login, admin, old_chart):
    web = login(admin)
    response = web.post(reverse("privacy-chart-purge", args=[old_chart.pk]), {"confirm": "C-9"})
    assert response.status_code == 200
    assert "not this chart&#x27;s number" in response.content.decode()
    response = web.post(
        reverse("privacy-chart-anonymize", args=[old_chart.pk]), {"anon-confirm": ""}
    )
    assert response.status_code == 200
    chart = Client.objects.get(pk=old_chart.pk)
    assert chart.legal_name == "Vera Oldfield"
    with pytest.raises(PrivacyRefused, match="Type the chart number"):
        actions.purge_chart(chart, by=admin, confirm="c-900 ")


def _unchanged(chart):
    fresh = Client.objects.get(pk=chart.pk)
    assert fresh.legal_name == chart.legal_name
    assert fresh.chart_number == chart.chart_number
    assert Disclosure.objects.filter(client=chart).count() == 1


def test_refused_before_retention_period_ends(login, admin, old_chart, clinic, today):
    PrivacySettings.objects.filter(organization=clinic).delete()
    PrivacySettings.objects.create(organization=clinic, retention_years=10)
    with pytest.raises(PrivacyRefused) as refused:
        actions.purge_chart(old_chart, by=admin, confirm="C-900")
    [reason] = refused.value.reasons
    assert "The retention period (10 years after" in reason
    assert f"ends on {add_years(today, 2):%B} " in reason
    with pytest.raises(PrivacyRefused):
        actions.anonymize_chart(old_chart, by=admin, confirm="C-900")
    page = login(admin).get(reverse("privacy-chart-retention", args=[old_chart.pk]))
    assert "until then the chart must be kept" in page.content.decode()
    assert "Purge chart" not in page.content.decode()
    response = login(admin).post(
        reverse("privacy-chart-purge", args=[old_chart.pk]), {"confirm": "C-900"}
    )
    assert response.status_code == 200  # the page again, the action's reason on the form
    assert response.context["purge_form"].non_field_errors() == [reason]
    _unchanged(old_chart)


def test_one_day_before_and_on_the_day(admin, old_chart, today):
    eligible_on = retention_status(old_chart, today=today).eligible_on
    with pytest.raises(PrivacyRefused):
        actions.purge_chart(
            old_chart, by=admin, confirm="C-900", today=eligible_on - datetime.timedelta(days=1)
        )
    _unchanged(old_chart)
    actions.purge_chart(old_chart, by=admin, confirm="C-900", today=eligible_on)
    assert not Client.objects.filter(pk=old_chart.pk).exists()


def test_refused_for_open_chart(admin, client_chart):
    with pytest.raises(PrivacyRefused) as refused:
        actions.purge_chart(client_chart, by=admin, confirm="C-001")
    assert any("not closed" in r for r in refused.value.reasons)
    assert any("open episode" in r for r in refused.value.reasons)
    assert Client.objects.filter(pk=client_chart.pk).exists()


def test_close_chart_with_open_episode(login, admin, client_chart, today):
    web = login(admin)
    url = reverse("privacy-chart-close", args=[client_chart.pk])
    assert web.get(url).status_code == 200
    response = web.post(url, {"closed_on": today.isoformat()})
    assert "Give the reason for the discharge." in response.content.decode()
    client_chart.refresh_from_db()
    assert client_chart.status == ChartStatus.ACTIVE
    response = web.post(url, {"closed_on": today.isoformat(), "reason": "moved"})
    assert response.status_code == 302
    client_chart.refresh_from_db()
    assert client_chart.status == ChartStatus.DISCHARGED
    assert client_chart.current_episode() is None
    assert ChartRetention.objects.get(client=client_chart).closed_on == today
    status = retention_status(client_chart, today=today)
    assert status.reasons and status.eligible_on == add_years(today, 7)
    assert web.get(url).context["already_closed"]


def test_close_waitlist_chart_starts_the_clock(admin, clinic, clinician, today):
    chart = client_actions.create_client(
        by=admin, organization=clinic, chart_number="W-1", legal_name="Wait Listed"
    )
    closed = today - datetime.timedelta(days=365 * 8)
    actions.close_chart(chart, by=admin, closed_on=closed)
    chart.refresh_from_db()
    assert chart.status == ChartStatus.DISCHARGED
    assert retention_status(chart, today=today).eligible
    with pytest.raises(PrivacyRefused, match="already closed"):
        actions.close_chart(chart, by=admin, closed_on=today)


def test_retention_settings(login, admin, clinic):
    web = login(admin)
    url = reverse("privacy-settings")
    assert web.get(url).status_code == 200
    for bad in ("0", "51", "seven", ""):
        response = web.post(url, {"retention_years": bad, "public_question_days": "180"})
        assert response.status_code == 200
        assert response.context["form"].errors
    assert PrivacySettings.for_organization(clinic).retention_years == 7
    response = web.post(url, {"retention_years": "10", "public_question_days": "180"})
    assert response.status_code == 302
    assert PrivacySettings.for_organization(clinic).retention_years == 10
    event = AuditEvent.objects.get(object_type="privacy.privacysettings")
    assert event.detail == {"retention_years": {"before": 7, "after": 10}}


def test_default_public_site_retention_is_180_days(clinic):
    assert PrivacySettings.for_organization(clinic).public_question_days == 180
    assert PrivacySettings.public_question_days_for(None) == 180


def test_public_site_retention_setting(login, admin, clinic, settings):
    settings.PUBLIC_SITE_ORGANIZATION = clinic.slug
    web = login(admin)
    url = reverse("privacy-settings")
    page = web.get(url)
    body = page.content.decode()
    assert "Keep what people send through the public site for (days)" in body
    assert "An urgent question is kept until someone on the team marks it handled." in body
    assert "This organization runs the public site, so this period applies." in body
    assert page.context["form"].initial["public_question_days"] == 180
    for bad in ("29", "3651", "-1", "half a year", ""):
        response = web.post(url, {"retention_years": "10", "public_question_days": bad})
        assert response.status_code == 200
        assert "public_question_days" in response.context["form"].errors
    row = PrivacySettings.for_organization(clinic)
    assert (row.retention_years, row.public_question_days) == (7, 180)  # nothing changed
    assert not AuditEvent.objects.filter(object_type="privacy.privacysettings").exists()
    assert row.history.count() == 1  # only its creation
    for days in ("30", "3650"):
        response = web.post(url, {"retention_years": "7", "public_question_days": days})
        assert response.status_code == 302
    row.refresh_from_db()
    assert row.public_question_days == 3650
    details = [
        e.detail
        for e in AuditEvent.objects.filter(object_type="privacy.privacysettings").order_by("pk")
    ]
    assert details == [
        {"public_question_days": {"before": 180, "after": 30}},
        {"public_question_days": {"before": 30, "after": 3650}},
    ]
    assert row.history.latest().history_user == admin
    assert PrivacySettings.public_question_days_for(clinic) == 3650


def test_public_site_retention_page_says_when_it_is_not_used(
    login, admin, clinic, other_clinic, settings
):
    settings.PUBLIC_SITE_ORGANIZATION = other_clinic.slug
    body = login(admin).get(reverse("privacy-settings")).content.decode()
    assert "This organization does not run the public site, so this period is not used." in body


def test_public_site_retention_is_refused_out_of_range(admin, clinic):
    for bad in (29, 3651):
        with pytest.raises(PrivacyRefused, match="between 30 and 3650 days"):
            actions.update_privacy_settings(
                clinic, by=admin, retention_years=7, public_question_days=bad
            )
    assert PrivacySettings.for_organization(clinic).public_question_days == 180


def test_public_site_retention_has_a_database_check(clinic):
    from django.db import IntegrityError, transaction

    row = PrivacySettings.for_organization(clinic)
    for bad in (29, 3651):
        row.public_question_days = bad
        with pytest.raises(IntegrityError), transaction.atomic():
            row.save(update_fields=["public_question_days"])


def test_retention_list(login, admin, old_chart, client_chart):
    page = login(admin).get(reverse("privacy-retention"))
    assert page.status_code == 200
    charts = [chart.pk for chart, _ in page.context["rows"]]
    assert charts == [old_chart.pk]
    assert "Past retention" in page.content.decode()


@pytest.mark.parametrize(
    "name,method",
    [
        ("privacy-settings", "get"),
        ("privacy-retention", "get"),
        ("privacy-chart-close", "get"),
        ("privacy-chart-retention", "get"),
        ("privacy-chart-purge", "post"),
        ("privacy-chart-anonymize", "post"),
    ],
)
def test_retention_pages_are_admin_only(login, clinician, supervisor, old_chart, name, method):
    args = [old_chart.pk] if "chart" in name else []
    url = reverse(name, args=args)
    for user in (clinician, supervisor):
        response = getattr(login(user), method)(url, {"confirm": "C-900", "anon-confirm": "C-900"})
        assert response.status_code == 403
    assert Client.objects.get(pk=old_chart.pk).legal_name == "Vera Oldfield"


@pytest.mark.parametrize(
    "name", ["privacy-chart-close", "privacy-chart-retention", "privacy-chart-purge"]
)
def test_other_organization_admin_gets_404(login, other_admin, old_chart, name):
    web = login(other_admin)
    method = web.post if name.endswith("purge") else web.get
    assert method(reverse(name, args=[old_chart.pk]), {"confirm": "C-900"}).status_code == 404
    assert Client.objects.filter(pk=old_chart.pk).exists()


def test_purge_get_is_405(login, admin, old_chart):
    assert login(admin).get(reverse("privacy-chart-purge", args=[old_chart.pk])).status_code == 405


def test_only_admins_may_change_public_site_retention(login, clinician, supervisor, clinic):
    for user in (clinician, supervisor):
        response = login(user).post(
            reverse("privacy-settings"), {"retention_years": "7", "public_question_days": "30"}
        )
        assert response.status_code == 403
    assert PrivacySettings.public_question_days_for(clinic) == 180
