"""The caseload's diary column (12-week sparkline, WHO level change) costs the same number of
queries for 10 clients as for 200, each with months of diary rollups."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from waypoint.clients.models import Client
from waypoint.diary.models import DayRollup, DiaryEntry
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


CHECKIN_STATEMENTS = 25


def test_portal_check_in_statements_are_pinned(login, client_user, client_chart, clinician):
    """One portal check-in (the use entry, its history row, the week's rollups and running totals,
    the safety checks, one audit event) in a fixed number of statements, whatever the history.

    25 under the test's transaction: session, user, organization, second-factor check, chart,
    diary settings, the form's same-entry check, SAVEPOINT, entry, history, the week's entries,
    goals, running bounds, the week's substance DELETE, the day, week and substance rollup
    INSERTs (the day and week rows overwritten in place: no DELETE), running INSERT (in place
    too), chain head, audit event, medications, RELEASE, and the session save (SAVEPOINT, UPDATE,
    RELEASE). On PostgreSQL the substance insert is a COPY, which Django's query log does not
    see, and two locks are added (the chart row, `lock_client`, and the audit chain's advisory
    lock): 26.
    """
    from waypoint.audit.models import AuditAction, AuditEvent
    from waypoint.goals.models import Goal

    today = client_chart.organization.today()
    Goal.objects.create(
        client=client_chart,
        substance="cannabis",
        kind="moderation",
        started_on=today - datetime.timedelta(days=200),
        limit_unit="joints",
        max_use_days_per_week=3,
        in_own_words="only at weekends",
    )
    DiaryEntry.objects.bulk_create(
        DiaryEntry(
            client=client_chart,
            day=today - datetime.timedelta(days=back),
            kind="use",
            substance="cannabis",
            amount=1,
            unit="joints",
            source="client",
        )
        for back in range(1, 120)
    )
    rebuild_rollups([client_chart.pk])
    web = login(client_user)
    assert web.get(reverse("diary-checkin")).status_code == 200
    counts = []
    for amount in ("1", "2"):
        before = AuditEvent.objects.count()
        with CaptureQueriesContext(connection) as queries:
            response = web.post(
                reverse("diary-checkin"),
                {"day": today.isoformat(), "substance": "cannabis", "amount": amount},
            )
        assert response.status_code == 302, response.content.decode()[:2000]
        counts.append(len(queries))
        # One event stands for the entry and for opening the chart on the check-in page.
        events = list(AuditEvent.objects.order_by("id")[before:])
        assert [(e.action, e.object_type, e.detail) for e in events] == [
            (
                AuditAction.CREATE,
                "diary.diaryentry",
                {"source": "client", "page": "diary check-in"},
            )
        ]
    copies_and_locks = -1 + 2 if connection.vendor == "postgresql" else 0
    assert counts == [CHECKIN_STATEMENTS + copies_and_locks] * 2
    day = DayRollup.objects.get(client=client_chart, day=today)
    assert day.entries == 2


def test_portal_check_in_refused_is_audited_as_a_view(login, client_user, client_chart):
    from waypoint.audit.models import AuditAction, AuditEvent
    from waypoint.goals.models import Goal

    Goal.objects.create(
        client=client_chart,
        substance="tobacco",
        kind="moderation",
        started_on=client_chart.organization.today(),
    )
    web = login(client_user)
    before = AuditEvent.objects.count()
    response = web.post(
        reverse("diary-checkin"), {"day": "2099-05-01", "substance": "cannabis", "amount": "1"}
    )
    assert response.status_code == 400
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.client_id, e.detail) for e in events] == [
        (AuditAction.VIEW, client_chart.pk, {"page": "diary check-in"})
    ]
    # The form shown again lists the person's own substances first, as on a GET.
    assert response.context["own_count"] == 1
    assert response.context["form"].fields["substance"].choices[0][0] == "tobacco"
    assert not DiaryEntry.objects.exists()
