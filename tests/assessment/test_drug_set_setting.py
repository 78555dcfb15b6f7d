"""Drug, set and setting per substance: structured fields and encrypted text, versions kept."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from waypoint.assessment import actions
from waypoint.assessment.models import DrugSetSetting

pytestmark = pytest.mark.django_db

DATA = {
    "amount_and_frequency": "Weekends, two or three lines",
    "route": "snorted",
    "age_first_use": "19",
    "does_for_them": "Confidence at the club",
    "costs_them": "Rent money by Tuesday",
    "continuum_client": "use",
    "continuum_clinician": "misuse",
    "set_notes": "Expects to keep control",
    "setting_notes": "Flatmates use too; supportive brother",
}


def test_clinician_saves_versions_and_sees_them(login, clinician, client_chart):
    web = login(clinician)
    url = reverse("assessment-dss-edit", args=[client_chart.pk, "cocaine"])
    assert web.get(url).status_code == 200
    response = web.post(url, DATA)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment-dss", args=[client_chart.pk])
    again = web.get(url).content.decode()
    assert "Rent money by Tuesday" in again  # a new version starts from the current one
    web.post(url, {**DATA, "continuum_client": "misuse"})
    versions = DrugSetSetting.objects.filter(client=client_chart, substance="cocaine")
    assert [v.continuum_client for v in versions] == ["misuse", "use"]
    page = web.get(reverse("assessment-dss", args=[client_chart.pk])).content.decode()
    assert "The person: Misuse · the clinician: Misuse" in page
    assert "Flatmates use too" in page


def test_free_text_is_encrypted(client_chart, clinician):
    row = actions.save_drug_set_setting(
        client_chart,
        by=clinician,
        substance="cocaine",
        noted_on=datetime.date(2026, 2, 2),
        set_notes="Expects to keep control",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_notes FROM assessment_drugsetsetting WHERE id = %s", [row.pk])
        assert "control" not in cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"age_first_use": "1"}, "age_first_use"), ({"route": "teleported"}, "route")],
)
def test_bad_input_shows_errors_and_saves_nothing(login, clinician, client_chart, change, field):
    url = reverse("assessment-dss-edit", args=[client_chart.pk, "cocaine"])
    response = login(clinician).post(url, {**DATA, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not DrugSetSetting.objects.exists()


def test_an_empty_form_saves_nothing(login, clinician, client_chart):
    url = reverse("assessment-dss-edit", args=[client_chart.pk, "cocaine"])
    response = login(clinician).post(url, {})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not DrugSetSetting.objects.exists()


def test_unknown_substance_404_and_supervisor_read_only(login, supervisor, client_chart):
    web = login(supervisor)
    assert web.get(reverse("assessment-dss", args=[client_chart.pk])).status_code == 200
    url = reverse("assessment-dss-edit", args=[client_chart.pk, "cocaine"])
    assert web.post(url, DATA).status_code == 403
    bad = reverse("assessment-dss-edit", args=[client_chart.pk, "sugar"])
    assert web.get(bad).status_code == 404
