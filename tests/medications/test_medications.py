"""Medications, diagnoses, allergies and prescriber contacts: data files, forms, pages, alerts."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.clients.models import Alert, AlertSeverity
from waypoint.diary import actions as diary_actions
from waypoint.medications import actions, reference
from waypoint.medications.alerts import MEDICATION_COMBINATION_KIND, medication_combinations
from waypoint.medications.models import Allergy, CoordinationNote, Diagnosis, Medication

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)


def _med(chart, by, name="Suboxone", start=DAY, stop=None, **extra):
    return actions.add_medication(
        chart, by=by, name=name, started_on=start, stopped_on=stop, **extra
    )


def _use(chart, by, day, substance="benzodiazepines", unit="pills"):
    return diary_actions.add_entry(
        chart, by=by, source="clinician", day=day, substance=substance, amount=Decimal(1), unit=unit
    )


def _alerts(chart):
    return list(Alert.objects.filter(client=chart, kind=MEDICATION_COMBINATION_KIND))


# The data files


def test_treatment_medications_file_has_sources_for_every_entry():
    raw = json.loads(reference.MEDICATIONS_FILE.read_text())
    titles = " ".join(s["title"] for s in raw["sources"])
    assert "TIP 63" in titles and "Core Resource" in titles
    assert all(entry["source"] for entry in raw["medications"])
    opioid = {e["id"] for e in raw["medications"] if e["opioid_use"]}
    alcohol = {e["id"] for e in raw["medications"] if e["alcohol_use"]}
    assert opioid == {"methadone", "buprenorphine", "naltrexone"}
    assert alcohol == {"naltrexone", "acamprosate", "disulfiram"}


@pytest.mark.parametrize(
    ("name", "opioid", "alcohol"),
    [
        ("Suboxone 8/2 mg film", True, False),
        ("Buprenorphine/naloxone", True, False),
        ("METHADONE", True, False),
        ("Vivitrol", True, True),
        ("Campral", False, True),
        ("disulfiram", False, True),
        ("Sertraline", False, False),
        ("", False, False),
    ],
)
def test_flags_come_from_the_name(name, opioid, alcohol):
    flags = reference.treatment_flags(name)
    assert (flags.opioid_use, flags.alcohol_use) == (opioid, alcohol)


def test_every_listed_icd10_code_is_well_formed():
    codes = reference.icd10_titles()
    assert {"F10.20", "F11.20", "F41.1", "F43.10", "F32.A"} <= set(codes)
    assert all(reference.ICD10_FORMAT.match(code) for code in codes)
    assert all(codes.values())


# Pages


def test_clinician_adds_a_medication_and_sees_it_with_its_flag(login, clinician, client_chart):
    web = login(clinician)
    url = reverse("medications-add", args=[client_chart.pk])
    assert web.get(url).status_code == 200
    response = web.post(
        url,
        {
            "name": "Suboxone",
            "dose": "16/4 mg film daily",
            "prescriber": "Dr. Quillon Abernathy-Sato",
            "started_on": "2026-01-05",
        },
    )
    assert response.status_code == 302
    medication = Medication.objects.get(client=client_chart)
    assert medication.for_opioid_use and not medication.for_alcohol_use
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_id=str(medication.pk)
    ).exists()
    page = web.get(reverse("medications-list", args=[client_chart.pk]))
    assert page.status_code == 200
    assert "Dr. Quillon Abernathy-Sato" in page.content.decode()
    assert "for opioid use disorder" in page.content.decode()


def test_stop_before_start_is_a_field_error_and_saves_nothing(login, clinician, client_chart):
    web = login(clinician)
    response = web.post(
        reverse("medications-add", args=[client_chart.pk]),
        {"name": "Sertraline", "started_on": "2026-02-10", "stopped_on": "2026-02-09"},
    )
    assert response.status_code == 200
    assert "stopped_on" in response.context["form"].errors
    assert "can&#x27;t be before the start date" in response.content.decode()
    assert not Medication.objects.exists()


def test_stopping_a_medication_moves_it_to_the_past(login, clinician, client_chart):
    medication = _med(client_chart, clinician, start=datetime.date(2025, 1, 1))
    web = login(clinician)
    url = reverse("medications-edit", args=[client_chart.pk, medication.pk])
    response = web.post(
        url, {"name": medication.name, "started_on": "2025-01-01", "stopped_on": "2025-06-01"}
    )
    assert response.status_code == 302
    medication.refresh_from_db()
    assert medication.stopped_on == datetime.date(2025, 6, 1)
    page = web.get(reverse("medications-list", args=[client_chart.pk]))
    assert [m.pk for m in page.context["past"]] == [medication.pk]
    assert page.context["current"] == []


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("F11.2X", None),  # well formed but not in our list
        ("U07.1", "a letter, two characters"),
        ("F1", "a letter, two characters"),
        ("f9.1234", "a letter, two characters"),
        ("Z99.89", "not in our list"),
    ],
)
def test_diagnosis_code_is_checked(login, clinician, client_chart, code, error):
    web = login(clinician)
    response = web.post(
        reverse("medications-diagnosis-add", args=[client_chart.pk]),
        {"description": "Opioid use disorder", "code": code, "noted_on": "2026-01-05"},
    )
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert (error or "not in our list") in response.content.decode()
    assert not Diagnosis.objects.exists()


def test_diagnosis_with_a_listed_code_in_lower_case_is_saved(login, clinician, client_chart):
    web = login(clinician)
    response = web.post(
        reverse("medications-diagnosis-add", args=[client_chart.pk]),
        {"description": "PTSD after the fire", "code": " f43.10 ", "noted_on": "2026-01-05"},
    )
    assert response.status_code == 302
    diagnosis = Diagnosis.objects.get()
    assert diagnosis.code == "F43.10"
    assert diagnosis.code_title == "Post-traumatic stress disorder, unspecified"


def test_official_icd10_titles_are_shown_as_the_classifications_words(
    login, clinician, client_chart
):
    """The title stays the code's official title in data; pages say whose words they are."""
    actions.add_diagnosis(
        client_chart, by=clinician, description="Drinking most days", code="F10.10", noted_on=DAY
    )
    assert Diagnosis.objects.get().code_title == "Alcohol abuse, uncomplicated"
    page = login(clinician).get(reverse("medications-list", args=[client_chart.pk]))
    assert "ICD-10-CM title: “Alcohol abuse, uncomplicated”" in page.content.decode()
    from waypoint.privacy.records import build_parts

    part = next(p for p in build_parts(client_chart) if p.key == "diagnoses")
    html = render_to_string(part.template, {"data": part.data})
    assert "F10.10; ICD-10-CM title: “Alcohol abuse, uncomplicated”" in html


def test_diagnosis_without_a_code_is_fine(login, clinician, client_chart):
    web = login(clinician)
    response = web.post(
        reverse("medications-diagnosis-add", args=[client_chart.pk]),
        {"description": "Chronic back pain", "code": "", "noted_on": "2026-01-05"},
    )
    assert response.status_code == 302
    assert Diagnosis.objects.get().code == ""


def test_allergy_and_coordination_note_are_saved(login, clinician, client_chart):
    web = login(clinician)
    assert (
        web.post(
            reverse("medications-allergy-add", args=[client_chart.pk]),
            {"text": "Sulfa drugs: rash", "noted_on": "2026-01-05"},
        ).status_code
        == 302
    )
    assert (
        web.post(
            reverse("medications-coordination-add", args=[client_chart.pk]),
            {"occurred_on": "2026-01-06", "prescriber": "Dr. Ng", "note": "Dose stays."},
        ).status_code
        == 302
    )
    assert Allergy.objects.get().text == "Sulfa drugs: rash"
    assert CoordinationNote.objects.get().prescriber == "Dr. Ng"
    bad = web.post(
        reverse("medications-coordination-add", args=[client_chart.pk]),
        {"occurred_on": "not a date", "prescriber": "", "note": ""},
    )
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"occurred_on", "prescriber", "note"}
    assert CoordinationNote.objects.count() == 1


def test_other_clinic_gets_404_and_anonymous_login(login, other_clinician, client_chart, client):
    url = reverse("medications-list", args=[client_chart.pk])
    assert client.get(url).status_code == 302
    web = login(other_clinician)
    assert web.get(url).status_code == 404
    assert web.post(reverse("medications-add", args=[client_chart.pk]), {}).status_code == 404


def test_wrong_method_is_405(login, clinician, client_chart):
    web = login(clinician)
    assert web.post(reverse("medications-list", args=[client_chart.pk])).status_code == 405


def test_medication_of_another_chart_is_404(login, clinician, client_chart, colleague_chart):
    medication = _med(colleague_chart, clinician)
    web = login(clinician)
    url = reverse("medications-edit", args=[client_chart.pk, medication.pk])
    assert web.get(url).status_code == 404


def test_list_page_query_count_does_not_grow(login, clinician, client_chart):
    web = login(clinician)
    url = reverse("medications-list", args=[client_chart.pk])
    _med(client_chart, clinician)
    web.get(url)
    with CaptureQueriesContext(connection) as few:
        web.get(url)
    for index in range(6):
        _med(client_chart, clinician, name=f"Medication {index}")
        actions.add_diagnosis(client_chart, by=clinician, description="x", noted_on=DAY)
        actions.add_allergy(client_chart, by=clinician, text="y", noted_on=DAY)
    with CaptureQueriesContext(connection) as many:
        web.get(url)
    assert len(many) == len(few)


def test_chart_panel_shows_current_medications_after_the_measures(login, clinician, client_chart):
    from waypoint.clients.extensions import CHART_PANELS

    index = CHART_PANELS.index("waypoint.medications.panels.chart_panel")
    assert CHART_PANELS[index - 1] == "waypoint.measures.panels.chart_panel"
    today = client_chart.organization.today()
    _med(client_chart, clinician, name="Sertraline", start=today - datetime.timedelta(days=3))
    _med(
        client_chart,
        clinician,
        name="Methadone",
        start=today - datetime.timedelta(days=300),
        stop=today - datetime.timedelta(days=30),
    )
    page = login(clinician).get(client_chart.get_absolute_url()).content.decode()
    assert "Current medications" in page
    assert "Sertraline" in page and "Methadone" not in page


# Combination alert with current medications


def test_dangerous_combination_with_a_current_medication_alerts_once(clinician, client_chart):
    today = client_chart.organization.today()
    _med(client_chart, clinician, start=today - datetime.timedelta(days=30))
    entry = _use(client_chart, clinician, today)
    alerts = _alerts(client_chart)
    assert len(alerts) == 1
    assert alerts[0].severity == AlertSeverity.URGENT
    assert "Benzodiazepines with Buprenorphine" in alerts[0].detail
    assert "Buprenorphine" not in alerts[0].title  # the title is stored in clear
    assert "Suboxone" in alerts[0].detail
    assert any("your Suboxone" in tip for tip in entry.safety_tips)
    _use(client_chart, clinician, today)  # a second entry the same day: still one alert
    assert len(_alerts(client_chart)) == 1


@pytest.mark.parametrize(
    ("start_offset", "stop_offset", "alerts"),
    [
        (0, None, 1),  # starts on the day
        (1, None, 0),  # starts the day after
        (-10, 0, 1),  # stops on the day
        (-10, -1, 0),  # stopped the day before
    ],
)
def test_current_on_the_day_at_the_start_and_stop_edges(
    clinician, client_chart, start_offset, stop_offset, alerts
):
    day = client_chart.organization.today() - datetime.timedelta(days=2)
    start = day + datetime.timedelta(days=start_offset)
    stop = None if stop_offset is None else day + datetime.timedelta(days=stop_offset)
    _med(client_chart, clinician, name="Methadone", start=start, stop=stop)
    _use(client_chart, clinician, day)
    assert len(_alerts(client_chart)) == alerts


def test_unsafe_combination_is_a_warning(clinician, client_chart):
    today = client_chart.organization.today()
    _med(client_chart, clinician, name="Vivitrol", start=today - datetime.timedelta(days=5))
    _use(client_chart, clinician, today, substance="opioids", unit="times")
    (alert,) = _alerts(client_chart)
    assert alert.severity == AlertSeverity.WARNING


def test_a_name_the_catalogue_cannot_resolve_raises_nothing(login, clinician, client_chart):
    today = client_chart.organization.today()
    for name in ("Bup 8mg", "Buprenorphine/naloxone 16/4"):
        _med(client_chart, clinician, name=name, start=today - datetime.timedelta(days=5))
    entry = _use(client_chart, clinician, today)
    assert _alerts(client_chart) == []
    page = login(clinician).get(reverse("medications-list", args=[client_chart.pk]))
    assert page.content.decode().count("not known to the combination check") == 2
    assert medication_combinations(entry, by=clinician) == []


def test_no_known_combination_raises_nothing(clinician, client_chart):
    today = client_chart.organization.today()
    _med(client_chart, clinician, name="Sertraline", start=today - datetime.timedelta(days=5))
    _use(client_chart, clinician, today, substance="cannabis", unit="joints")
    assert _alerts(client_chart) == []


def test_old_diary_days_raise_nothing(clinician, client_chart):
    day = client_chart.organization.today() - datetime.timedelta(days=30)
    _med(client_chart, clinician, start=day - datetime.timedelta(days=5))
    _use(client_chart, clinician, day)
    assert _alerts(client_chart) == []


# Record and anonymizer


def test_record_parts_and_anonymizer(clinician, client_chart):
    from waypoint.privacy.models import InfoKind
    from waypoint.privacy.records import build_parts
    from waypoint.privacy.retention import run_anonymizers

    _med(client_chart, clinician, dose="16 mg", prescriber="Dr. Ng")
    actions.add_diagnosis(
        client_chart, by=clinician, description="Opioid use disorder", code="F11.20", noted_on=DAY
    )
    actions.add_allergy(client_chart, by=clinician, text="Latex", noted_on=DAY)
    parts = {p.key: p for p in build_parts(client_chart)}
    assert parts["medications"].kind == InfoKind.MEDICATIONS
    assert parts["medications"].data["medications"][0]["for_opioid_use_disorder"] is True
    assert parts["diagnoses"].kind == InfoKind.DIAGNOSES
    assert parts["diagnoses"].data[0]["code_title"] == "Opioid dependence, uncomplicated"
    run_anonymizers(client_chart)
    medication = Medication.objects.get()
    assert (medication.name, medication.dose, medication.prescriber) == ("", "", "")
    assert Diagnosis.objects.get().description == ""
    assert Diagnosis.objects.get().code == "F11.20"
    assert Allergy.objects.get().text == ""
