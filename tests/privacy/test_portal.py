"""The client's privacy pages: sign and revoke consents, see disclosures, download the record."""

import datetime
import json

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from tests.conftest import PASSWORD
from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.privacy import actions
from waypoint.privacy.models import (
    Consent,
    ConsentStatus,
    Disclosure,
    InfoKind,
    Purpose,
    RevocationMethod,
    SignatureAuthentication,
    SignatureMethod,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting(make_consent, client_user):
    return make_consent(signed=False, sent=True, recipient_name="Harbor Primary Care")


def test_privacy_page_lists_own_consents_only(
    login, client_user, awaiting, make_consent, colleague_chart
):
    make_consent(colleague_chart, recipient_name="Someone Elses Clinic")
    page = login(client_user).get(reverse("privacy-portal")).content.decode()
    assert "Harbor Primary Care" in page
    assert "Someone Elses Clinic" not in page
    assert reverse("privacy-portal-sign", args=[awaiting.pk]) in page


def test_portal_home_panel_shows_what_awaits_signature(login, client_user, awaiting):
    page = login(client_user).get(reverse("portal-home")).content.decode()
    assert "waiting for your signature" in page
    assert reverse("privacy-portal-sign", args=[awaiting.pk]) in page


def test_client_signs_in_portal(login, client_user, awaiting):
    web = login(client_user)
    url = reverse("privacy-portal-sign", args=[awaiting.pk])
    page = web.get(url).content.decode()
    assert "You may revoke (cancel) this consent at any time" in page
    assert "You do not have to sign" in page
    response = web.post(
        url, {"typed_name": "Robin Quillfeather", "agree": "on", "password": PASSWORD}
    )
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.status == ConsentStatus.ACTIVE
    assert awaiting.signature_method == SignatureMethod.E_SIGNATURE
    assert awaiting.signature_authentication == SignatureAuthentication.PASSWORD_REAUTH
    assert awaiting.signed_name == "Robin Quillfeather"
    assert awaiting.signed_ip == "127.0.0.1"
    assert awaiting.signature_recorded_by == client_user
    assert awaiting.signature_recorded_at is not None
    assert awaiting.history.count() == 2  # created, signed


def test_signing_needs_name_and_agreement(login, client_user, awaiting):
    response = login(client_user).post(
        reverse("privacy-portal-sign", args=[awaiting.pk]), {"typed_name": "R"}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    awaiting.refresh_from_db()
    assert awaiting.status == ConsentStatus.AWAITING_SIGNATURE


def test_draft_cannot_be_signed_by_client(login, client_user, make_consent):
    draft = make_consent(signed=False)
    response = login(client_user).post(
        reverse("privacy-portal-sign", args=[draft.pk]), {"typed_name": "Robin Q", "agree": "on"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ConsentStatus.DRAFT


def test_esign_action_refuses_anyone_but_the_client(awaiting, clinician):
    with pytest.raises(actions.PrivacyRefused):
        actions.esign_consent(awaiting, by=clinician, typed_name="Maya", ip_address=None)
    awaiting.refresh_from_db()
    assert awaiting.signed_on is None


def test_client_revokes_in_portal(login, client_user, consent):
    web = login(client_user)
    url = reverse("privacy-portal-revoke", args=[consent.pk])
    assert web.get(url).status_code == 200
    assert web.post(url, {}).status_code == 200  # the confirmation box is required
    consent.refresh_from_db()
    assert consent.revoked_at is None
    assert web.post(url, {"confirm": "on"}).status_code == 302
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.REVOKED
    assert consent.revocation_method == RevocationMethod.PORTAL
    assert consent.revoked_by == client_user


def test_client_cannot_reach_another_clients_consent(
    login, client_user, make_consent, colleague_chart
):
    theirs = make_consent(colleague_chart, signed=False, sent=True)
    web = login(client_user)
    assert web.get(reverse("privacy-portal-sign", args=[theirs.pk])).status_code == 404
    assert (
        web.post(reverse("privacy-portal-revoke", args=[theirs.pk]), {"confirm": "on"}).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def _disclose_on(chart, by, consent, when):
    disclosure = actions.disclose(
        chart,
        by=by,
        consent=consent,
        recipient_name="Eastside Community Health",
        recipient_role="treating_provider",
        purpose=Purpose.TREATMENT,
        kinds=[InfoKind.ATTENDANCE],
        method="fax",
    )
    Disclosure.objects.filter(pk=disclosure.pk).update(disclosed_at=when)
    return disclosure


def test_portal_accounting_by_period(login, client_user, client_chart, clinician, consent):
    may = datetime.datetime(2026, 5, 10, 17, tzinfo=datetime.UTC)
    july = datetime.datetime(2026, 7, 20, 17, tzinfo=datetime.UTC)
    _disclose_on(client_chart, clinician, consent, may)
    _disclose_on(client_chart, clinician, consent, july)
    web = login(client_user)
    url = reverse("privacy-portal-accounting")
    assert len(web.get(url).context["disclosures"]) == 2
    only_may = web.get(url, {"start": "2026-05-01", "end": "2026-05-31"}).context["disclosures"]
    assert [d.disclosed_at for d in only_may] == [may]
    bad = web.get(url, {"start": "2026-06-01", "end": "2026-05-01"})
    assert "The end date is before the start date." in bad.content.decode()
    assert len(bad.context["disclosures"]) == 0


def test_portal_accounting_hides_other_clients(
    login, client_user, colleague_chart, admin, make_consent
):
    consent = make_consent(colleague_chart)
    _disclose_on(
        colleague_chart, admin, consent, datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    )
    assert (
        len(login(client_user).get(reverse("privacy-portal-accounting")).context["disclosures"])
        == 0
    )


def _download(web, fmt):
    response = web.get(reverse("privacy-portal-download", args=[fmt]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response


def test_json_download(login, client_user, client_chart, consent):
    body = json.loads(_download(login(client_user), "json").content)
    assert body["format"] == "waypoint-client-record"
    assert body["chart_number"] == "C-001"
    assert body["demographics"]["legal_name"] == "Robin Quillfeather"
    assert body["demographics"]["date_of_birth"] == "1988-04-02"
    assert body["care"]["episodes"][0]["admitted_on"] == "2026-01-05"
    assert body["care"]["care_team"][0]["name"] == "Maya Clinician"
    assert body["consents"][0]["recipient"] == "Eastside Community Health"
    assert body["alerts"] == {"total": 0, "open": 0}


def test_fhir_download_validates_as_r4b_bundle(
    login, client_user, client_chart, clinician, consent
):
    from waypoint.clients import actions as client_actions

    client_actions.record_contact(
        client_chart, by=clinician, occurred_on=datetime.date(2026, 2, 3), kind="phone", minutes=20
    )
    response = _download(login(client_user), "fhir")
    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate_json(response.content)
    assert bundle.type == "collection"
    types = [entry.resource.__resource_type__ for entry in bundle.entry]
    for expected in (
        "Organization",
        "Patient",
        "EpisodeOfCare",
        "CareTeam",
        "Practitioner",
        "Encounter",
        "Consent",
    ):
        assert expected in types
    patient = next(e.resource for e in bundle.entry if e.resource.__resource_type__ == "Patient")
    assert str(patient.birthDate) == "1988-04-02"
    assert patient.identifier[0].value == "C-001"
    references = {e.fullUrl for e in bundle.entry}
    episode = next(
        e.resource for e in bundle.entry if e.resource.__resource_type__ == "EpisodeOfCare"
    )
    assert episode.patient.reference in references
    assert episode.managingOrganization.reference in references
    encounter = next(
        e.resource for e in bundle.entry if e.resource.__resource_type__ == "Encounter"
    )
    assert encounter.class_fhir.code == "VR"


def test_the_old_pdf_link_sends_the_person_to_the_background_export(login, client_user):
    """A bookmark to the in-request PDF: no PDF made in the request, nothing queued by a GET."""
    from waypoint.reports.models import ExportJob

    web = login(client_user)
    response = web.get(reverse("privacy-portal-download", args=["pdf"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy-portal") + "#h-download"
    assert "pdf" not in response.get("Content-Type", "")
    assert "Content-Disposition" not in response
    assert not ExportJob.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    page = web.get(response["Location"]).content.decode()
    assert "The readable copy (PDF) is now prepared in the background." in page
    assert f'action="{reverse("reports-portal-record-pdf")}"' in page


def test_the_old_pdf_link_is_for_clients_only(login, client, clinician):
    url = reverse("privacy-portal-download", args=["pdf"])
    assert client.get(url).status_code == 302 and client.get(url)["Location"].startswith(
        reverse("login")
    )
    assert login(clinician).get(url).status_code == 403


def test_downloads_are_audited_as_export_not_disclosure(login, client_user, client_chart):
    web = login(client_user)
    for fmt in ("json", "fhir"):
        _download(web, fmt)
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, client_id=client_chart.pk)
    assert sorted(e.detail["format"] for e in exports) == ["fhir", "json"]
    assert all(e.actor_id == client_user.pk for e in exports)
    assert not AuditEvent.objects.filter(action=AuditAction.DISCLOSE).exists()
    assert not Disclosure.objects.exists()


def test_unknown_download_format_is_404(login, client_user):
    assert (
        login(client_user).get(reverse("privacy-portal-download", args=["xml"])).status_code == 404
    )


@pytest.mark.parametrize(
    "name,args",
    [
        ("privacy-portal", []),
        ("privacy-portal-accounting", []),
        ("privacy-portal-download", ["json"]),
    ],
)
def test_portal_pages_are_for_clients_only(login, clinician, admin, client, name, args):
    url = reverse(name, args=args)
    assert client.get(url).status_code == 302  # anonymous: to sign in
    assert login(clinician).get(url).status_code == 403
    assert login(admin).get(url).status_code == 403


def test_consent_pages_for_staff_are_403_for_clients(login, client_user, client_chart, consent):
    web = login(client_user)
    for url in (
        reverse("privacy-consents", args=[client_chart.pk]),
        reverse("privacy-consent-detail", args=[client_chart.pk, consent.pk]),
        reverse("privacy-disclose", args=[client_chart.pk]),
    ):
        assert web.get(url).status_code == 403


def test_portal_download_post_is_405(login, client_user):
    assert (
        login(client_user).post(reverse("privacy-portal-download", args=["json"])).status_code
        == 405
    )


def test_portal_consent_statuses_shown(login, client_user, make_consent, today):
    make_consent(recipient_name="Old Clinic", expires_on=today - datetime.timedelta(days=5))
    page = login(client_user).get(reverse("privacy-portal")).content.decode()
    assert "Old Clinic" in page and "has expired" in page
    assert Consent.objects.count() == 1
