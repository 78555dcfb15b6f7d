"""The caseload's diary column (12-week sparkline, WHO level change) costs the same number of
queries for 10 clients as for 200, each with months of diary rollups."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from waypoint.clients.models import Client
from waypoint.diary.models import DiaryEntry
from waypoint.diary.rollups import rebuild_rollups

pytestmark = pytest.mark.django_db


def _charts_with_diaries(n, clinician, prefix, today):
    charts = Client.objects.bulk_create(
        Client(
            organization_id=clinician.organization_id,
            chart_number=f"{prefix}-{i:04d}",
            legal_name=f"Bulk Person{i}",
            status="active",
            primary_clinician=clinician,
        )
        for i in range(n)
    )
    Client.care_team.through.objects.bulk_create(
        Client.care_team.through(client_id=c.pk, user_id=clinician.pk) for c in charts
    )
    entries = []
    for index, chart in enumerate(charts):
        for back in range(0, 84, 2):
            day = today - datetime.timedelta(days=back)
            grams = 14.0 * ((index + back) % 6)
            entries.append(
                DiaryEntry(
                    client=chart,
                    day=day,
                    kind="use",
                    substance="alcohol",
                    unit="drinks",
                    amount=grams / 14,
                    alcohol_grams=grams,
                    source="client",
                )
                if grams
                else DiaryEntry(client=chart, day=day, kind="no_use", source="client")
            )
    DiaryEntry.objects.bulk_create(entries)
    rebuild_rollups([c.pk for c in charts])
    return charts


def _count(web):
    with CaptureQueriesContext(connection) as queries:
        response = web.get(reverse("caseload"))
    assert response.status_code == 200
    return len(queries), response


def test_caseload_queries_do_not_grow_with_clients(login, clinician, client_chart):
    web = login(clinician)
    today = client_chart.organization.today()
    _charts_with_diaries(10, clinician, "A", today)
    few, response = _count(web)
    rows = response.context["sections"][0]["rows"]
    assert all(row.diary_sparkline is not None for row in rows if row.chart_number.startswith("A"))
    assert '<svg class="sparkline"' in response.content.decode()
    _charts_with_diaries(190, clinician, "B", today)
    many, response = _count(web)
    assert len(response.context["sections"][0]["rows"]) == 201
    assert many == few
