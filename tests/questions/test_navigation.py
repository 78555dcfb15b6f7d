"""The staff "Questions" link: finding the public site's organization costs a query at most
once per request, and none for the publisher's staff when it is named by slug."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _organization_lookups(web, url):
    """Queries that look for the public site's organization while `url` is shown."""
    with CaptureQueriesContext(connection) as queries:
        response = web.get(url)
    assert response.status_code == 200
    links = [name for name, _ in response.context["nav_links"]]
    sql = [q["sql"] for q in queries.captured_queries if 'FROM "clinics_organization"' in q["sql"]]
    lookups = [s for s in sql if "ORDER BY" in s or '"clinics_organization"."slug" =' in s]
    return links, lookups


@pytest.mark.parametrize("url", ["accounts-two-factor", "questions-queue"])
def test_named_publisher_costs_its_staff_no_query(login, clinician, clinic, settings, url):
    settings.PUBLIC_SITE_ORGANIZATION = clinic.slug
    links, lookups = _organization_lookups(login(clinician), reverse(url))
    assert "questions-queue" in links
    assert lookups == []


@pytest.mark.parametrize("url", ["accounts-two-factor", "questions-queue"])
def test_oldest_organization_is_looked_up_once_per_request(login, clinician, settings, url):
    settings.PUBLIC_SITE_ORGANIZATION = ""
    links, lookups = _organization_lookups(login(clinician), reverse(url))
    assert "questions-queue" in links
    assert len(lookups) == 1  # the link and the page's own check share it


def test_another_organizations_staff_get_no_link(login, clinic, other_clinic, settings, make_user):
    settings.PUBLIC_SITE_ORGANIZATION = clinic.slug
    other = make_user("otto@other.test", other_clinic)
    links, lookups = _organization_lookups(login(other), reverse("accounts-two-factor"))
    assert "questions-queue" not in links
    assert len(lookups) == 1
