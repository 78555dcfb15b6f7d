"""Measures pages: happy paths, who may see what, wrong methods and invalid forms."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.clients.models import Alert
from waypoint.measures import actions
from waypoint.measures.models import Administration, Schedule

pytestmark = pytest.mark.django_db

PHQ9_POST = {f"item_q{n}": "1" for n in range(1, 10)} | {"item_q9": "0"}  # total 8, Mild


@pytest.fixture
def done(phq9):
    return phq9([1, 1, 1, 1, 1, 1, 1, 1, 0], days=30)


def _read_urls(chart, administration):
    return [
        reverse("measures-list", args=[chart.pk]),
        reverse("measures-detail", args=[chart.pk, administration.pk]),
        reverse("measures-history", args=[chart.pk, "phq-9"]),
        reverse("measures-fhir", args=[chart.pk, administration.pk]),
    ]


def _write_urls(chart, administration):
    return [
        ("get", reverse("measures-record", args=[chart.pk, "phq-9"])),
        ("get", reverse("measures-correct", args=[chart.pk, administration.pk])),
        ("post", reverse("measures-assign", args=[chart.pk])),
        ("post", reverse("measures-cancel", args=[chart.pk, administration.pk])),
        ("post", reverse("measures-schedule", args=[chart.pk])),
    ]


def test_staff_pages_render_for_the_care_team(login, clinician, client_chart, done):
    web = login(clinician)
    for url in _read_urls(client_chart, done):
        assert web.get(url).status_code == 200, url
    for method, url in _write_urls(client_chart, done):
        if method == "get":
            assert web.get(url).status_code == 200, url
    for url in [
        reverse("measures-library"),
        reverse("measures-instrument", args=["dast-10"]),
        reverse("measures-questionnaire", args=["phq-9"]),
        reverse("clients-detail", args=[client_chart.pk]),
        reverse("caseload"),
    ]:
        assert web.get(url).status_code == 200, url


def test_every_instrument_form_renders_with_labelled_radios(login, clinician, client_chart):
    web = login(clinician)
    for instrument_id in [
        "audit",
        "audit-c",
        "cudit-r",
        "dast-10",
        "gad-7",
        "phq-9",
        "readiness-ruler",
        "socrates-8a",
    ]:
        response = web.get(reverse("measures-record", args=[client_chart.pk, instrument_id]))
        html = response.content.decode()
        assert response.status_code == 200
        assert "<fieldset" in html and "<legend>1. " in html
        assert 'for="id_item_q1_0"' in html or 'for="id_item_importance_0"' in html


def test_anonymous_is_sent_to_login(client, client_chart, done):
    for url in _read_urls(client_chart, done) + [reverse("measures-library")]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url
    for url in [reverse("portal-measure", args=[done.pk])]:
        assert client.get(url).status_code == 302


@pytest.mark.parametrize("who", ["other_clinician", "colleague"])
def test_charts_outside_the_users_reach_are_404(request, login, client_chart, done, who):
    web = login(request.getfixturevalue(who))
    for url in _read_urls(client_chart, done):
        assert web.get(url).status_code == 404, url
    for method, url in _write_urls(client_chart, done):
        assert getattr(web, method)(url).status_code == 404, url
    assert Administration.objects.count() == 1


def test_portal_user_cannot_use_staff_pages(login, client_user, client_chart, done):
    web = login(client_user)
    for url in _read_urls(client_chart, done) + [reverse("measures-library")]:
        assert web.get(url).status_code == 403, url


def test_supervisor_reads_but_cannot_write(login, supervisor, client_chart, done):
    web = login(supervisor)
    for url in _read_urls(client_chart, done):
        assert web.get(url).status_code == 200, url
    for method, url in _write_urls(client_chart, done):
        assert getattr(web, method)(url).status_code == 403, url


def test_wrong_methods(login, clinician, client_chart, done):
    web = login(clinician)
    assert web.post(reverse("measures-history", args=[client_chart.pk, "phq-9"])).status_code == 405
    assert web.post(reverse("measures-fhir", args=[client_chart.pk, done.pk])).status_code == 405
    assert web.get(reverse("measures-assign", args=[client_chart.pk])).status_code == 405
    assert web.get(reverse("measures-cancel", args=[client_chart.pk, done.pk])).status_code == 405
    assert (
        web.delete(reverse("measures-record", args=[client_chart.pk, "phq-9"])).status_code == 405
    )


def test_unknown_instrument_is_404(login, clinician, client_chart):
    web = login(clinician)
    assert web.get(reverse("measures-record", args=[client_chart.pk, "nope"])).status_code == 404
    assert web.get(reverse("measures-instrument", args=["nope"])).status_code == 404


def test_record_in_session(login, clinician, client_chart):
    web = login(clinician)
    url = reverse("measures-record", args=[client_chart.pk, "phq-9"])
    day = timezone.localdate() - datetime.timedelta(days=2)
    response = web.post(url, {**PHQ9_POST, "administered_on": day.isoformat()})
    administration = Administration.objects.get()
    assert response.status_code == 302 and response["Location"] == administration.get_absolute_url()
    assert (administration.total, administration.band) == (8, "Mild")
    assert timezone.localdate(administration.administered_at) == day
    detail = web.get(response["Location"]).content.decode()
    assert "Mild" in detail and "Download FHIR bundle" in detail


def test_record_with_a_missing_item_keeps_answers_and_saves_nothing(login, clinician, client_chart):
    web = login(clinician)
    url = reverse("measures-record", args=[client_chart.pk, "phq-9"])
    data = {**PHQ9_POST, "administered_on": timezone.localdate().isoformat()}
    del data["item_q4"]
    response = web.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose an answer." in html
    assert 'id="id_item_q3_1" checked' in html  # what was chosen is kept
    assert not Administration.objects.exists()


def test_record_rejects_future_dates_and_bad_indexes(login, clinician, client_chart):
    web = login(clinician)
    url = reverse("measures-record", args=[client_chart.pk, "phq-9"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = web.post(url, {**PHQ9_POST, "administered_on": tomorrow.isoformat()})
    assert response.status_code == 400 and "cannot be in the future" in response.content.decode()
    response = web.post(
        url, {**PHQ9_POST, "item_q2": "7", "administered_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 400
    assert not Administration.objects.exists()


def test_item9_from_the_form_raises_alert_shown_on_caseload(login, clinician, client_chart):
    web = login(clinician)
    url = reverse("measures-record", args=[client_chart.pk, "phq-9"])
    web.post(
        url, {**PHQ9_POST, "item_q9": "1", "administered_on": timezone.localdate().isoformat()}
    )
    alert = Alert.objects.get()
    caseload = web.get(reverse("caseload")).content.decode()
    assert "PHQ-9 item 9 above 0" in caseload
    chart = web.get(reverse("clients-detail", args=[client_chart.pk])).content.decode()
    assert "PHQ-9 item 9 above 0" in chart
    web.post(
        reverse("clients-alert-acknowledge", args=[client_chart.pk, alert.pk]),
        {f"alert{alert.pk}-note": "Called Robin, safety plan reviewed."},
    )
    alert.refresh_from_db()
    assert not alert.is_open
    assert "PHQ-9 item 9 above 0" not in web.get(reverse("caseload")).content.decode()


def test_correct_measure(login, clinician, client_chart, done):
    web = login(clinician)
    url = reverse("measures-correct", args=[client_chart.pk, done.pk])
    assert 'id="id_item_q1_1" checked' in web.get(url).content.decode()  # prefilled
    response = web.post(url, PHQ9_POST)  # no reason
    assert response.status_code == 400 and Administration.objects.count() == 1
    response = web.post(url, {**PHQ9_POST, "item_q1": "3", "reason": "Item 1 misread"})
    correction = Administration.objects.get(supersedes=done)
    assert response["Location"] == correction.get_absolute_url()
    assert correction.total == 10
    again = web.get(url)
    assert again.status_code == 302  # already corrected


def test_fhir_download_is_audited_as_export(login, clinician, client_chart, done):
    web = login(clinician)
    response = web.get(reverse("measures-fhir", args=[client_chart.pk, done.pk]))
    assert response["Content-Type"].startswith("application/fhir+json")
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["resourceType"] == "Bundle"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.object_type, event.object_id, event.client_id) == (
        "measures.administration",
        str(done.pk),
        client_chart.pk,
    )


def test_history_page_chart_and_reliable_change(login, clinician, client_chart, phq9):
    phq9([2, 2, 2, 2, 2, 2, 2, 2, 0], days=90)  # 16
    phq9([2, 2, 2, 1, 1, 1, 1, 1, 0], days=60)  # 11
    phq9([1, 1, 1, 1, 1, 1, 1, 1, 0], days=30)  # 8
    html = (
        login(clinician)
        .get(reverse("measures-history", args=[client_chart.pk, "phq-9"]))
        .content.decode()
    )
    assert "<svg" in html and 'class="band band-0"' in html and "<polyline" in html
    # Clinical norms, SD 5.5 and r 0.89: S_diff = sqrt(2) x 5.5 x sqrt(0.11) = 2.5797.
    # First 16 -> latest 8: RCI = -8 / 2.5797 = -3.10, reliable improvement; NHS drop 8 >= 6.
    assert "-3.10" in html
    assert html.count("Reliable improvement") >= 2
    # 16 -> 11: RCI -1.94, not reliable (it was, -3.05, on the general-population SD of 3.5);
    # 11 -> 8: -1.16.
    assert "-1.94" in html and "-1.16" in html and "No reliable change" in html


def test_history_without_rci_parameters(login, clinician, client_chart):
    for answers in ([4, 4, 4, 2, 0, 0, 0, 0, 0, 0], [2, 1, 1, 0, 0, 0, 0, 0, 0, 0]):
        actions.record_administration(
            client_chart, by=clinician, instrument_id="audit", answers=answers
        )
    html = (
        login(clinician)
        .get(reverse("measures-history", args=[client_chart.pk, "audit"]))
        .content.decode()
    )
    assert "Raw change only" in html and "<svg" in html
    # The chart says what each zone means and WHO's suggested response (manual, Table 4).
    assert "Zone II: hazardous (risky) drinking" in html
    assert "WHO suggests simple advice plus brief counselling and continued monitoring" in html


def test_assign_schedule_cancel_and_stop(login, clinician, client_chart):
    web = login(clinician)
    response = web.post(
        reverse("measures-assign", args=[client_chart.pk]),
        {"instrument": "gad-7", "in_portal": "on"},
    )
    assert response.status_code == 302
    assigned = Administration.objects.get()
    again = web.post(
        reverse("measures-assign", args=[client_chart.pk]),
        {"instrument": "gad-7", "in_portal": "on"},
    )
    assert again.status_code == 400 and "already waiting" in again.content.decode()
    bad = web.post(reverse("measures-assign", args=[client_chart.pk]), {"instrument": "beck"})
    assert bad.status_code == 400 and Administration.objects.count() == 1
    web.post(reverse("measures-cancel", args=[client_chart.pk, assigned.pk]))
    assigned.refresh_from_db()
    assert assigned.status == "cancelled"

    bad = web.post(
        reverse("measures-schedule", args=[client_chart.pk]),
        {
            "schedule-instrument": "phq-9",
            "schedule-every_weeks": "0",
            "schedule-starts_on": timezone.localdate().isoformat(),
        },
    )
    assert bad.status_code == 400 and not Schedule.objects.exists()
    web.post(
        reverse("measures-schedule", args=[client_chart.pk]),
        {
            "schedule-instrument": "phq-9",
            "schedule-every_weeks": "4",
            "schedule-starts_on": timezone.localdate().isoformat(),
        },
    )
    schedule = Schedule.objects.get()
    assert Administration.objects.open().get().schedule == schedule
    caseload = web.get(reverse("caseload")).content.decode()
    assert "Measures due" in caseload and "PHQ-9" in caseload
    web.post(reverse("measures-schedule-stop", args=[client_chart.pk, schedule.pk]))
    assert not Administration.objects.open().exists()


def test_portal_flow(login, client_user, client_chart, clinician):
    assigned = actions.assign(client_chart, by=clinician, instrument_id="phq-9")
    web = login(client_user)
    home = web.get(reverse("portal-home")).content.decode()
    url = reverse("portal-measure", args=[assigned.pk])
    assert url in home
    page = web.get(url).content.decode()
    assert "<legend>1. Little interest or pleasure in doing things" in page
    assert '<label for="id_item_q1_0">Not at all</label>' in page
    response = web.post(url, {"item_q1": "1"})
    assert response.status_code == 400 and "Choose an answer." in response.content.decode()
    response = web.post(url, PHQ9_POST | {"item_q9": "2"})
    assert response["Location"] == reverse("portal-measure-done", args=[assigned.pk])
    sent = web.get(response["Location"]).content.decode()
    assert "988" in sent and "911" in sent and "Thank you for telling us" in sent
    assigned.refresh_from_db()
    assert assigned.completed_in_portal and assigned.total == 10
    assert Alert.objects.get().kind == "phq9_item9"
    # Sent once: the form is gone, and the portal home no longer lists it.
    assert web.get(url).status_code == 302
    assert url not in web.get(reverse("portal-home")).content.decode()


def test_portal_done_without_item9_shows_no_crisis_box(login, client_user, client_chart, clinician):
    assigned = actions.assign(client_chart, by=clinician, instrument_id="gad-7")
    web = login(client_user)
    web.post(
        reverse("portal-measure", args=[assigned.pk]), {f"item_q{n}": "0" for n in range(1, 8)}
    )
    sent = web.get(reverse("portal-measure-done", args=[assigned.pk])).content.decode()
    assert "Thank you for telling us" not in sent


def test_portal_isolation(
    login, client_user, other_chart, other_clinician, client_chart, clinician
):
    theirs = actions.assign(other_chart, by=other_clinician, instrument_id="phq-9")
    session_only = actions.assign(
        client_chart, by=clinician, instrument_id="gad-7", in_portal=False
    )
    web = login(client_user)
    assert web.get(reverse("portal-measure", args=[theirs.pk])).status_code == 404
    assert web.get(reverse("portal-measure", args=[session_only.pk])).status_code == 404
    assert web.get(reverse("portal-measure-done", args=[theirs.pk])).status_code == 404
    staff = login(clinician)
    assert staff.get(reverse("portal-measure", args=[session_only.pk])).status_code == 403


def test_not_yet_due_items_wait(login, client_user, client_chart, clinician):
    later = timezone.localdate() + datetime.timedelta(days=10)
    assigned = actions.assign(client_chart, by=clinician, instrument_id="phq-9", due_on=later)
    web = login(client_user)
    assert (
        reverse("portal-measure", args=[assigned.pk])
        not in web.get(reverse("portal-home")).content.decode()
    )
    assert web.get(reverse("portal-measure", args=[assigned.pk])).status_code == 302


def test_measures_page_has_no_duplicate_ids(login, clinician, client_chart):
    import collections
    import re

    body = login(clinician).get(reverse("measures-list", args=[client_chart.pk])).content.decode()
    ids = collections.Counter(re.findall(r'\sid="([^"]+)"', body))
    assert [i for i, n in ids.items() if n > 1] == []


def test_instrument_page_labels_the_dast10_adaptation(login, clinician):
    # CAMH's DAST-10 item 2 reads "abuse"; ours reads "use", labelled as our adaptation.
    html = login(clinician).get(reverse("measures-instrument", args=["dast-10"])).content.decode()
    assert "Waypoint adaptation of the CAMH DAST-10 (person-first wording)" in html
    assert "Item 2: \u201cDo you use more than one drug at a time?\u201d" in html
    assert "(original: \u201cDo you abuse more than one drug at a time?\u201d)" in html
