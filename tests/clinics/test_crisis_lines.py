"""One data file for every crisis number the app shows (issues #8 and #10).

Facts checked (domain.md §6 and each entry's source): Never Use Alone, 1-800-484-3731, serves
the US; Canada's overdose spotting line is the National Overdose Response Service,
1-888-688-6677 ("1-888-688-NORS (6677)", streetconnections.ca; NORS team, Harm Reduction
Journal 2024); New Zealand's "1737 Need to talk?" is free to call or text 1737 and answered by
trained counsellors (pegasus.health.nz), emergency 111 (govt.nz); Australia's Lifeline is
13 11 14 and emergency 000 (lifelineh2h.org.au).
"""

import datetime
import json
import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from waypoint.clinics import helplines
from waypoint.diary.models import DiarySettings


def _raw():
    return json.loads(helplines.DATA_FILE.read_text(encoding="utf-8"))


def _entries():
    for code, country in _raw()["countries"].items():
        yield code, "emergency", country["emergency"]
        for line in country["lines"]:
            yield code, line["id"], line


def test_every_entry_has_a_source_and_a_recent_verified_date():
    today = timezone.localdate()
    for code, name, entry in _entries():
        assert entry["source"].startswith("https://") or entry["source"].startswith("http://"), (
            code,
            name,
        )
        assert entry["verified"], f"{code} {name}: not verified"
        verified = datetime.date.fromisoformat(entry["verified"])
        assert verified <= today, f"{code} {name}: verified in the future"
        assert (today - verified).days <= helplines.MAX_AGE_DAYS, (
            f"{code} {name}: last verified {verified}, more than a year ago: check it again"
        )


def test_numbers_are_well_formed():
    for code, name, entry in _entries():
        assert re.fullmatch(r"\+?[0-9]{3,15}", entry["tel"]), (code, name)
        assert re.sub(r"[^0-9]", "", entry["number"]) == entry["tel"].lstrip("+"), (code, name)
        if entry.get("sms"):
            assert re.fullmatch(r"[0-9]{3,15}", entry["sms"]), (code, name)


def test_every_supported_country_has_an_emergency_number_and_a_crisis_line():
    countries = helplines.all_countries()
    assert set(helplines.SUPPORTED_COUNTRIES) <= set(countries)
    for code in helplines.SUPPORTED_COUNTRIES:
        country = countries[code]
        assert country.emergency.number and country.emergency.verified
        assert any(line.kind == "crisis" for line in country.shown), code


def test_the_published_numbers():
    us, ca, nz, au = (helplines.for_country(c) for c in ("US", "CA", "NZ", "AU"))
    by_id = {line.id: line for c in (us, ca, nz, au) for line in c.lines}
    assert by_id["us-never-use-alone"].number == "1-800-484-3731"
    assert by_id["ca-nors"].number == "1-888-688-6677"
    assert "Never Use Alone" not in {line.name for line in ca.lines}
    assert by_id["nz-1737"].tel == "1737" and by_id["nz-1737"].sms == "1737"
    assert "counsellors" in by_id["nz-1737"].who_answers
    assert nz.emergency.number == "111"
    assert by_id["au-lifeline"].number == "13 11 14" and au.emergency.number == "000"
    assert us.emergency.number == "911" and ca.emergency.number == "911"
    assert helplines.for_country("WHO") is None and helplines.for_country("EU") is None


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda d: d["countries"]["US"]["lines"][0].pop("source"), "source is required"),
        (lambda d: d["countries"]["US"]["lines"][0].update(tel="98-8"), "tel must be digits"),
        (lambda d: d["countries"]["US"]["lines"][0].update(number="call us"), "not a phone"),
        (lambda d: d["countries"]["NZ"].pop("emergency"), "emergency number is required"),
        (lambda d: d["countries"]["UK"]["lines"][0].update(verified="last May"), "YYYY-MM-DD"),
        (lambda d: d["countries"]["AU"]["lines"][0].update(kind="hotline"), "kind must be"),
        (
            lambda d: d["countries"]["US"]["lines"][0].update(answered_by="provider"),
            "owned by a treatment provider are never listed",
        ),
        (lambda d: d["countries"]["US"]["lines"][0].update(answered_by="?"), "answered_by must"),
        (lambda d: d["countries"]["CA"]["lines"][0].update(languages=[]), "languages must"),
        (lambda d: d["countries"]["CA"]["lines"][0].pop("funding"), "funding is required"),
        (lambda d: d["countries"]["UK"]["lines"][0].update(chat="http://x"), "chat must be"),
        (lambda d: d["answered_by"].pop("peers"), "answered_by must name exactly"),
    ],
)
def test_loader_refuses_malformed_entries(change, message):
    data = _raw()
    change(data)
    with pytest.raises(helplines.HelplineFileError, match=message):
        helplines.parse(data)


def test_unverified_lines_are_never_shown():
    data = _raw()
    data["countries"]["US"]["lines"][1]["verified"] = None
    us = helplines.parse(data)["US"]
    shown = [line.id for line in us.shown]
    assert "us-never-use-alone" not in shown and "us-988" in shown


def _set_country(organization, code):
    DiarySettings.objects.update_or_create(organization=organization, defaults={"country": code})


def test_portal_home_shows_tel_links_from_the_file(login, client_user, clinic):
    body = login(client_user).get(reverse("portal-home")).content.decode()
    assert 'href="tel:988"' in body and 'href="sms:988"' in body
    assert 'href="tel:+18004843731"' in body and "Never Use Alone" in body
    assert 'href="tel:911"' in body


def test_canadian_organization_shows_nors_not_never_use_alone(login, client_user, clinic):
    _set_country(clinic, "CA")
    body = login(client_user).get(reverse("portal-home")).content.decode()
    assert "National Overdose Response Service" in body
    assert 'href="tel:+18886886677"' in body
    assert "Never Use Alone" not in body and "484-3731" not in body
    assert "9-8-8: Suicide Crisis Helpline" in body


def test_measures_crisis_card_uses_the_organizations_country(client_user, clinic):
    _set_country(clinic, "NZ")
    request = RequestFactory().get("/")
    request.user = client_user
    html = Template('{% include "measures/_crisis_lines.html" %}').render(
        Context({"request": request})
    )
    assert 'href="tel:1737"' in html and 'href="sms:1737"' in html
    assert 'href="tel:111"' in html
    assert "988" not in html


def test_organization_without_a_country_entry_gets_generic_advice(client_user, clinic):
    _set_country(clinic, "EU")
    request = RequestFactory().get("/")
    request.user = client_user
    html = Template("{% load helplines %}{% crisis_lines compact=True %}").render(
        Context({"request": request})
    )
    assert "your local emergency number" in html and "tel:" not in html
