"""Wording on the demo clinic's pages (issue #10): no doubled words in generated sentences, no raw
machine labels ("Item9", "phq9_item9"), plural forms that agree ("1 joint", never "1 joints")."""

import re

import pytest
from django.test import Client as Browser
from django.urls import reverse
from django.utils.html import strip_tags

from waypoint.accounts.models import User
from waypoint.clinics.demo import build_demo
from waypoint.clinics.templatetags.dates import day, moment, weekday

DOUBLED = re.compile(r"\b([A-Za-z]{2,})\s+\1(?![\w-])", re.IGNORECASE)
RAW_LABEL = re.compile(r"\bItem\s?\d+\b|\b[a-z0-9]+_[a-z0-9_]+\b")
ONE_PLURAL = re.compile(
    r"(?<![\d.,])1 (drinks|joints|days|times|grams|weeks|entries|answers|pills|doses|people|clients"
    r"|charts|alerts|questions|items|hits|lines|minutes|hours)\b"
)


def _text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", strip_tags(html))


def _signed_in(user) -> Browser:
    browser = Browser()
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return browser


@pytest.mark.slow
def test_demo_pages_read_well(db):
    demo = build_demo()
    clinician = _signed_in(User.objects.get(email="clinician@demo.test"))
    pages = {"/caseload/": clinician.get("/caseload/")}
    for chart in demo.clients:
        for name in ("clients-detail", "diary-list", "goals-list"):
            url = reverse(name, args=[chart.pk])
            pages[url] = clinician.get(url)
    for user in User.objects.filter(role="client", organization=demo.clinic):
        portal = _signed_in(user)
        for url in ("/portal/", reverse("diary-week"), reverse("privacy-portal")):
            pages[f"{url} as {user.pk}"] = portal.get(url)
    problems = []
    for url, response in pages.items():
        if response.status_code != 200:
            continue  # pages one person may not open are tested elsewhere
        text = _text(response)
        for pattern, what in ((DOUBLED, "doubled word"), (ONE_PLURAL, "plural after 1")):
            for match in pattern.finditer(text):
                problems.append(
                    f"{url}: {what}: …{text[max(0, match.start() - 40) : match.end() + 20]}…"
                )
        for match in RAW_LABEL.finditer(text):
            problems.append(f"{url}: raw label {match.group()!r}")
    assert not problems, "\n".join(sorted(set(problems))[:40])


def test_one_date_format_with_the_year_only_when_it_is_not_this_year(settings):
    import datetime

    from django.utils import timezone

    this_year = timezone.localdate().year
    assert day(datetime.date(this_year, 3, 4)) == "Mar 4"
    assert day(datetime.date(this_year - 1, 3, 4)) == f"Mar 4, {this_year - 1}"
    assert weekday(datetime.date(2025, 3, 4)) == "Tuesday, Mar 4, 2025"
    moment_value = timezone.make_aware(datetime.datetime(this_year, 3, 4, 14, 5))
    assert moment(moment_value) == "Mar 4, 14:05"
    assert day(None) == ""
