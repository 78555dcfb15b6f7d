"""Every core page renders for the people who may see it, on the demo clinic's full data.

The demo is built once (every feature adds to it, so it is the slowest fixture in the suite) and
each person's pages are checked against it.
"""

import pytest
from django.test import Client as Browser
from django.urls import reverse

from waypoint.accounts.models import User
from waypoint.clinics.demo import build_demo
from waypoint.library.models import BookReview


def _signed_in(email) -> Browser:
    browser = Browser()
    browser.force_login(
        User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend"
    )
    return browser


@pytest.mark.slow
def test_core_pages_render_on_the_demo_data(db):
    demo = build_demo()
    chart = demo.clients[0]
    staff_pages = [
        "/caseload/",
        "/caseload/?q=mar",
        "/clients/",
        "/clients/?status=discharged",
        "/clients/new/",
        reverse("clients-detail", args=[chart.pk]),
        reverse("clients-history", args=[chart.pk]),
        reverse("clients-print", args=[chart.pk]),
        reverse("appointments-list", args=[chart.pk]),
        reverse("appointments-week"),
        reverse("appointments-week") + "?week=2026-W01",
        reverse("appointments-feed-settings"),
    ]
    for email in ["admin@demo.test", "supervisor@demo.test", "clinician@demo.test"]:
        browser = _signed_in(email)
        for url in staff_pages:
            assert browser.get(url).status_code == 200, (email, url)

    admin = _signed_in("admin@demo.test")
    for url in [
        "/staff/",
        "/staff/invite/",
        f"/staff/{demo.users['clinician'].pk}/",
        "/settings/",
        "/audit/",
        reverse("clients-access-log", args=[chart.pk]),
        reverse("clients-edit", args=[chart.pk]),
        reverse("clients-care-team", args=[chart.pk]),
        reverse("clients-discharge", args=[chart.pk]),
        reverse("appointments-settings"),
        reverse("appointments-add", args=[chart.pk]),
        reverse("appointments-drop-in", args=[chart.pk]),
        reverse("appointments-reminders", args=[chart.pk]),
        reverse("library-manage"),
        reverse(
            "library-review-edit",
            args=[BookReview.objects.get(slug="over-the-influence").pk],
        ),
        reverse("library-article-add"),
    ]:
        assert admin.get(url).status_code == 200, url

    # The public site on the demo library, signed out.
    visitor = Browser()
    for url in [
        "/",
        "/library/",
        "/library/practicing-harm-reduction-psychotherapy/",
        "/library/over-the-influence/",
        "/library/naloxone-basics/",
        "/library/feed/",
        "/sitemap.xml",
        "/robots.txt",
    ]:
        assert visitor.get(url).status_code == 200, url
    for explainer in ("finding-a-harm-reduction-therapist", "safer-use-basics"):
        assert visitor.get(f"/library/{explainer}/").status_code == 200, explainer
    assert visitor.get("/library/moderation-on-your-own-terms/").status_code == 200
    assert visitor.get("/library/xylazine-what-to-know/").status_code == 404  # a draft

    # Every demo chart's page renders (with every feature's panels) for the admin.
    for client in demo.clients:
        assert admin.get(client.get_absolute_url()).status_code == 200, client.chart_number

    portal = _signed_in("client@demo.test").get("/portal/")
    assert portal.status_code == 200
    assert "Marisol" in portal.content.decode()

    # Other Clinic sees none of it.
    other = _signed_in("other@demo.test")
    assert other.get(reverse("clients-detail", args=[chart.pk])).status_code == 404
    assert "Marisol" not in other.get("/clients/").content.decode()
