"""Purging and anonymizing a chart that has measures, goals and a diary.

After each action every table is read back: every text value, decrypted when it is an encrypted
token, must be free of the chart's free-text markers; every model (and simple-history model)
of the measures, goals and diary apps is inspected row by row for the client.
"""

import datetime

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from tests.integration.conftest import MARKERS
from waypoint.clients.models import Client
from waypoint.diary.models import AnchorEvent, DayRollup, DiaryEntry, WeekRollup
from waypoint.goals.models import Goal
from waypoint.lib import encryption
from waypoint.lib.fields import EncryptedMixin
from waypoint.measures.models import Administration
from waypoint.privacy import actions as privacy_actions
from waypoint.privacy.retention import add_years

pytestmark = pytest.mark.django_db

APPS = ("measures", "goals", "diary", "appointments", "assessment")
# Encrypted values that are numbers, not free text: the chosen options of a questionnaire.
NUMBERS_NOT_TEXT = {"measures.Administration.answers"}


def database_text() -> str:
    """Every value of every table, with encrypted tokens decrypted, as one string."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, str):
                        found.append(value)
                        if value.startswith("gAAAAA"):
                            found.append(encryption.decrypt(value))
    return "\n".join(found)


def app_models():
    """Every model of the three apps, simple-history models included."""
    return [
        model
        for label in APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]


def rows_of(model, client_pk):
    names = {f.name for f in model._meta.fields}
    if "client" in names:
        return list(model._base_manager.filter(client_id=client_pk))
    raise AssertionError(f"{model._meta.label} has no client field: inspect it by hand")


def _dispose(chart, admin, today):
    privacy_actions.close_chart(chart, by=admin, closed_on=today, reason="goals_met")
    chart.refresh_from_db()
    return add_years(today, 8)  # past the default 7-year retention


def test_every_model_of_these_apps_is_reachable_from_the_chart():
    for model in app_models():
        if model._meta.label in (
            "diary.DiarySettings",
            "measures.MeasureNorm",
            "appointments.AppointmentSettings",
            "appointments.CalendarFeed",
        ):
            continue  # per organization or per staff member, no client data
        assert "client" in {f.name for f in model._meta.fields}, model._meta.label


def test_purge_leaves_no_row_and_no_text_of_the_client(chart_without_correction, admin, today):
    chart = chart_without_correction
    pk = chart.pk
    before = database_text()
    expected = {
        k: v for k, v in MARKERS.items() if k != "measures.Administration.correction_reason"
    }
    for key, marker in expected.items():
        assert marker in before, key  # the scan does find them while the chart exists
    counts = {m._meta.label: len(rows_of(m, pk)) for m in app_models() if _has_client(m)}
    assert counts["goals.HistoricalGoal"] > 0
    assert counts["diary.HistoricalDiaryEntry"] > 0
    assert counts["measures.Administration"] == 3

    later = _dispose(chart, admin, today)
    privacy_actions.purge_chart(chart, by=admin, confirm=chart.chart_number, today=later)

    assert not Client.objects.filter(pk=pk).exists()
    for model in app_models():
        if _has_client(model):
            assert rows_of(model, pk) == [], model._meta.label
    after = database_text()
    for key, marker in expected.items():
        assert marker not in after, key


def test_purge_of_a_chart_with_a_corrected_measure(rich_chart, admin, today):
    later = _dispose(rich_chart, admin, today)
    privacy_actions.purge_chart(rich_chart, by=admin, confirm=rich_chart.chart_number, today=later)
    assert not Administration.objects.filter(client_id=rich_chart.pk).exists()


def test_a_superseded_administration_cannot_be_deleted_on_its_own(rich_chart):
    from django.db.models import RestrictedError

    original = Administration.objects.filter(client=rich_chart, superseded_by__isnull=False).first()
    assert original is not None
    with pytest.raises(RestrictedError):
        original.delete()


def _has_client(model) -> bool:
    return "client" in {f.name for f in model._meta.fields}


def test_anonymize_blanks_free_text_and_keeps_the_numbers(login, rich_chart, admin, today):
    chart = rich_chart
    pk = chart.pk
    measures = list(
        Administration.objects.filter(client=chart).values_list(
            "instrument_id", "total", "band", "subscales", "administered_at"
        )
    )
    answers = [a.answers for a in Administration.objects.filter(client=chart)]
    goals = list(
        Goal.objects.filter(client=chart).values_list(
            "substance", "kind", "started_on", "ended_on", "max_per_day", "practices"
        )
    )
    entries = list(
        DiaryEntry.objects.filter(client=chart).values_list(
            "day", "kind", "substance", "amount", "alcohol_grams", "mood", "urge", "money_spent"
        )
    )
    days = list(DayRollup.objects.filter(client=chart).values_list("day", "within_plan"))
    weeks = list(WeekRollup.objects.filter(client=chart).values_list("week_start", "known_days"))
    assert AnchorEvent.objects.filter(client=chart).exists()

    later = _dispose(chart, admin, today)
    privacy_actions.anonymize_chart(chart, by=admin, confirm=chart.chart_number, today=later)

    after = database_text()
    for key, marker in MARKERS.items():
        assert marker not in after, key
    # Every row of every model of these apps, free-text columns blank (history rows are gone).
    for model in app_models():
        if not _has_client(model):
            continue
        rows = rows_of(model, pk)
        if getattr(model, "instance_type", None) is not None:
            assert rows == [], model._meta.label
            continue
        for row in rows:
            for field in model._meta.fields:
                label = f"{model._meta.label}.{field.name}"
                if isinstance(field, EncryptedMixin) and label not in NUMBERS_NOT_TEXT:
                    assert getattr(row, field.attname) in ("", None), label
    # The de-identified numbers are all still there.
    assert (
        list(
            Administration.objects.filter(client=chart).values_list(
                "instrument_id", "total", "band", "subscales", "administered_at"
            )
        )
        == measures
    )
    assert [a.answers for a in Administration.objects.filter(client=chart)] == answers
    assert (
        list(
            Goal.objects.filter(client=chart).values_list(
                "substance", "kind", "started_on", "ended_on", "max_per_day", "practices"
            )
        )
        == goals
    )
    assert (
        list(
            DiaryEntry.objects.filter(client=chart).values_list(
                "day", "kind", "substance", "amount", "alcohol_grams", "mood", "urge", "money_spent"
            )
        )
        == entries
    )
    assert list(DayRollup.objects.filter(client=chart).values_list("day", "within_plan")) == days
    assert (
        list(WeekRollup.objects.filter(client=chart).values_list("week_start", "known_days"))
        == weeks
    )
    assert not AnchorEvent.objects.filter(client=chart).exists()

    # The anonymized chart's pages still work for the admin.
    browser = login(admin)
    for name in ("clients-detail", "measures-list", "goals-list", "diary-list"):
        response = browser.get(reverse(name, args=[pk]))
        assert response.status_code == 200, name
        assert MARKERS["goals.Goal.in_own_words"] not in response.content.decode()


def test_anonymizers_leave_other_charts_alone(rich_chart, colleague_chart, colleague, admin, today):
    from waypoint.diary import actions as diary_actions

    other = diary_actions.add_entry(
        colleague_chart,
        by=colleague,
        source="clinician",
        day=today - datetime.timedelta(days=1),
        substance="alcohol",
        amount=1,
        unit="drinks",
        note="Petra's own note",
    )
    later = _dispose(rich_chart, admin, today)
    privacy_actions.anonymize_chart(
        rich_chart, by=admin, confirm=rich_chart.chart_number, today=later
    )
    other.refresh_from_db()
    assert other.note == "Petra's own note"
