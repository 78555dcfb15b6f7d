"""Decisional balance: four encrypted cells per substance, versions kept, chart and portal."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from waypoint.assessment import actions
from waypoint.assessment.models import DecisionalBalance

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 2, 2)
CELLS = {
    "benefits_of_using": "Quiets the racing thoughts at night",
    "costs_of_using": "Late for the morning ferry",
    "benefits_of_changing": "",
    "costs_of_changing": "Nothing else helps me sleep",
}


def test_cells_are_encrypted_at_rest(client_chart, clinician):
    row = actions.save_balance(
        client_chart, by=clinician, substance="cannabis", noted_on=DAY, **CELLS
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT benefits_of_using FROM assessment_decisionalbalance WHERE id = %s", [row.pk]
        )
        raw = cursor.fetchone()[0]
    assert "racing" not in raw
    assert DecisionalBalance.objects.get().benefits_of_using == CELLS["benefits_of_using"]


def test_clinician_edits_keep_every_version(login, clinician, client_chart):
    actions.save_balance(client_chart, by=clinician, substance="cannabis", noted_on=DAY, **CELLS)
    web = login(clinician)
    url = reverse("assessment-balance-edit", args=[client_chart.pk, "cannabis"])
    page = web.get(url)
    assert page.status_code == 200
    assert "Quiets the racing thoughts" in page.content.decode()  # prefilled from current
    response = web.post(url, {**CELLS, "benefits_of_changing": "Waking up rested"})
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment-balances", args=[client_chart.pk])
    versions = DecisionalBalance.objects.filter(client=client_chart)
    assert versions.count() == 2
    assert versions.first().benefits_of_changing == "Waking up rested"
    listing = web.get(reverse("assessment-balances", args=[client_chart.pk])).content.decode()
    assert "Waking up rested" in listing


def test_all_empty_cells_save_nothing(login, clinician, client_chart):
    web = login(clinician)
    url = reverse("assessment-balance-edit", args=[client_chart.pk, "alcohol"])
    response = web.post(url, {k: "  " for k in CELLS})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not DecisionalBalance.objects.exists()


def test_unknown_substance_is_404(login, clinician, client_user):
    assert (
        login(clinician)
        .get(reverse("assessment-balance-edit", args=[client_user.pk, "sugar"]))
        .status_code
        == 404
    )


def test_the_person_writes_their_own_in_the_portal(login, client_user, client_chart):
    web = login(client_user)
    home = web.get(reverse("portal-home")).content.decode()
    assert "Weighing it up" in home
    assert web.get(reverse("assessment-portal-balances")).status_code == 200
    url = reverse("assessment-portal-balance-edit", args=["alcohol"])
    assert web.get(url).status_code == 200
    assert web.get(reverse("assessment-portal-balance-edit", args=["sugar"])).status_code == 404
    response = web.post(url, {**CELLS, "costs_of_using": "Spending the rent money"})
    assert response.status_code == 302
    row = DecisionalBalance.objects.get(client=client_chart)
    assert row.by_client and row.recorded_by == client_user
    assert row.costs_of_using == "Spending the rent money"


def test_clinician_sees_what_the_person_wrote(login, client_user, clinician, client_chart):
    actions.save_balance(
        client_chart, by=client_user, substance="alcohol", noted_on=DAY, by_client=True, **CELLS
    )
    body = (
        login(clinician)
        .get(reverse("assessment-balances", args=[client_chart.pk]))
        .content.decode()
    )
    assert "written by the person" in body
    assert "Late for the morning ferry" in body


def test_staff_cannot_use_portal_pages_and_client_not_staff_pages(
    login, clinician, client_user, client_chart
):
    assert login(clinician).get(reverse("assessment-portal-balances")).status_code == 403
    web = login(client_user)
    assert web.get(reverse("assessment-balances", args=[client_chart.pk])).status_code == 403


def test_supervisor_reads_but_cannot_edit(login, supervisor, client_chart):
    web = login(supervisor)
    assert web.get(reverse("assessment-balances", args=[client_chart.pk])).status_code == 200
    url = reverse("assessment-balance-edit", args=[client_chart.pk, "alcohol"])
    assert web.post(url, CELLS).status_code == 403
    assert not DecisionalBalance.objects.exists()
