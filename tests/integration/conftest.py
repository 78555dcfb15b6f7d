"""A chart with data in every app that holds clinical records (measures, goals, diary, privacy,
appointments).

Every free-text field gets its own distinctive marker, so a test can look for exactly that text
in downloads, disclosure documents and every encrypted column after a purge or anonymization.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from waypoint.appointments import actions as appointment_actions
from waypoint.assessment import actions as assessment_actions
from waypoint.diary import actions as diary_actions
from waypoint.goals import actions as goal_actions
from waypoint.measures import actions as measure_actions
from waypoint.privacy.models import (
    Consent,
    InfoKind,
    Purpose,
    RecipientKind,
    SignatureAuthentication,
    SignatureMethod,
)

# One marker per free-text field of the measures, goals and diary apps.
MARKERS = {
    "measures.Administration.target": "Quillon drinking on fewer days",
    "measures.Administration.correction_reason": "Quillon misread item two",
    "goals.Goal.practices_other": "Quillon carries a spare charger",
    "goals.Goal.no_use_situations": "Quillon before the school run",
    "goals.Goal.in_own_words": "Quillon wants mornings back",
    "diary.DiaryEntry.note": "Quillon slept badly after",
    "diary.DiaryEntry.setting_where": "Quillon uncle's garage",
    "diary.DiaryEntry.setting_with_whom": "Quillon cousin Bartholomew",
    "diary.AnchorEvent.label": "Quillon sister's wedding",
    "appointments.Appointment.note": "Quillon asked for afternoons",
    "assessment.StageOfChange.note": "Quillon thinking about weekends",
    "assessment.DecisionalBalance.benefits_of_using": "Quillon laughs more at parties",
    "assessment.DecisionalBalance.costs_of_using": "Quillon missed the bus twice",
    "assessment.DecisionalBalance.benefits_of_changing": "Quillon saves for a bicycle",
    "assessment.DecisionalBalance.costs_of_changing": "Quillon fears boring evenings",
    "assessment.NeedsPriorities.note": "Quillon needs a steady room first",
    "assessment.DrugSetSetting.amount_and_frequency": "Quillon three evenings weekly",
    "assessment.DrugSetSetting.does_for_them": "Quillon feels braver talking",
    "assessment.DrugSetSetting.costs_them": "Quillon loses Sunday mornings",
    "assessment.DrugSetSetting.set_notes": "Quillon hopeful but anxious",
    "assessment.DrugSetSetting.setting_notes": "Quillon shares a flat with drinkers",
}
# Free text the person wrote in their own words: only in the client's own copy.
OWN_WORDS = (
    "goals.Goal.in_own_words",
    "diary.DiaryEntry.note",
    "diary.DiaryEntry.setting_where",
    "diary.DiaryEntry.setting_with_whom",
    "diary.AnchorEvent.label",
    "assessment.StageOfChange.note",
    "assessment.DecisionalBalance.benefits_of_using",
    "assessment.DecisionalBalance.costs_of_using",
    "assessment.DecisionalBalance.benefits_of_changing",
    "assessment.DecisionalBalance.costs_of_changing",
    "assessment.NeedsPriorities.note",
    "assessment.DrugSetSetting.does_for_them",
    "assessment.DrugSetSetting.costs_them",
)


@pytest.fixture
def today(clinic):
    return clinic.today()


@pytest.fixture
def rich_chart(client_chart, client_user, clinician, today):
    """Robin's chart with measures (a correction, a portal completion, a Readiness Ruler), goals
    (a changed and an edited goal) and a diary (entries of both sources, a no-use day, an anchor
    event) in the last 90 days."""
    return populate(client_chart, client_user, clinician, today)


@pytest.fixture
def chart_without_correction(client_chart, client_user, clinician, today):
    """The same, without the corrected PHQ-9 (see test_retention: corrections block purges)."""
    return populate(client_chart, client_user, clinician, today, correction=False)


def populate(chart, client_user, clinician, today, *, correction=True):
    now = timezone.now()
    days = datetime.timedelta

    # Measures. PHQ-9 option index = item score (Kroenke et al. 2001): 8 → "Mild" (5–9).
    phq = measure_actions.record_administration(
        chart,
        by=clinician,
        instrument_id="phq-9",
        answers=[1, 1, 1, 1, 1, 1, 1, 1, 0, 1],
        administered_at=now - days(20),
    )
    if correction:
        # Corrected to 2+2+2+1+1+1+1+1+0 = 11 → "Moderate" (10–14).
        measure_actions.correct_administration(
            phq,
            by=clinician,
            answers=[2, 2, 2, 1, 1, 1, 1, 1, 0, 1],
            reason=MARKERS["measures.Administration.correction_reason"],
        )
    measure_actions.record_administration(
        chart,
        by=clinician,
        instrument_id="readiness-ruler",
        answers=[8, 5, 6],
        target=MARKERS["measures.Administration.target"],
        administered_at=now - days(10),
    )
    # AUDIT-C in the portal: 2 + 2 + 0 = 4, positive with female thresholds (>= 3, Bradley 2007).
    assigned = measure_actions.assign(chart, by=clinician, instrument_id="audit-c")
    measure_actions.complete_in_portal(assigned, by=client_user, answers=[2, 2, 0])

    # Goals: alcohol moderation, then the person's next decision (safer use); cannabis edited.
    goal_actions.choose_goal(
        chart,
        by=clinician,
        substance="alcohol",
        kind="moderation",
        started_on=today - days(60),
        chosen_by_client=True,
        limit_unit="drinks",
        max_per_day=Decimal("3"),
        max_use_days_per_week=4,
        no_use_situations=MARKERS["goals.Goal.no_use_situations"],
    )
    goal_actions.choose_goal(
        chart,
        by=clinician,
        substance="alcohol",
        kind="safer_use",
        started_on=today - days(30),
        chosen_by_client=True,
        practices=["eat_hydrate", "never_alone"],
        practices_other=MARKERS["goals.Goal.practices_other"],
        in_own_words=MARKERS["goals.Goal.in_own_words"],
    )
    cannabis = goal_actions.choose_goal(
        chart,
        by=clinician,
        substance="cannabis",
        kind="abstinence",
        started_on=today - days(45),
        chosen_by_client=True,
    )
    cannabis.review_on = today + days(14)
    goal_actions.update_goal(cannabis, by=clinician, changed_fields=["review_on"])

    # Diary: 3 US standard drinks (42 g) on one day, a no-use day, a cannabis day.
    entry = diary_actions.add_entry(
        chart,
        by=client_user,
        source="client",
        day=today - days(5),
        substance="alcohol",
        amount=Decimal("3"),
        unit="drinks",
        mood=6,
        urge=4,
        money_spent=Decimal("12.50"),
        practices=["eat_hydrate"],
        setting_where=MARKERS["diary.DiaryEntry.setting_where"],
        setting_with_whom=MARKERS["diary.DiaryEntry.setting_with_whom"],
        note="first draft",
    )
    diary_actions.update_entry(entry, by=client_user, note=MARKERS["diary.DiaryEntry.note"])
    diary_actions.record_no_use(chart, by=client_user, source="client", day=today - days(4))
    diary_actions.add_entry(
        chart,
        by=clinician,
        source="clinician",
        day=today - days(3),
        substance="cannabis",
        amount=Decimal("1"),
        unit="joints",
    )
    diary_actions.add_anchor_event(
        chart,
        by=client_user,
        day=today - days(40),
        kind="holiday",
        label=MARKERS["diary.AnchorEvent.label"],
    )

    # Appointments: one recorded (with a note), one ahead; reminders by email.
    appointment_actions.record_drop_in(
        chart,
        by=clinician,
        clinician=clinician,
        starts_at=now - days(6),
        duration_minutes=30,
        note=MARKERS["appointments.Appointment.note"],
    )
    appointment_actions.schedule_appointment(
        chart, by=clinician, clinician=clinician, starts_at=now + days(6), duration_minutes=50
    )
    appointment_actions.set_reminder_preference(
        chart, by=clinician, email_reminders=True, email="quillon.reminders@example.test"
    )

    # Assessment: a stage change and a decisional balance the person wrote in the portal.
    assessment_actions.record_stage(
        chart,
        by=clinician,
        substance="alcohol",
        stage="precontemplation",
        noted_on=today - days(60),
    )
    assessment_actions.record_stage(
        chart,
        by=clinician,
        substance="alcohol",
        stage="contemplation",
        noted_on=today - days(20),
        note=MARKERS["assessment.StageOfChange.note"],
    )
    assessment_actions.save_balance(
        chart,
        by=client_user,
        substance="alcohol",
        noted_on=today - days(15),
        by_client=True,
        **{
            cell: MARKERS[f"assessment.DecisionalBalance.{cell}"]
            for cell in ("benefits_of_using", "costs_of_using")
            + ("benefits_of_changing", "costs_of_changing")
        },
    )
    assessment_actions.save_priorities(
        chart,
        by=client_user,
        order=["housing", "money", "health", "relationships", "work", "substance_use", "legal"],
        note=MARKERS["assessment.NeedsPriorities.note"],
        noted_on=today - days(15),
        by_client=True,
    )
    assessment_actions.save_drug_set_setting(
        chart,
        by=clinician,
        substance="alcohol",
        noted_on=today - days(15),
        route="swallowed",
        age_first_use=17,
        continuum_client="use",
        continuum_clinician="misuse",
        **{
            name: MARKERS[f"assessment.DrugSetSetting.{name}"]
            for name in ("amount_and_frequency", "does_for_them", "costs_them")
            + ("set_notes", "setting_notes")
        },
    )
    chart.refresh_from_db()
    return chart


@pytest.fixture
def make_consent(rich_chart, clinician, today):
    """An active, signed consent to Eastside Community Health for the given kinds."""

    def make(kinds):
        return Consent.objects.create(
            client=rich_chart,
            recipient_kind=RecipientKind.NAMED,
            recipient_name="Eastside Community Health",
            purpose=Purpose.TREATMENT,
            info_kinds=list(kinds),
            expires_on=today + datetime.timedelta(days=90),
            created_by=clinician,
            signature_method=SignatureMethod.PAPER,
            signature_authentication=SignatureAuthentication.STAFF_WITNESSED,
            signed_on=today - datetime.timedelta(days=1),
            signature_recorded_at=timezone.now(),
        )

    return make


ALL_KINDS = list(InfoKind.values)
