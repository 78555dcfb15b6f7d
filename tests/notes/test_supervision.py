"""The supervision queue: co-signs, notes unsigned after 72 hours, open alerts, clients not seen
in 30 days, only for the supervisor's own supervisees; supervision notes stay out of charts."""

import datetime

from django.urls import reverse
from django.utils import timezone

from waypoint.clients import actions as client_actions
from waypoint.notes import actions


def test_queue_lists_the_four_kinds_for_supervisees_only(
    login,
    supervisor,
    other_supervisor,
    clinician,
    client_chart,
    colleague_chart,
    make_note,
    make_trainee,
    alert,
    clinic,
    colleague,
):
    make_trainee(clinician)
    pending = actions.sign_note(make_note(), by=clinician)
    old = make_note(at=timezone.now() - datetime.timedelta(hours=80))
    make_note()  # started just now: not yet overdue
    client_actions.record_contact(
        client_chart,
        by=clinician,
        occurred_on=clinic.today() - datetime.timedelta(days=45),
        kind="individual",
    )
    # Cole's chart (not a supervisee of Sol): never in Sol's queue.
    make_note(by=colleague, chart=colleague_chart, at=timezone.now() - datetime.timedelta(days=9))

    response = login(supervisor).get(reverse("notes-supervision"))
    assert response.status_code == 200
    ctx = response.context
    assert [n.pk for n in ctx["pending"]] == [pending.pk]
    assert [n.pk for n in ctx["unsigned"]] == [old.pk]
    assert [a.pk for a in ctx["alerts"]] == [alert.pk]
    assert [c.pk for c in ctx["not_seen"]] == [client_chart.pk]
    body = response.content.decode()
    assert "Chart C-001" in body and "C-002" not in body
    assert "Robin" not in body  # the queue names charts by number

    response = login(other_supervisor).get(reverse("notes-supervision"))
    ctx = response.context
    assert ctx["pending"] == [] and ctx["unsigned"] == [] and ctx["alerts"] == []
    assert ctx["not_seen"] == []


def test_a_client_seen_recently_is_not_listed(login, supervisor, client_chart, clinician, clinic):
    client_actions.record_contact(
        client_chart, by=clinician, occurred_on=clinic.today(), kind="individual"
    )
    response = login(supervisor).get(reverse("notes-supervision"))
    assert response.context["not_seen"] == []


def test_queue_is_for_supervisors(login, clinician, admin):
    assert login(clinician).get(reverse("notes-supervision")).status_code == 403
    assert login(admin).get(reverse("notes-supervision")).status_code == 403


def test_queue_query_count_is_flat(login, supervisor, clinician, make_charts):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = login(supervisor)
    counts = []
    for batch in ("A", "B"):
        make_charts(3 if batch == "A" else 12, clinician, prefix=batch)
        with CaptureQueriesContext(connection) as queries:
            response = http.get(reverse("notes-supervision"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(response.context["alerts"]) == 15
    assert len(response.context["not_seen"]) == 15
    assert counts[0] == counts[1]


def test_supervision_notes_are_in_no_record(supervisor, clinician, client_chart):
    from waypoint.privacy.records import build_parts

    actions.write_supervision_note(
        by=supervisor,
        supervisee=clinician,
        met_on=datetime.date(2026, 3, 1),
        text="Supervision: periwinkle-ladder case review.",
    )
    parts = build_parts(client_chart)
    assert "periwinkle-ladder" not in str([p.data for p in parts])


def test_supervision_note_only_about_own_supervisee(other_supervisor, clinician):
    import pytest

    with pytest.raises(actions.NoteError):
        actions.write_supervision_note(
            by=other_supervisor, supervisee=clinician, met_on=datetime.date(2026, 3, 1), text="x"
        )
