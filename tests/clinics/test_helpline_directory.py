"""The public helpline directory (issue #12): who answers, from the one reviewed data file."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from waypoint.clinics import helplines
from waypoint.diary.models import DiarySettings

pytestmark = pytest.mark.django_db


def test_anyone_can_read_it_without_signing_in(client):
    response = client.get(reverse("helplines"))
    assert response.status_code == 200
    body = response.content.decode()
    for country in helplines.all_countries().values():
        assert country.name in body
        for line in country.shown:
            assert f'href="tel:{line.tel}"' in body
            assert escape(line.who_answers) in body
            assert escape(line.operator) in body


def test_every_shown_line_says_who_answers_and_who_pays():
    for country in helplines.all_countries().values():
        for line in country.shown:
            assert line.answered_by in helplines.ANSWERED_BY, line.id
            assert line.answered_by_label and line.funding and line.languages, line.id
            assert line.cost and line.region, line.id


def test_filter_by_country_and_need(client):
    response = client.get(reverse("helplines"), {"country": "us", "need": "treatment_referral"})
    body = response.content.decode()
    assert response.status_code == 200
    assert escape("SAMHSA's National Helpline") in body
    assert 'href="tel:+18006624357"' in body
    assert "988 Suicide" not in body  # a crisis line, not a referral line
    assert 'id="h-US"' in body and 'id="h-CA"' not in body


def test_a_need_with_no_line_in_that_country_says_so(client):
    response = client.get(reverse("helplines"), {"country": "NZ", "need": "overdose"})
    assert response.status_code == 200
    assert "We list no line of that kind for that country yet" in response.content.decode()


@pytest.mark.parametrize(
    "params,message",
    [
        ({"country": "XX"}, "We do not list lines for that country yet"),
        ({"need": "<script>"}, "That is not one of the needs below"),
    ],
)
def test_unknown_filters_are_named_and_dropped(client, params, message):
    response = client.get(reverse("helplines"), params)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "<script>" not in body
    assert 'href="tel:988"' in body  # still every line


def test_signed_in_person_starts_with_their_organizations_country(login, clinician, clinic):
    DiarySettings.objects.update_or_create(organization=clinic, defaults={"country": "CA"})
    body = login(clinician).get(reverse("helplines")).content.decode()
    assert "National Overdose Response Service" in body
    assert "Never Use Alone" not in body


def test_posting_is_refused(client):
    assert client.post(reverse("helplines")).status_code == 405


def test_the_directory_never_lists_a_provider_owned_line():
    data = helplines.load_file(helplines.DATA_FILE)
    assert all(line.answered_by != "provider" for c in data.values() for line in c.lines)
