"""Role × page: every core page for every kind of person, with the exact expected answer.

The chart in question is Robin's (primary clinician Maya, who Sol supervises). Cells:
- OK: the page works (200, or for pages that act and move on, a redirect back to the chart);
- LOGIN: redirect to the sign-in page;
- 403: the person may know the page exists but may not use it;
- 404: the person may not know the chart exists (another organization, not on the care team).
Every pair that is not OK is asserted, so a forbidden pair that starts answering is caught.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from waypoint.appointments import actions as appointment_actions

OK, LOGIN = "OK", "LOGIN"

PEOPLE = [
    "anonymous",
    "admin",
    "supervisor_of",  # supervises Maya, the chart's clinician
    "supervisor_not",  # supervises nobody on this chart
    "clinician_on_team",  # Maya
    "clinician_off_team",  # Cole
    "clinician_see_all",  # Cole, with the organization's "every clinician may read" setting on
    "client",  # Robin, whose chart it is
    "other_clinician",  # Otis at Other Clinic
    "other_admin",  # Oona, admin of Other Clinic
]

# page: (method, url name, url args, POST data, what OK looks like)
PAGES = {
    "caseload": ("get", "caseload", (), None, 200),
    "client list": ("get", "clients-list", (), None, 200),
    "new chart": ("get", "clients-create", (), None, 200),
    "chart": ("get", "clients-detail", ("chart",), None, 200),
    "edit chart": ("get", "clients-edit", ("chart",), None, 200),
    "care team": ("get", "clients-care-team", ("chart",), None, 200),
    "admit": ("get", "clients-admit", ("chart",), None, "chart"),  # already open: back to chart
    "discharge": ("get", "clients-discharge", ("chart",), None, 200),
    "add contact": (
        "post",
        "clients-contact-add",
        ("chart",),
        {"occurred_on": "2026-01-10", "kind": "individual"},
        "chart",
    ),
    "change history": ("get", "clients-history", ("chart",), None, 200),
    "access history": ("get", "clients-access-log", ("chart",), None, 200),
    "print": ("get", "clients-print", ("chart",), None, 200),
    "acknowledge alert": (
        "post",
        "clients-alert-acknowledge",
        ("chart", "alert"),
        {"note": "Called; safe."},
        "chart",
    ),
    "portal": ("get", "portal-home", (), None, 200),
    "staff list": ("get", "accounts-staff", (), None, 200),
    "invite staff": ("get", "accounts-invite", (), None, 200),
    "edit staff": ("get", "accounts-staff-edit", ("maya",), None, 200),
    "withdraw invitation": (
        "post",
        "accounts-invitation-revoke",
        ("invitation",),
        {},
        "/staff/",
    ),
    "organization settings": ("get", "accounts-organization", (), None, 200),
    "alert settings": ("get", "accounts-alert-settings", (), None, 200),
    "audit trail": ("get", "audit-log", (), None, 200),
    "measure norms": ("get", "measures-norms", (), None, 200),
    "appointments": ("get", "appointments-list", ("chart",), None, 200),
    "schedule appointment": ("get", "appointments-add", ("chart",), None, 200),
    "record drop-in": ("get", "appointments-drop-in", ("chart",), None, 200),
    "edit appointment": ("get", "appointments-edit", ("chart", "appointment"), None, 200),
    "appointment reminders": ("get", "appointments-reminders", ("chart",), None, 200),
    "week calendar": ("get", "appointments-week", (), None, 200),
    "week calendar of Maya": ("get", "appointments-week", (), {"clinician": "maya"}, 200),
    "appointment settings": ("get", "appointments-settings", (), None, 200),
    "calendar feed settings": ("get", "appointments-feed-settings", (), None, 200),
    "notes": ("get", "notes-list", ("chart",), None, 200),
    "new note": ("get", "notes-add", ("chart",), None, 200),
    "note": ("get", "notes-detail", ("chart", "note"), None, 200),
    "edit note": ("get", "notes-edit", ("chart", "note"), None, 200),
    "sign note": ("post", "notes-sign", ("chart", "note"), {}, "note"),
    "delete draft note": ("post", "notes-delete", ("chart", "note"), {}, "notes"),
    "add addendum": (
        "post",
        "notes-addendum",
        ("chart", "signed"),
        {"text": "Late call."},
        "signed",
    ),
    "co-sign note": ("post", "notes-cosign", ("chart", "pending"), {}, "/supervision/"),
    "return note": (
        "post",
        "notes-return",
        ("chart", "pending"),
        {"comment": "Add the plan."},
        "/supervision/",
    ),
    "supervision queue": ("get", "notes-supervision", (), None, 200),
    "supervision notes": ("get", "notes-supervision-notes", ("maya",), None, 200),
    "note settings": ("get", "notes-settings", (), None, 200),
    "add note format": ("get", "notes-template-add", (), None, 200),
    "retire note format": (
        "post",
        "notes-template-toggle",
        ("note_template",),
        {},
        "/notes/settings/",
    ),
    "safety plan": ("get", "plans-detail", ("chart", "crisis"), None, 200),
    "edit safety plan": ("get", "plans-edit", ("chart", "crisis"), None, 200),
    "safety plan pdf": ("get", "plans-pdf", ("chart", "crisis"), None, 200),
    "portal safety plan": ("get", "portal-plans", ("crisis",), None, 200),
    "portal edit safety plan": ("get", "portal-plans-edit", ("crisis",), None, 200),
    "portal safety plan pdf": ("get", "portal-plans-pdf", ("crisis",), None, 200),
    "stages of change": ("get", "assessment-stages", ("chart",), None, 200),
    "note a stage": ("get", "assessment-stage-add", ("chart",), None, 200),
    "decisional balance": ("get", "assessment-balances", ("chart",), None, 200),
    "edit decisional balance": (
        "get",
        "assessment-balance-edit",
        ("chart", "substance"),
        None,
        200,
    ),
    "portal decisional balance": ("get", "assessment-portal-balances", (), None, 200),
    "portal edit decisional balance": (
        "get",
        "assessment-portal-balance-edit",
        ("substance",),
        None,
        200,
    ),
    "priorities": ("get", "assessment-priorities", ("chart",), None, 200),
    "edit priorities": ("get", "assessment-priorities-edit", ("chart",), None, 200),
    "portal priorities": ("get", "assessment-portal-priorities", (), None, 200),
    "groups": ("get", "groups-list", (), None, 200),
    "new group": ("get", "groups-add", (), None, 200),
    "group": ("get", "groups-detail", ("group",), None, 200),
    "edit group": ("get", "groups-edit", ("group",), None, 200),
    "add group member": ("get", "groups-members", ("group",), None, 200),
    "group session": ("get", "groups-session", ("group", "group_session"), None, 200),
    "drug set setting": ("get", "assessment-dss", ("chart",), None, 200),
    "edit drug set setting": ("get", "assessment-dss-edit", ("chart", "substance"), None, 200),
    "medications": ("get", "medications-list", ("chart",), None, 200),
    "add medication": ("get", "medications-add", ("chart",), None, 200),
    "edit medication": ("get", "medications-edit", ("chart", "medication"), None, 200),
    "add diagnosis": ("get", "medications-diagnosis-add", ("chart",), None, 200),
    "add allergy": ("get", "medications-allergy-add", ("chart",), None, 200),
    "note prescriber contact": ("get", "medications-coordination-add", ("chart",), None, 200),
    "library editing": ("get", "library-manage", (), None, 200),
    "new library article": ("get", "library-article-add", (), None, 200),
    "edit library review": ("get", "library-review-edit", ("review",), None, 200),
    "library draft": ("get", "library-detail", ("draft",), None, 200),
    "library revisions": ("get", "library-review-revisions", ("review",), None, 200),
    "library topic": ("get", "library-topic", ("topic",), None, 200),
    "assessment summary": ("get", "assessment-summary", ("chart",), None, 200),
    "assessment summary pdf": ("get", "assessment-summary-pdf", ("chart",), None, 200),
    "portal medications": ("get", "medications-portal", (), None, 200),
    "portal reminders": ("get", "appointments-portal-reminders", (), None, 200),
    "progress report pdf": ("get", "reports-progress-pdf", ("chart",), None, 200),
    "portal progress report": ("get", "reports-portal-progress", (), None, 200),
    "portal record pdf": ("post", "reports-portal-record-pdf", (), {}, 302),
    "portal record zip": ("post", "reports-portal-record-zip", (), {}, 302),
    # The old in-request PDF link: to the privacy page, where the PDF is made on the worker.
    "old portal record pdf link": (
        "get",
        "privacy-portal-download",
        ("pdf",),
        None,
        "/portal/privacy/#h-download",
    ),
    "program report": ("get", "reports-program", (), None, 200),
    "program report pdf": (
        "post",
        "reports-program-pdf",
        (),
        {"first": "2026-06-01", "last": "2026-06-30"},
        302,
    ),
    "export job": ("get", "reports-export", ("export",), None, 200),
    "export status": ("get", "reports-export-status", ("export",), None, 200),
    "export download": ("get", "reports-export-download", ("export",), None, 200),
    "export retry": ("post", "reports-export-retry", ("failed_export",), {}, 302),
    "ask a question": ("get", "questions-ask", (), None, 200),
    "questions and answers": ("get", "questions-list", (), None, 200),
    "answered question": ("get", "questions-detail", ("question_published",), None, 200),
    "pending question page": ("get", "questions-detail", ("question_pending",), None, 200),
    "public questions queue": ("get", "questions-queue", (), None, 200),
    "moderate question": ("get", "questions-moderate", ("question_pending",), None, 200),
    "mark question urgent": (
        "post",
        "questions-mark-urgent",
        ("question_pending",),
        None,
        "question_moderate",
    ),
    "urgent question handled": (
        "post",
        "questions-urgent-handled",
        ("question_urgent",),
        None,
        "questions_queue",
    ),
}

# Columns in PEOPLE order: anon, admin, sup_of, sup_not, on_team, off_team, see_all, client,
# other_clinician, other_admin.
MATRIX = {
    "caseload": [LOGIN, OK, OK, OK, OK, OK, OK, 403, OK, OK],
    "client list": [LOGIN, OK, OK, OK, OK, OK, OK, 403, OK, OK],
    "new chart": [LOGIN, OK, OK, OK, OK, OK, OK, 403, OK, OK],
    "chart": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "edit chart": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "care team": [LOGIN, OK, 403, 404, 403, 403, 403, 403, 403, 404],
    "admit": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "discharge": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "add contact": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "change history": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "access history": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, 404],
    "print": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "acknowledge alert": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "portal": [LOGIN, 403, 403, 403, 403, 403, 403, OK, 403, 403],
    "staff list": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, OK],
    "invite staff": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, OK],
    "edit staff": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, 404],
    "withdraw invitation": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, 404],
    "organization settings": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, OK],
    "alert settings": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, OK],
    "audit trail": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, OK],
    "measure norms": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, OK],
    "appointments": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "schedule appointment": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "record drop-in": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "edit appointment": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "appointment reminders": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "week calendar": [LOGIN, OK, OK, OK, OK, OK, OK, 403, OK, OK],
    "week calendar of Maya": [LOGIN, OK, OK, 404, OK, 404, 404, 403, 404, 404],
    "appointment settings": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, OK],
    "calendar feed settings": [LOGIN, OK, OK, OK, OK, OK, OK, 403, OK, OK],
    "notes": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "new note": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "note": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "edit note": [LOGIN, 403, 403, 404, OK, 404, 403, 403, 404, 404],  # the author only
    "sign note": [LOGIN, 403, 403, 404, OK, 404, 403, 403, 404, 404],
    "delete draft note": [LOGIN, 403, 403, 404, OK, 404, 403, 403, 404, 404],
    "add addendum": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "co-sign note": [LOGIN, 403, OK, 404, 403, 404, 403, 403, 404, 404],  # her supervisor
    "return note": [LOGIN, 403, OK, 404, 403, 404, 403, 403, 404, 404],
    "supervision queue": [LOGIN, 403, OK, OK, 403, 403, 403, 403, 403, 403],
    "supervision notes": [LOGIN, 403, OK, 404, 403, 403, 403, 403, 403, 403],
    "note settings": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, OK],
    "add note format": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, OK],
    "retire note format": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, 404],
    "safety plan": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "edit safety plan": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "safety plan pdf": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "portal safety plan": [LOGIN, 403, 403, 403, 403, 403, 403, OK, 403, 403],
    "portal edit safety plan": [LOGIN, 403, 403, 403, 403, 403, 403, OK, 403, 403],
    "portal safety plan pdf": [LOGIN, 403, 403, 403, 403, 403, 403, OK, 403, 403],
    "stages of change": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "note a stage": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "decisional balance": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "edit decisional balance": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "portal decisional balance": [LOGIN, 403, 403, 403, 403, 403, 403, OK, 403, 403],
    "portal edit decisional balance": [LOGIN, 403, 403, 403, 403, 403, 403, OK, 403, 403],
    "priorities": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "edit priorities": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "portal priorities": [LOGIN, 403, 403, 403, 403, 403, 403, OK, 403, 403],
    # Groups open to their facilitators (Maya) and admins; everyone else: 404.
    "groups": [LOGIN, OK, OK, OK, OK, OK, OK, 403, OK, OK],
    "new group": [LOGIN, OK, OK, OK, OK, OK, OK, 403, OK, OK],
    "group": [LOGIN, OK, 404, 404, OK, 404, 404, 403, 404, 404],
    "edit group": [LOGIN, OK, 404, 404, OK, 404, 404, 403, 404, 404],
    "add group member": [LOGIN, OK, 404, 404, OK, 404, 404, 403, 404, 404],
    "group session": [LOGIN, OK, 404, 404, OK, 404, 404, 403, 404, 404],
    "drug set setting": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "edit drug set setting": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "medications": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "add medication": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "edit medication": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "add diagnosis": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "add allergy": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "note prescriber contact": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    # Public content: admins (EDIT_PUBLIC_CONTENT) and granted editors of the organization that
    # runs the public site (PUBLIC_SITE_ORGANIZATION; here the oldest, Demo) — not Other Clinic's.
    "library editing": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, 403],
    "new library article": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, 403],
    "edit library review": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, 403],
    # A draft is a 404 to everyone but editors (published pages are open to all).
    "library draft": [404, OK, 404, 404, 404, 404, 404, 404, 404, 404],
    "library revisions": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, 403],
    "library topic": [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],  # public
    # The one-page drug, set and setting summary: whoever may read the chart.
    "assessment summary": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "assessment summary pdf": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "portal medications": [LOGIN, 403, 403, 403, 403, 403, 403, OK, 403, 403],
    "portal reminders": [LOGIN, 403, 403, 403, 403, 403, 403, OK, 403, 403],
    # Reports: the progress report follows the chart; the program report needs
    # VIEW_PROGRAM_REPORTS (admins, supervisors); an export only ever answers its asker (Ada).
    "progress report pdf": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "portal progress report": [LOGIN, 403, 403, 403, 403, 403, 403, OK, 403, 403],
    "portal record pdf": [LOGIN, 403, 403, 403, 403, 403, 403, OK, 403, 403],
    "portal record zip": [LOGIN, 403, 403, 403, 403, 403, 403, OK, 403, 403],
    "old portal record pdf link": [LOGIN, 403, 403, 403, 403, 403, 403, OK, 403, 403],
    "program report": [LOGIN, OK, OK, OK, 403, 403, 403, 403, 403, OK],
    "program report pdf": [LOGIN, OK, OK, OK, 403, 403, 403, 403, 403, OK],
    "export job": [LOGIN, OK, 404, 404, 404, 404, 404, 404, 404, 404],
    "export status": [LOGIN, OK, 404, 404, 404, 404, 404, 404, 404, 404],
    "export download": [LOGIN, OK, 404, 404, 404, 404, 404, 404, 404, 404],
    "export retry": [LOGIN, OK, 404, 404, 404, 404, 404, 404, 404, 404],
    # Public questions: anyone asks and reads; the staff of the organization that runs the
    # public site answer (like library editing); another organization's staff and clients never.
    "ask a question": [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    "questions and answers": [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    "answered question": [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    "pending question page": [404, OK, OK, OK, OK, OK, OK, 404, 404, 404],
    "public questions queue": [LOGIN, OK, OK, OK, OK, OK, OK, 403, 403, 403],
    "moderate question": [LOGIN, OK, OK, OK, OK, OK, OK, 403, 403, 403],
    "mark question urgent": [LOGIN, OK, OK, OK, OK, OK, OK, 403, 403, 403],
    "urgent question handled": [LOGIN, OK, OK, OK, OK, OK, OK, 403, 403, 403],
}

CASES = [
    pytest.param(page, person, MATRIX[page][i], id=f"{page}-{person}")
    for page in PAGES
    for i, person in enumerate(PEOPLE)
]


def test_matrix_covers_every_page_and_person():
    assert set(MATRIX) == set(PAGES)
    assert all(len(row) == len(PEOPLE) for row in MATRIX.values())


@pytest.fixture
def world(
    request,
    admin,
    supervisor,
    other_supervisor,
    clinician,
    colleague,
    client_user,
    other_clinician,
    other_admin,
    client_chart,
    alert,
):
    from waypoint.accounts import actions as account_actions
    from waypoint.plans import actions as plan_actions
    from waypoint.plans.guide import guide

    items = {key: ["An item"] for key in guide("crisis").section_keys}
    plan_actions.save_plan(
        client_chart, by=clinician, kind="crisis", items=items, client_may_edit=["coping"]
    )

    invitation = account_actions.invite_staff(
        by=admin, email="new@clinic.test", full_name="New Person", role="clinician", base_url=""
    )
    appointment = appointment_actions.schedule_appointment(
        client_chart,
        by=clinician,
        clinician=clinician,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        duration_minutes=50,
    )
    notes = _notes(client_chart, clinician, admin)
    from waypoint.medications import actions as medication_actions

    medication = medication_actions.add_medication(
        client_chart, by=clinician, name="Sertraline", started_on=datetime.date(2026, 1, 5)
    )
    group, group_session = _group(client_chart, clinician)
    library = _library()
    export = _export(admin)
    questions = _questions()
    return {
        "people": {
            "anonymous": None,
            "admin": admin,
            "supervisor_of": supervisor,
            "supervisor_not": other_supervisor,
            "clinician_on_team": clinician,
            "clinician_off_team": colleague,
            "clinician_see_all": colleague,
            "client": client_user,
            "other_clinician": other_clinician,
            "other_admin": other_admin,
        },
        "args": {
            "chart": client_chart.pk,
            "alert": alert.pk,
            "maya": clinician.pk,
            "invitation": invitation.pk,
            "appointment": appointment.pk,
            "medication": medication.pk,
            **{key: obj.pk for key, obj in notes.items()},
            "group": group.pk,
            "group_session": group_session.pk,
            "crisis": "crisis",
            "substance": "alcohol",
            **library,
            "export": export.pk,
            "failed_export": _failed_export(admin).pk,
            "pdf": "pdf",
            **questions,
        },
        "chart_url": client_chart.get_absolute_url(),
        "redirects": {
            "note": notes["note"].get_absolute_url(),
            "signed": notes["signed"].get_absolute_url(),
            "notes": reverse("notes-list", args=[client_chart.pk]),
            "question_moderate": reverse(
                "questions-moderate", args=[questions["question_pending"]]
            ),
            "questions_queue": reverse("questions-queue"),
        },
    }


def _export(admin):
    """A finished program-report export that Ada asked for (the file itself is not rendered)."""
    import base64

    from waypoint.reports.models import ExportJob, ExportStatus

    now = timezone.now()
    return ExportJob.objects.create(
        organization=admin.organization,
        requested_by=admin,
        kind="program_pdf",
        params={"first": "2026-06-01", "last": "2026-06-30"},
        status=ExportStatus.DONE,
        progress=100,
        content=base64.b64encode(b"%PDF-1.7 matrix").decode(),
        content_type="application/pdf",
        filename="program-outcomes.pdf",
        finished_at=now,
        expires_at=now + datetime.timedelta(hours=1),
    )


def _failed_export(admin):
    """A program-report export of Ada's that could not be made (for "Try again")."""
    from waypoint.reports.models import STALLED, ExportJob, ExportStatus

    now = timezone.now()
    return ExportJob.objects.create(
        organization=admin.organization,
        requested_by=admin,
        kind="program_pdf",
        params={"first": "2026-06-01", "last": "2026-06-30"},
        status=ExportStatus.FAILED,
        error=STALLED,
        finished_at=now,
        expires_at=now + datetime.timedelta(hours=1),
    )


def _library():
    """A published book review and a draft article in the public library."""
    from waypoint.library.models import Article, BookReview, Topic

    review = BookReview.objects.create(
        title="Over the Influence",
        slug="over-the-influence",
        authors="Patt Denning and Jeannie Little",
        publisher="Guilford Press",
        year=2017,
        isbn="9781462528646",
        reviewer="Maya Clinician",
        reviewer_credentials="LCSW",
        rating=4,
        audience="People who use drugs",
        summary="A self-help book.",
        body="Worksheets.",
        published=True,
    )
    draft = Article.objects.create(
        title="Draft",
        slug="a-draft",
        authors="Sol",
        audience="Anyone",
        summary="Not yet.",
        body="Draft.",
    )
    topic = Topic.objects.create(name="Safer use", slug="safer-use")
    review.topics.add(topic)
    return {"review": review.pk, "draft": draft.slug, "topic": topic.slug}


def _questions():
    """A pending, an urgent and a published public question."""
    from waypoint.questions import actions

    pending = actions.receive_question(text="How do test strips work?", language="en")
    urgent = actions.receive_question(text="He is not breathing", language="en", urgent=True)
    published = actions.answer_question(
        actions.receive_question(
            text="Where is naloxone free?", language="en", consent_to_publish=True
        ),
        by=None,
        answer="At many pharmacies and health departments.",
        publish=True,
        title="Free naloxone",
        public_question="Where is naloxone free?",
    )
    return {
        "question_pending": pending.pk,
        "question_urgent": urgent.pk,
        "question_published": published.pk,
    }


def _notes(chart, maya, admin):
    """Maya's draft, her signed note, and one awaiting Sol's co-signature; a note format."""
    from waypoint.notes import actions
    from waypoint.notes.models import NoteSettings

    def write():
        return actions.start_note(
            chart,
            by=maya,
            template_key="dap",
            session_date=chart.organization.today(),
            texts={"data": "Talked about the week."},
        )

    signed = actions.sign_note(write(), by=maya)
    settings = NoteSettings.for_organization(chart.organization)
    settings.trainees.add(maya)
    pending = actions.sign_note(write(), by=maya)
    settings.trainees.remove(maya)
    template = actions.add_template(
        chart.organization, by=admin, name="Outreach", description="", sections=[]
    )
    return {"note": write(), "signed": signed, "pending": pending, "note_template": template}


def _group(chart, maya):
    """Maya's group with Robin on the roster and one session."""
    from waypoint.groups import actions

    group = actions.create_group(chart.organization, by=maya, name="Tuesday group")
    today = chart.organization.today()
    actions.add_member(group, chart, by=maya, joined_on=today)
    return group, actions.add_session(group, by=maya, held_on=today)


@pytest.mark.parametrize(("page", "person", "expected"), CASES)
def test_role_page_matrix(client, world, clinic, page, person, expected):
    method, name, arg_names, data, ok = PAGES[page]
    if person == "clinician_see_all":
        clinic.clinicians_see_all_charts = True
        clinic.save()
    user = world["people"][person]
    if user is not None:
        user.refresh_from_db()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse(name, args=[world["args"][a] for a in arg_names])
    # A POST or query value naming a world record ("maya") is replaced by its id.
    data = {key: world["args"].get(value, value) for key, value in (data or {}).items()}
    response = getattr(client, method)(url, data)
    # Whatever the answer, no browser or proxy keeps it (the back button after sign-out).
    assert {"no-store", "private"} <= {d.strip() for d in response["Cache-Control"].split(",")}

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    elif expected == OK and ok == "chart":
        assert response.status_code == 302
        assert response["Location"] == world["chart_url"]
    elif expected == OK and ok in world["redirects"]:
        assert response.status_code == 302
        assert response["Location"] == world["redirects"][ok]
    elif expected == OK and isinstance(ok, str):
        assert response.status_code == 302
        assert response["Location"] == ok
    elif expected == OK:
        assert response.status_code == ok
    else:
        assert response.status_code == expected
        # Refusals never show the chart's identifying data.
        body = response.content.decode()
        assert "555-0100" not in body  # Robin's phone
        # Robin's legal name and date of birth in any form a page prints it (a bare "1988"
        # would also match an id such as data-session-user="1988").
        assert "Quillfeather" not in body
        for date_of_birth in (
            "1988-04-02",
            "April 2, 1988",
            "Apr. 2, 1988",
            "2 April 1988",
            "04/02/1988",
        ):
            assert date_of_birth not in body
