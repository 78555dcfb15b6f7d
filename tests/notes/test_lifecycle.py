"""A note's life: draft, edit, sign (locked), refused edits (action, view, raw SQL against the
trigger), addendum, late entry, co-signature and return."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from waypoint.audit.models import AuditEvent
from waypoint.notes import actions
from waypoint.notes.models import Addendum, Note, NoteSettings, NoteStatus, builtin_templates


def test_builtin_formats_are_dap_soap_and_harm_reduction_with_sources():
    formats = builtin_templates()
    assert set(formats) == {"dap", "soap", "hr_session"}
    assert [s["label"] for s in formats["dap"]["sections"]] == ["Data", "Assessment", "Plan"]
    assert [s["key"] for s in formats["soap"]["sections"]] == [
        "subjective",
        "objective",
        "assessment",
        "plan",
    ]
    hr = [s["key"] for s in formats["hr_session"]["sections"]]
    assert hr == ["goals", "use_since", "went_well", "risks", "stage", "plan"]
    assert all(t["sources"] for t in formats.values())
    # Person-first language in what the writer reads (book titles in the sources aside).
    text = str([(t["description"], t["sections"]) for t in formats.values()]).lower()
    for word in ("addict", "abuser", "clean", "dirty"):
        assert word not in text


def test_draft_is_created_encrypted_and_editable_by_author(draft, clinician, session_day):
    assert draft.status == NoteStatus.DRAFT
    texts = {s["key"]: s["text"] for s in draft.section_list()}
    assert texts["goals"].startswith("Alcohol: moderation")
    assert texts["went_well"] == ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT sections FROM notes_note WHERE id = %s", [draft.pk])
        raw = cursor.fetchone()[0]
    assert "moderation" not in raw
    actions.edit_note(
        draft, by=clinician, session_date=session_day, texts={"went_well": "Left early."}
    )
    draft.refresh_from_db()
    assert {s["key"]: s["text"] for s in draft.section_list()}["went_well"] == "Left early."
    assert AuditEvent.objects.filter(object_type="notes.note", object_id=str(draft.pk)).count() == 2


def test_only_the_author_edits_or_signs_a_draft(draft, colleague, session_day):
    with pytest.raises(actions.NoteError):
        actions.edit_note(draft, by=colleague, session_date=session_day, texts={})
    with pytest.raises(actions.NoteError):
        actions.sign_note(draft, by=colleague)


def test_signing_locks_and_copies_the_signature(draft, clinician):
    clinician.credentials = "LCSW"
    clinician.save()
    note = actions.sign_note(draft, by=clinician)
    assert note.status == NoteStatus.SIGNED
    assert note.signer_name == "Maya Clinician"
    assert note.signer_credentials == "LCSW"
    assert note.signed_at is not None
    assert not note.late_entry
    with pytest.raises(actions.NoteLocked):
        actions.edit_note(note, by=clinician, session_date=note.session_date, texts={})
    with pytest.raises(actions.NoteLocked):
        actions.sign_note(note, by=clinician)
    with pytest.raises(actions.NoteLocked):
        actions.delete_draft(note, by=clinician)


def test_typed_credentials_are_used_when_the_account_has_none(draft, clinician):
    note = actions.sign_note(draft, by=clinician, credentials="MSW intern")
    assert note.signature_text == "Maya Clinician, MSW intern"


def test_an_empty_note_cannot_be_signed(make_note, clinician):
    note = make_note(texts={})
    with pytest.raises(actions.NoteError):
        actions.sign_note(note, by=clinician)
    assert Note.objects.get(pk=note.pk).status == NoteStatus.DRAFT


def test_late_entry_after_the_threshold(make_note, clinician, clinic):
    day = clinic.today() - datetime.timedelta(days=5)
    late = actions.sign_note(make_note(day=day), by=clinician)
    assert late.late_entry
    # Within 24 h of the end of the session day: on time.
    end_of_day = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=clinic.zone
    )
    on_time = actions.sign_note(
        make_note(day=day), by=clinician, at=end_of_day + datetime.timedelta(hours=23)
    )
    assert not on_time.late_entry
    # The organization's own threshold.
    settings = NoteSettings.for_organization(clinic)
    settings.late_entry_hours = 200
    settings.save()
    assert not actions.sign_note(make_note(day=day), by=clinician).late_entry


def test_addendum_keeps_the_original(draft, clinician):
    note = actions.sign_note(draft, by=clinician)
    before = note.sections
    addendum = actions.add_addendum(note, by=clinician, text="Called the next day: safe.")
    note.refresh_from_db()
    assert note.section_list() == Note.objects.get(pk=note.pk).section_list()
    assert note.sections == before  # same ciphertext: the row was not rewritten
    assert addendum.author_name == "Maya Clinician"
    assert list(note.addenda.values_list("pk", flat=True)) == [addendum.pk]
    with pytest.raises(actions.NoteError):
        actions.add_addendum(note, by=clinician, text="  ")


def test_addendum_on_a_draft_is_refused(draft, clinician):
    with pytest.raises(actions.NoteError):
        actions.add_addendum(draft, by=clinician, text="Too early")


# The database trigger --------------------------------------------------------------------------


def _raw_update(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_trigger_refuses_raw_update_of_signed_sections(draft, clinician):
    note = actions.sign_note(draft, by=clinician)
    with pytest.raises(IntegrityError, match="signed notes cannot be changed"):
        _raw_update("UPDATE notes_note SET sections = %s WHERE id = %s", ["tampered", note.pk])
    with pytest.raises(IntegrityError, match="signed notes cannot be changed"):
        _raw_update(
            "UPDATE notes_note SET status = 'draft', signed_at = NULL WHERE id = %s", [note.pk]
        )
    with pytest.raises(IntegrityError, match="signed notes cannot be changed"):
        _raw_update("UPDATE notes_note SET signer_name = 'Someone' WHERE id = %s", [note.pk])
    assert Note.objects.get(pk=note.pk).section_list() == note.section_list()


def test_trigger_refuses_orm_update_and_save_of_signed_note(draft, clinician):
    note = actions.sign_note(draft, by=clinician)
    note.set_sections([{"key": "x", "label": "X", "text": "rewritten"}])
    with pytest.raises(IntegrityError), transaction.atomic():
        note.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Note.objects.filter(pk=note.pk).update(session_date=datetime.date(2020, 1, 1))


def test_trigger_lets_drafts_change(draft):
    _raw_update("UPDATE notes_note SET template_name = 'X' WHERE id = %s", [draft.pk])
    assert Note.objects.get(pk=draft.pk).template_name == "X"


def test_trigger_refuses_raw_update_of_addendum(draft, clinician):
    note = actions.sign_note(draft, by=clinician)
    addendum = actions.add_addendum(note, by=clinician, text="Original addendum")
    with pytest.raises(IntegrityError, match="signed notes cannot be changed"):
        _raw_update("UPDATE notes_addendum SET text = 'x' WHERE id = %s", [addendum.pk])
    assert Addendum.objects.get(pk=addendum.pk).text == "Original addendum"


def test_reencrypting_the_same_plaintext_passes_but_new_text_does_not(draft, clinician):
    from django.db.models import TextField, Value

    from waypoint.lib import encryption

    note = actions.sign_note(draft, by=clinician)
    same = encryption.encrypt(note.sections)
    assert Note.objects.filter(pk=note.pk).update(sections=Value(same, output_field=TextField()))
    other = encryption.encrypt('[{"key": "x", "label": "X", "text": "forged"}]')
    with pytest.raises(IntegrityError), transaction.atomic():
        Note.objects.filter(pk=note.pk).update(sections=Value(other, output_field=TextField()))
    assert Note.objects.get(pk=note.pk).section_list() == note.section_list()


# Co-signature ----------------------------------------------------------------------------------


def test_trainee_note_goes_to_cosign_and_supervisor_cosigns(
    draft, clinician, supervisor, make_trainee
):
    make_trainee(clinician)
    note = actions.sign_note(draft, by=clinician)
    assert note.status == NoteStatus.PENDING_COSIGN
    assert list(Note.objects.awaiting_cosign_by(supervisor)) == [note]
    with pytest.raises(actions.NoteLocked):
        actions.edit_note(note, by=clinician, session_date=note.session_date, texts={})
    note = actions.cosign_note(note, by=supervisor)
    assert note.status == NoteStatus.SIGNED
    assert note.cosigner_name == "Sol Supervisor"
    assert not Note.objects.awaiting_cosign_by(supervisor).exists()


def test_only_the_authors_supervisor_cosigns(draft, clinician, other_supervisor, make_trainee):
    make_trainee(clinician)
    note = actions.sign_note(draft, by=clinician)
    with pytest.raises(actions.NoteError):
        actions.cosign_note(note, by=other_supervisor)
    with pytest.raises(actions.NoteError):
        actions.return_note(note, by=other_supervisor, comment="No")


def test_returned_note_goes_back_to_draft_with_the_comment(
    draft, clinician, supervisor, make_trainee, login
):
    make_trainee(clinician)
    note = actions.sign_note(draft, by=clinician)
    note = actions.return_note(note, by=supervisor, comment="Add the safety check, please.")
    assert note.status == NoteStatus.DRAFT
    assert note.signed_at is None and note.signer_name == ""
    page = login(clinician).get(reverse("notes-edit", args=[note.client_id, note.pk]))
    assert page.status_code == 200
    assert "Add the safety check, please." in page.content.decode()
    actions.edit_note(
        note, by=clinician, session_date=note.session_date, texts={"risks": "Safety check done."}
    )
    assert actions.sign_note(note, by=clinician).status == NoteStatus.PENDING_COSIGN


def test_a_non_trainee_with_a_supervisor_signs_final(draft, untrained_clinician):
    assert actions.sign_note(draft, by=untrained_clinician).status == NoteStatus.SIGNED


# Beside the editor -----------------------------------------------------------------------------


def test_since_last_note_shows_what_came_after_the_last_signed_note(
    draft, clinician, client_chart, clinic
):
    from django.utils import timezone

    from waypoint.clients import actions as client_actions
    from waypoint.clients.models import Alert
    from waypoint.diary.models import DiaryEntry
    from waypoint.notes.since import since_last_note

    before = client_actions.raise_alert(client_chart, by=None, kind="x", title="Before the note")
    Alert.objects.filter(pk=before.pk).update(raised_at=timezone.now() - datetime.timedelta(days=5))
    signed = actions.sign_note(draft, by=clinician, at=timezone.now() - datetime.timedelta(days=3))
    after = client_actions.raise_alert(client_chart, by=None, kind="x", title="After the note")
    DiaryEntry.objects.create(
        client=client_chart,
        day=clinic.today(),
        kind="use",
        substance="alcohol",
        amount=2,
        unit="drinks",
        alcohol_grams=28,
        source="clinician",
    )
    summary = since_last_note(client_chart)
    assert summary.last_note == signed
    assert [a.pk for a in summary.alerts] == [after.pk]
    assert before.pk not in [a.pk for a in summary.alerts]
    assert len(summary.diary) == 1 and summary.diary[0]["substance"] == "Alcohol"
