"""The note pages over HTTP: happy paths, refusals (403/404/409), bad input, query counts."""

import datetime

from django.urls import reverse

from waypoint.notes import actions
from waypoint.notes.models import Note, NoteStatus, NoteTemplate, SupervisionNote


def _url(name, note):
    return reverse(name, args=[note.client_id, note.pk])


def test_new_note_offers_formats_then_saves_a_draft(login, clinician, client_chart, session_day):
    http = login(clinician)
    page = http.get(reverse("notes-add", args=[client_chart.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "DAP note" in body and "SOAP note" in body and "Harm reduction session note" in body
    page = http.get(reverse("notes-add", args=[client_chart.pk]) + "?template=hr_session")
    assert page.status_code == 200
    assert "Since the last signed note" in page.content.decode()
    response = http.post(
        reverse("notes-add", args=[client_chart.pk]),
        {
            "template": "hr_session",
            "session_date": session_day.isoformat(),
            "section_goals": "Moderation for alcohol, her choice.",
        },
    )
    note = Note.objects.get()
    assert response.status_code == 302 and response["Location"] == note.get_absolute_url()
    assert note.author == clinician and note.status == NoteStatus.DRAFT
    detail = http.get(note.get_absolute_url())
    assert "Moderation for alcohol, her choice." in detail.content.decode()


def test_bad_input_shows_errors_and_saves_nothing(login, clinician, client_chart, clinic):
    http = login(clinician)
    tomorrow = clinic.today() + datetime.timedelta(days=1)
    response = http.post(
        reverse("notes-add", args=[client_chart.pk]),
        {"template": "dap", "session_date": tomorrow.isoformat(), "section_data": "x"},
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    response = http.post(
        reverse("notes-add", args=[client_chart.pk]),
        {"template": "dap", "session_date": "not a date", "section_data": "x" * 20_001},
    )
    assert response.status_code == 400
    assert not Note.objects.exists()


def test_unknown_format_shows_the_chooser(login, clinician, client_chart):
    response = login(clinician).get(reverse("notes-add", args=[client_chart.pk]) + "?template=zz")
    assert response.status_code == 200
    assert "choose a format" in response.content.decode()


def test_sign_then_edit_answers_409_and_changes_nothing(login, clinician, draft, session_day):
    http = login(clinician)
    response = http.post(_url("notes-sign", draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == NoteStatus.SIGNED
    for method in ("get", "post"):
        response = getattr(http, method)(
            _url("notes-edit", draft),
            {"session_date": session_day.isoformat(), "section_goals": "Rewritten"},
        )
        assert response.status_code == 409
        assert "add an addendum" in response.content.decode()
    response = http.post(_url("notes-sign", draft))
    assert response.status_code == 409
    response = http.post(_url("notes-delete", draft))
    assert response.status_code == 409
    assert "Rewritten" not in Note.objects.get(pk=draft.pk).sections


def test_signing_someone_elses_draft_is_403(login, admin, draft):
    response = login(admin).post(_url("notes-sign", draft))
    assert response.status_code == 403
    assert Note.objects.get(pk=draft.pk).status == NoteStatus.DRAFT


def test_editing_someone_elses_draft_is_403(login, admin, draft):
    assert login(admin).get(_url("notes-edit", draft)).status_code == 403


def test_addendum_through_the_page(login, clinician, draft):
    actions.sign_note(draft, by=clinician)
    http = login(clinician)
    response = http.post(_url("notes-addendum", draft), {"text": "Called back: all is well."})
    assert response.status_code == 302
    page = http.get(draft.get_absolute_url()).content.decode()
    assert "Called back: all is well." in page
    assert "Goals per substance, right now" in page  # the original stays visible
    assert http.post(_url("notes-addendum", draft), {"text": ""}).status_code == 302
    assert draft.addenda.count() == 1


def test_signed_note_shows_signature_and_late_entry(login, clinician, make_note, clinic):
    note = make_note(day=clinic.today() - datetime.timedelta(days=6))
    actions.sign_note(note, by=clinician, credentials="LCSW")
    page = login(clinician).get(note.get_absolute_url()).content.decode()
    assert "Signed by Maya Clinician, LCSW" in page
    assert "Late entry" in page


def test_other_clinic_gets_404(login, other_clinician, draft):
    assert login(other_clinician).get(draft.get_absolute_url()).status_code == 404
    assert login(other_clinician).post(_url("notes-sign", draft)).status_code == 404


def test_note_of_another_chart_is_404(login, clinician, draft, colleague_chart, see_all):
    url = reverse("notes-detail", args=[colleague_chart.pk, draft.pk])
    assert login(clinician).get(url).status_code == 404


def test_wrong_method_is_405(login, clinician, draft):
    assert login(clinician).get(_url("notes-sign", draft)).status_code == 405
    assert login(clinician).post(reverse("notes-list", args=[draft.client_id])).status_code == 405


def test_cosign_and_return_pages(login, clinician, supervisor, make_note, make_trainee):
    make_trainee(clinician)
    first = actions.sign_note(make_note(), by=clinician)
    second = actions.sign_note(make_note(), by=clinician)
    http = login(supervisor)
    queue = http.get(reverse("notes-supervision")).content.decode()
    assert "Awaiting your co-signature (2)" in queue
    assert http.post(_url("notes-cosign", first)).status_code == 302
    assert Note.objects.get(pk=first.pk).status == NoteStatus.SIGNED
    assert http.post(_url("notes-return", second), {"comment": ""}).status_code == 302
    assert Note.objects.get(pk=second.pk).status == NoteStatus.PENDING_COSIGN
    response = http.post(_url("notes-return", second), {"comment": "Please add the plan."})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == NoteStatus.DRAFT and second.return_comment == "Please add the plan."


def test_cosign_by_someone_who_does_not_supervise_is_403(
    login, clinician, admin, make_note, make_trainee
):
    make_trainee(clinician)
    note = actions.sign_note(make_note(), by=clinician)
    assert login(admin).post(_url("notes-cosign", note)).status_code == 403
    assert login(admin).post(_url("notes-return", note), {"comment": "x"}).status_code == 403
    assert Note.objects.get(pk=note.pk).status == NoteStatus.PENDING_COSIGN


def test_supervision_notes_page(login, supervisor, clinician, other_supervisor, clinic):
    http = login(supervisor)
    url = reverse("notes-supervision-notes", args=[clinician.pk])
    assert http.get(url).status_code == 200
    response = http.post(url, {"met_on": clinic.today().isoformat(), "text": ""})
    assert response.status_code == 400
    response = http.post(url, {"met_on": clinic.today().isoformat(), "text": "Good rapport."})
    assert response.status_code == 302
    assert SupervisionNote.objects.get().text == "Good rapport."
    assert login(other_supervisor).get(url).status_code == 404


def test_admin_adds_a_format_and_it_can_be_used(login, admin, clinician, client_chart):
    http = login(admin)
    response = http.post(
        reverse("notes-template-add"),
        {"name": "Outreach", "description": "", "sections": "Where: place\nOffered: naloxone"},
    )
    assert response.status_code == 302
    template = NoteTemplate.objects.get()
    assert template.sections[1] == {"key": "offered", "label": "Offered", "prompt": "naloxone"}
    page = login(clinician).get(
        reverse("notes-add", args=[client_chart.pk]) + f"?template={template.key}"
    )
    assert page.status_code == 200 and "naloxone" in page.content.decode()
    # A duplicate name or no sections: errors, nothing saved.
    http = login(admin)
    assert (
        http.post(reverse("notes-template-add"), {"name": "outreach", "sections": "A"}).status_code
        == 400
    )
    assert (
        http.post(reverse("notes-template-add"), {"name": "B", "sections": " "}).status_code == 400
    )
    assert NoteTemplate.objects.count() == 1
    assert http.post(reverse("notes-template-toggle", args=[template.pk])).status_code == 302
    assert not NoteTemplate.objects.get().is_active


def test_settings_set_trainees_and_threshold(login, admin, clinician, colleague):
    http = login(admin)
    assert http.get(reverse("notes-settings")).status_code == 200
    response = http.post(
        reverse("notes-settings"), {"late_entry_hours": "48", "trainees": [clinician.pk]}
    )
    assert response.status_code == 302
    from waypoint.notes.models import NoteSettings, needs_cosign

    assert NoteSettings.objects.get().late_entry_hours == 48
    assert needs_cosign(clinician)
    # Colleague has no supervisor: not offered, refused.
    response = http.post(
        reverse("notes-settings"), {"late_entry_hours": "0", "trainees": [colleague.pk]}
    )
    assert response.status_code == 400
    assert NoteSettings.objects.get().late_entry_hours == 48


def test_note_list_and_chart_panel_query_counts_are_flat(login, clinician, client_chart, make_note):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = login(clinician)
    counts = {}
    for total in (3, 12):
        while Note.objects.count() < total:
            note = make_note()
            actions.sign_note(note, by=clinician)
            actions.add_addendum(note, by=clinician, text="More.")
        for name in ("notes-list", "clients-detail"):
            with CaptureQueriesContext(connection) as queries:
                response = http.get(reverse(name, args=[client_chart.pk]))
            assert response.status_code == 200
            counts.setdefault(name, []).append(len(queries))
    assert counts["notes-list"][0] == counts["notes-list"][1]
    assert counts["clients-detail"][0] == counts["clients-detail"][1]
    body = http.get(reverse("notes-list", args=[client_chart.pk])).content.decode()
    assert body.count("Harm reduction session note") == 12
