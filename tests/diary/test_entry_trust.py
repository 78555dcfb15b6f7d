"""Trustworthy data entry (issue #10): the clinician form leaves mood and urge blank unless
chosen, and "No use today" after recorded use explains the conflict instead of saving both."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from waypoint.diary import actions
from waypoint.diary.models import DiaryEntry, EntryKind

pytestmark = pytest.mark.django_db


def _selected(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def test_clinician_form_starts_mood_and_urge_on_not_asked(login, clinician, client_chart):
    page = login(clinician).get(reverse("diary-add", args=[client_chart.pk])).content.decode()
    # A browser submits the selected option; before, nothing was selected, so it sent "0".
    assert _selected(page, "mood") == [""]
    assert _selected(page, "urge") == [""]
    assert '<option value="" selected>Not asked</option>' in page


def test_entry_without_mood_or_urge_records_neither(login, clinician, client_chart):
    day = client_chart.organization.today()
    login(clinician).post(
        reverse("diary-add", args=[client_chart.pk]),
        {"day": day.isoformat(), "substance": "cannabis", "amount": "1", "mood": "", "urge": ""},
    )
    entry = DiaryEntry.objects.get(client=client_chart)
    assert (entry.mood, entry.urge) == (None, None)


def _use(chart, by, day):
    return actions.add_entry(
        chart,
        by=by,
        source="clinician",
        day=day,
        substance="alcohol",
        amount=Decimal(2),
        unit="drinks",
    )


def test_no_use_after_use_explains_the_conflict_and_saves_nothing(login, clinician, client_chart):
    day = client_chart.organization.today() - datetime.timedelta(days=1)
    _use(client_chart, clinician, day)
    response = login(clinician).post(
        reverse("diary-no-use", args=[client_chart.pk]), {"day": day.isoformat()}, follow=True
    )
    text = response.content.decode()
    assert "Use is already recorded for" in text and "(Alcohol)" in text
    assert "“no use” was not saved" in text
    assert not DiaryEntry.objects.filter(kind=EntryKind.NO_USE).exists()


def test_portal_no_use_after_use_explains_the_conflict(login, client_user, clinician, client_chart):
    day = client_chart.organization.today()
    _use(client_chart, clinician, day)
    response = login(client_user).post(
        reverse("diary-portal-no-use"), {"day": day.isoformat()}, follow=True
    )
    assert "“no use” was not saved" in response.content.decode()
    assert not DiaryEntry.objects.filter(kind=EntryKind.NO_USE).exists()


def test_no_use_action_refuses_a_day_with_use(client_chart, clinician):
    day = client_chart.organization.today()
    _use(client_chart, clinician, day)
    with pytest.raises(actions.DiaryConflict, match="Use is already recorded"):
        actions.record_no_use(client_chart, by=clinician, source="client", day=day)
