"""The public "Check a combination" page: no sign-in, works on bad input, never guesses."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
URL = reverse("substances-combination")


def test_page_opens_without_signing_in(client):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Check a combination" in body and 'list="substance-names"' in body


def test_a_known_pair(client):
    response = client.get(URL, {"a": "xanax", "b": "fentanyl"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Benzodiazepines with Opioids (heroin, fentanyl, pills): Dangerous" in body
    assert "fda.gov" in body


def test_no_data_says_it_is_not_safe(client):
    body = client.get(URL, {"a": "weed", "b": "kratom"}).content.decode()
    assert "no data" in body and "That is not the same as safe." in body


def test_unknown_or_missing_names_are_400_with_a_message(client):
    response = client.get(URL, {"a": "blorp", "b": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "We have no entry for “blorp”." in body
    assert "Type a substance or medication here." in body
    huge = client.get(URL, {"a": "x" * 5000, "b": "\x00"})
    assert huge.status_code == 400


def test_post_is_refused(client):
    assert client.post(URL, {"a": "xanax", "b": "oxy"}).status_code == 405
