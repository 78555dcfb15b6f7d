"""Chart numbers: ASCII letters, digits and hyphens, starting with a letter or digit."""

import pytest
from django.core import checks
from django.core.exceptions import ValidationError
from django.urls import reverse

from waypoint.clients import actions
from waypoint.clients.models import Client

HOSTILE = [
    'C1"; filename=evil.html',
    "C-1\r\nSet-Cookie: x=1",
    "C 001",
    "=HYPERLINK(1)",
    "-C-1",
    "C/001",
    "Ç-001",  # unicode letters too: numbers go into filenames and exports
    "C-٣",  # Arabic-Indic digit
    "",
]
GOOD = ["C-001", "D-1000", "O-001", "D-0990", "ANON-17", "ANON-17X", "2026-0042", "abc"]


def _new_chart(clinician, number):
    return {
        "chart_number": number,
        "legal_name": "Nova Newcomb",
        "drinking_thresholds": "female",
        "primary_clinician": clinician.pk,
    }


@pytest.mark.parametrize("number", HOSTILE)
def test_the_new_chart_form_refuses_a_bad_number_and_saves_nothing(login, clinician, number):
    response = login(clinician).post(reverse("clients-create"), _new_chart(clinician, number))
    assert response.status_code == 200
    assert "chart_number" in response.context["form"].errors
    assert not Client.objects.exists()


def test_the_form_says_what_is_allowed(login, clinician):
    response = login(clinician).post(reverse("clients-create"), _new_chart(clinician, "C 1"))
    assert response.context["form"].errors["chart_number"] == [
        "Use letters, digits and hyphens only, starting with a letter or digit "
        "(for example C-0042)."
    ]


@pytest.mark.parametrize("number", GOOD)
def test_demo_fixture_and_anonymized_numbers_pass(login, clinician, number):
    response = login(clinician).post(reverse("clients-create"), _new_chart(clinician, number))
    assert response.status_code == 302
    assert Client.objects.get().chart_number == number


def test_editing_a_chart_refuses_a_bad_number(login, clinician, client_chart):
    url = reverse("clients-edit", args=[client_chart.pk])
    data = {
        "chart_number": 'C-001"; x=y',
        "legal_name": "Robin Quillfeather",
        "drinking_thresholds": "female",
    }
    response = login(clinician).post(url, data)
    assert "chart_number" in response.context["form"].errors
    client_chart.refresh_from_db()
    assert client_chart.chart_number == "C-001"


def test_code_cannot_create_a_chart_with_a_bad_number(clinic, admin):
    with pytest.raises(ValidationError):
        actions.create_client(
            by=admin, organization=clinic, chart_number="C;1", legal_name="Nova Newcomb"
        )
    assert not Client.objects.exists()


@pytest.mark.slow
def test_the_demo_clinics_have_valid_numbers(db):
    from waypoint.clinics.demo import build_demo

    build_demo()
    assert Client.objects.count() > 10
    assert _database_warnings() == []


def test_the_database_check_reports_old_rows_by_id_only(client_chart, colleague_chart):
    Client.objects.filter(pk=client_chart.pk).update(chart_number="Robin Q")  # from before
    [warning] = _database_warnings()
    assert warning.id == "clients.W001"
    assert f"chart id {client_chart.pk} (organization {client_chart.organization_id})" in (
        warning.msg
    )
    assert "Robin" not in warning.msg and str(colleague_chart.pk) + " (" not in warning.msg


def _database_warnings():
    return [m for m in checks.run_checks(databases=["default"]) if m.id.startswith("clients.W")]
