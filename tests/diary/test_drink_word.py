"""One drink word and one country lookup (issue #8): every page and command names the
organization's standard drink the same way, through `units.drink_word` / `DiarySettings`.

UK CMO guidelines (2016) count "units" (10 ml of ethanol), not standard drinks; NIAAA's US
standard drink is 14 g.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from waypoint.diary import actions
from waypoint.diary.models import DiarySettings, EntrySource
from waypoint.lib import units


@pytest.mark.parametrize(
    ("country", "count", "word"),
    [
        ("US", None, "US standard drinks"),
        ("US", 1, "US standard drink"),
        ("US", 1.0, "US standard drink"),
        ("US", 2.0, "US standard drinks"),
        ("US", 0.5, "US standard drinks"),
        ("AU", 1, "AU standard drink"),
        ("UK", None, "UK units"),
        ("UK", 1, "UK unit"),
        ("UK", 2.27, "UK units"),
    ],
)
def test_drink_word_names_the_country_with_a_proper_plural(country, count, word):
    assert units.drink_word(country, count) == word


def test_drink_word_refuses_an_unknown_country():
    with pytest.raises(units.UnitError):
        units.drink_word("XX")


@pytest.mark.django_db
def test_country_for_reads_saved_settings_or_the_default(clinic, other_clinic):
    DiarySettings.objects.create(organization=clinic, country="UK")
    assert DiarySettings.country_for(clinic) == "UK"
    assert DiarySettings.country_for(clinic.pk) == "UK"
    assert DiarySettings.country_for(other_clinic) == "US"
    assert DiarySettings.for_organization(clinic).drink_word(1) == "UK unit"


def _one_drink(chart, by):
    return actions.add_entry(
        chart,
        by=by,
        source=EntrySource.CLINICIAN,
        day=chart.organization.today() - datetime.timedelta(days=1),
        substance="alcohol",
        amount=Decimal(1),
        unit="drinks",
    )


def test_entry_amount_says_one_drink_in_the_singular(client_chart, clinician):
    entry = _one_drink(client_chart, clinician)
    assert entry.amount_text("US") == "14.0 g of alcohol = 1.0 US standard drink"
    assert entry.amount_text("UK") == "14.0 g of alcohol = 1.8 UK units"


def test_pages_and_commands_use_the_same_word(client_chart, clinician, admin, clinic, login):
    actions.update_diary_settings(clinic, by=admin, country="UK")
    _one_drink(client_chart, clinician)
    http = login(admin)
    report = http.get(reverse("diary-report")).content.decode()
    assert "UK units / week" in report
    assert "alcohol is counted in UK units" in report
    chart = http.get(reverse("clients-detail", args=[client_chart.pk])).content.decode()
    assert "UK units per week" in chart
    form = http.get(reverse("diary-add", args=[client_chart.pk])).content.decode()
    assert "Alcohol in UK units (10 ml of alcohol each)" in form
    out = io.StringIO()
    call_command("drinks", "--volume", "355ml", "--abv", "5", "--country", "US", stdout=out)
    assert "1.00 US standard drink (14 g each)" in out.getvalue()
