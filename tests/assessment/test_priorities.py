"""Hierarchy of needs: the person's order of life areas, a permutation, dated versions."""

import datetime

import pytest
from django.urls import reverse

from waypoint.assessment import actions
from waypoint.assessment.forms import PrioritiesForm
from waypoint.assessment.models import LifeArea, NeedsPriorities

pytestmark = pytest.mark.django_db

ORDER = ["housing", "health", "money", "relationships", "work", "substance_use", "legal"]


def _post(order, note=""):
    return {f"rank_{code}": str(i) for i, code in enumerate(order, start=1)} | {"note": note}


def test_life_areas_are_the_issue_list():
    assert set(LifeArea.values) == {
        "housing",
        "health",
        "relationships",
        "substance_use",
        "work",
        "legal",
        "money",
    }


def test_form_turns_ranks_into_an_order():
    form = PrioritiesForm(_post(list(reversed(ORDER))))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["order"] == list(reversed(ORDER))


def test_a_rank_used_twice_is_an_error_on_both_areas():
    data = _post(ORDER)
    data["rank_legal"] = "1"  # housing is also 1; 7 is unused
    form = PrioritiesForm(data)
    assert not form.is_valid()
    assert "used more than once" in str(form.errors["rank_housing"])
    assert "used more than once" in str(form.errors["rank_legal"])


def test_a_missing_or_out_of_range_rank_is_an_error():
    data = _post(ORDER)
    data["rank_work"] = ""
    assert "rank_work" in PrioritiesForm(data).errors
    data["rank_work"] = "9"
    assert "rank_work" in PrioritiesForm(data).errors


def test_action_refuses_a_non_permutation(client_chart, clinician):
    with pytest.raises(ValueError, match="exactly once"):
        actions.save_priorities(
            client_chart, by=clinician, order=ORDER[:-1], noted_on=datetime.date(2026, 2, 2)
        )
    with pytest.raises(ValueError, match="exactly once"):
        actions.save_priorities(
            client_chart,
            by=clinician,
            order=[*ORDER[:-1], "housing"],
            noted_on=datetime.date(2026, 2, 2),
        )


def test_clinician_records_and_versions_are_kept(login, clinician, client_chart):
    web = login(clinician)
    url = reverse("assessment-priorities-edit", args=[client_chart.pk])
    assert web.get(url).status_code == 200
    bad = _post(ORDER)
    bad["rank_money"] = "1"
    response = web.post(url, bad)
    assert response.status_code == 200
    assert "used more than once" in response.content.decode()
    assert not NeedsPriorities.objects.exists()
    assert web.post(url, _post(ORDER, "Housing first")).status_code == 302
    response = web.post(url, _post(list(reversed(ORDER))))
    assert response["Location"] == reverse("assessment-priorities", args=[client_chart.pk])
    assert NeedsPriorities.objects.count() == 2
    page = web.get(reverse("assessment-priorities", args=[client_chart.pk])).content.decode()
    assert "Housing first" in page and "(current)" in page
    chart = web.get(reverse("clients-detail", args=[client_chart.pk])).content.decode()
    assert "Their priorities" in chart and "1. Legal" in chart


def test_the_person_orders_their_own_in_the_portal(login, client_user, client_chart):
    web = login(client_user)
    url = reverse("assessment-portal-priorities")
    assert "Put my priorities in order" in web.get(reverse("portal-home")).content.decode()
    assert web.get(url).status_code == 200
    response = web.post(url, _post(ORDER, "A room of my own"))
    assert response.status_code == 302
    row = NeedsPriorities.objects.get(client=client_chart)
    assert row.by_client and row.order == ORDER and row.note == "A room of my own"
    again = web.get(url).content.decode()
    assert 'value="1" selected' in again  # prefilled with the current order


def test_supervisor_reads_but_cannot_record(login, supervisor, client_chart):
    web = login(supervisor)
    assert web.get(reverse("assessment-priorities", args=[client_chart.pk])).status_code == 200
    url = reverse("assessment-priorities-edit", args=[client_chart.pk])
    assert web.post(url, _post(ORDER)).status_code == 403
    assert not NeedsPriorities.objects.exists()
