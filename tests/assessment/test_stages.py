"""Stages of change per substance: dated history, suggestions with sources, chart, caseload."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from waypoint.assessment import actions
from waypoint.assessment.models import Stage, StageOfChange
from waypoint.assessment.panels import annotate_stages
from waypoint.assessment.suggestions import sources, suggestions_for
from waypoint.audit.models import AuditEvent
from waypoint.goals.models import Substance

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 2, 2)


def test_every_stage_has_suggestions_each_with_a_known_source():
    known = sources()
    assert set(known) >= {"pdn1992", "mi3", "dl2012"}
    assert "47(9):1102" in known["pdn1992"]
    for stage in Stage.values:
        items = suggestions_for(stage)
        assert len(items) >= 2, stage
        for item in items:
            assert item.source_key in known
            assert item.source and item.text


def test_suggestions_use_person_first_language():
    words = " ".join(s.text.lower() for stage in Stage.values for s in suggestions_for(stage))
    for banned in ("addict", "abuser", "clean", "dirty", "relapse"):
        assert banned not in words, banned


def test_a_new_stage_keeps_the_old_one_and_is_audited(client_chart, clinician):
    actions.record_stage(
        client_chart, by=clinician, substance="alcohol", stage="contemplation", noted_on=DAY
    )
    later = actions.record_stage(
        client_chart,
        by=clinician,
        substance="alcohol",
        stage="preparation",
        noted_on=DAY + datetime.timedelta(days=7),
        note="Wants to try two dry days a week",
    )
    rows = StageOfChange.objects.filter(client=client_chart)
    assert [r.stage for r in rows] == ["preparation", "contemplation"]
    assert rows.latest_per_substance()[(client_chart.pk, "alcohol")] == later
    event = AuditEvent.objects.get(object_type__icontains="stage", object_id=str(later.pk))
    assert event.detail == {"substance": "alcohol", "stage": "preparation"}
    assert "dry days" not in str(event.detail)


def test_unknown_stage_or_substance_is_refused(client_chart, clinician):
    with pytest.raises(ValueError, match="stage"):
        actions.record_stage(
            client_chart, by=clinician, substance="alcohol", stage="relapse", noted_on=DAY
        )
    with pytest.raises(ValueError, match="substance"):
        actions.record_stage(
            client_chart, by=clinician, substance="sugar", stage="action", noted_on=DAY
        )


def test_substances_are_the_goals_list():
    field = StageOfChange._meta.get_field("substance")
    assert list(field.choices) == list(Substance.choices)


def test_stage_pages_show_current_history_and_suggestions(login, clinician, client_chart):
    actions.record_stage(
        client_chart, by=clinician, substance="opioids", stage="precontemplation", noted_on=DAY
    )
    actions.record_stage(
        client_chart,
        by=clinician,
        substance="opioids",
        stage="contemplation",
        noted_on=DAY + datetime.timedelta(days=30),
    )
    web = login(clinician)
    page = web.get(reverse("assessment-stages", args=[client_chart.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Opioids (heroin, fentanyl, pills): contemplation" in body
    assert "Precontemplation" in body  # the history
    assert "Miller WR, Rollnick S." in body  # a suggestion's source
    chart = web.get(reverse("clients-detail", args=[client_chart.pk])).content.decode()
    assert "Stages of change and decisional balance" in chart
    assert "Contemplation</span>" in chart
    caseload = web.get(reverse("caseload")).content.decode()
    assert "Opioids: contemplation" in caseload


def test_add_stage_form_saves_and_bad_input_saves_nothing(login, clinician, client_chart):
    web = login(clinician)
    url = reverse("assessment-stage-add", args=[client_chart.pk])
    form = web.get(url + "?substance=cannabis")
    assert form.status_code == 200
    assert 'value="cannabis" selected' in form.content.decode()
    assert "checked" not in form.content.decode()  # no stage preselected
    bad = web.post(url, {"substance": "cannabis", "stage": "", "noted_on": "2026-02-02"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["stage"]
    future = web.post(url, {"substance": "cannabis", "stage": "action", "noted_on": "2999-01-01"})
    assert "future" in str(future.context["form"].errors["noted_on"])
    assert not StageOfChange.objects.exists()
    ok = web.post(
        url, {"substance": "cannabis", "stage": "action", "noted_on": "2026-02-02", "note": "x"}
    )
    assert ok.status_code == 302
    assert ok["Location"] == reverse("assessment-stages", args=[client_chart.pk])
    row = StageOfChange.objects.get()
    assert (row.substance, row.stage, row.recorded_by) == ("cannabis", "action", clinician)


def test_wrong_method_is_405(login, clinician, client_chart):
    web = login(clinician)
    assert web.post(reverse("assessment-stages", args=[client_chart.pk])).status_code == 405


def test_other_clinic_gets_404(login, other_clinician, client_chart):
    web = login(other_clinician)
    assert web.get(reverse("assessment-stages", args=[client_chart.pk])).status_code == 404
    assert web.get(reverse("assessment-stage-add", args=[client_chart.pk])).status_code == 404


def test_annotator_is_one_query_for_the_whole_caseload(make_charts, clinician):
    from waypoint.clients.models import Client

    make_charts(30, clinician, prefix="Q")
    charts = list(Client.objects.filter(organization=clinician.organization))
    for chart in charts[:20]:
        for substance, stage in (("alcohol", "contemplation"), ("cannabis", "action")):
            actions.record_stage(
                chart, by=clinician, substance=substance, stage=stage, noted_on=DAY
            )
        actions.record_stage(
            chart, by=clinician, substance="alcohol", stage="preparation", noted_on=DAY
        )
    with CaptureQueriesContext(connection) as queries:
        annotate_stages(charts, clinician)
    assert len(queries) == 1
    annotated = [c for c in charts if c.current_stages]
    assert len(annotated) == 20
    assert [(r.substance, r.stage) for r in annotated[0].current_stages] == [
        ("alcohol", "preparation"),
        ("cannabis", "action"),
    ]
