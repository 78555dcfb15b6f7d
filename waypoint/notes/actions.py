"""Writing notes: draft, edit, sign, co-sign or return, addenda, templates, supervision notes.

Every write is atomic and audited. Signing is irreversible: `NoteLocked` is raised for any edit
of a note that is signed or awaiting co-signature (views answer 409), and the database trigger
of migration 0002 refuses the same UPDATE if anything gets past the actions.

`at=` (the acting time, default now) lets the demo and tests write a history.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.notes.models import (
    Addendum,
    Note,
    NoteSettings,
    NoteStatus,
    NoteTemplate,
    SupervisionNote,
    is_late,
    needs_cosign,
    template_for,
)


class NoteLocked(Exception):
    """The note is signed (or awaiting co-signature): it can only get addenda."""


class NoteError(ValueError):
    """A request that does not fit the note's state (message for the user)."""


def _lock(note: Note) -> Note:
    """Re-read the note under a row lock so two signatures or edits cannot interleave."""
    return Note.objects.select_for_update().select_related("client__organization").get(pk=note.pk)


def _sections_from(template: dict, texts: dict[str, str]) -> list[dict]:
    return [
        {
            "key": s["key"],
            "label": s["label"],
            "prompt": s.get("prompt", ""),
            "text": (texts.get(s["key"]) or "").strip(),
        }
        for s in template["sections"]
    ]


@transaction.atomic
def start_note(
    client,
    *,
    by,
    template_key: str,
    session_date: datetime.date,
    texts: dict[str, str],
    at: datetime.datetime | None = None,
) -> Note:
    """A new draft note on the chart, in the given format."""
    template = template_for(client.organization, template_key)
    if template is None:
        raise NoteError("Choose one of your organization's note formats.")
    now = at or timezone.now()
    note = Note(
        client=client,
        template_key=template["key"],
        template_name=template["name"],
        session_date=session_date,
        author=by,
        created_at=now,
        updated_at=now,
    )
    note.set_sections(_sections_from(template, texts))
    note.save()
    record(
        by=by,
        action=AuditAction.CREATE,
        obj=note,
        client=client,
        detail={"template": template["key"], "session_date": session_date.isoformat()},
    )
    return note


@transaction.atomic
def edit_note(note: Note, *, by, session_date: datetime.date, texts: dict[str, str]) -> Note:
    """Save the draft's new text. Only the author edits a draft; signed notes are locked."""
    note = _lock(note)
    if note.is_locked:
        raise NoteLocked("This note is signed. Add an addendum instead.")
    if note.author_id != by.pk:
        raise NoteError("Only the note's author can edit a draft.")
    sections = note.section_list()
    for section in sections:
        section["text"] = (texts.get(section["key"]) or "").strip()
    note.set_sections(sections)
    note.session_date = session_date
    note.updated_at = timezone.now()
    note.save(update_fields=["sections", "session_date", "updated_at"])
    record(by=by, action=AuditAction.CHANGE, obj=note, client=note.client, detail={"edit": True})
    return note


@transaction.atomic
def sign_note(
    note: Note, *, by, credentials: str | None = None, at: datetime.datetime | None = None
) -> Note:
    """Sign the author's draft: it locks. A trainee's note goes to the co-sign queue."""
    note = _lock(note)
    if note.is_locked:
        raise NoteLocked("This note is already signed.")
    if note.author_id != by.pk:
        raise NoteError("Only the note's author can sign it.")
    if not any(s["text"] for s in note.section_list()):
        raise NoteError("The note is empty: write at least one section before signing.")
    now = at or timezone.now()
    note.signed_at = now
    note.signed_by = by
    note.signer_name = by.full_name or str(by)
    # The credentials on the account, or (if it has none) the ones the signer typed.
    note.signer_credentials = (by.credentials or credentials or "").strip()[:80]
    note.late_entry = is_late(note.client.organization, note.session_date, now)
    note.cosign_required = needs_cosign(by)
    note.status = NoteStatus.PENDING_COSIGN if note.cosign_required else NoteStatus.SIGNED
    note.updated_at = now
    note.save(
        update_fields=[
            "signed_at",
            "signed_by",
            "signer_name",
            "signer_credentials",
            "late_entry",
            "cosign_required",
            "status",
            "updated_at",
        ]
    )
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=note,
        client=note.client,
        detail={"signed": True, "late_entry": note.late_entry, "status": note.status},
    )
    return note


def _check_supervisor(note: Note, by) -> None:
    if note.status != NoteStatus.PENDING_COSIGN:
        raise NoteError("This note is not waiting for a co-signature.")
    if not note.author.supervisors.filter(pk=by.pk).exists():
        raise NoteError("Only a supervisor of the note's author can co-sign or return it.")


@transaction.atomic
def cosign_note(
    note: Note, *, by, credentials: str | None = None, at: datetime.datetime | None = None
) -> Note:
    note = _lock(note)
    _check_supervisor(note, by)
    now = at or timezone.now()
    note.cosigned_at = now
    note.cosigned_by = by
    note.cosigner_name = by.full_name or str(by)
    note.cosigner_credentials = (by.credentials or credentials or "").strip()[:80]
    note.status = NoteStatus.SIGNED
    note.updated_at = now
    note.save(
        update_fields=[
            "cosigned_at",
            "cosigned_by",
            "cosigner_name",
            "cosigner_credentials",
            "status",
            "updated_at",
        ]
    )
    record(
        by=by, action=AuditAction.CHANGE, obj=note, client=note.client, detail={"cosigned": True}
    )
    return note


@transaction.atomic
def return_note(note: Note, *, by, comment: str, at: datetime.datetime | None = None) -> Note:
    """Send a trainee's note back to draft with the supervisor's comment."""
    comment = (comment or "").strip()
    if not comment:
        raise NoteError("Say what to change: the comment goes to the author.")
    note = _lock(note)
    _check_supervisor(note, by)
    now = at or timezone.now()
    note.status = NoteStatus.DRAFT
    note.signed_at = None
    note.signed_by = None
    note.signer_name = ""
    note.signer_credentials = ""
    note.late_entry = False
    note.returned_at = now
    note.returned_by = by
    note.return_comment = comment
    note.updated_at = now
    note.save(
        update_fields=[
            "status",
            "signed_at",
            "signed_by",
            "signer_name",
            "signer_credentials",
            "late_entry",
            "returned_at",
            "returned_by",
            "return_comment",
            "updated_at",
        ]
    )
    record(
        by=by, action=AuditAction.CHANGE, obj=note, client=note.client, detail={"returned": True}
    )
    return note


@transaction.atomic
def add_addendum(note: Note, *, by, text: str, at: datetime.datetime | None = None) -> Addendum:
    """Add to a signed note; the note itself stays as it was signed."""
    text = (text or "").strip()
    if not text:
        raise NoteError("Write the addendum.")
    note = _lock(note)
    if not note.is_locked:
        raise NoteError("This note is a draft: edit it instead.")
    addendum = Addendum.objects.create(
        note=note,
        author=by,
        author_name=by.full_name or str(by),
        author_credentials=by.credentials,
        text=text,
        created_at=at or timezone.now(),
    )
    record(
        by=by,
        action=AuditAction.CREATE,
        obj=addendum,
        client=note.client,
        detail={"note": note.pk},
    )
    return addendum


@transaction.atomic
def delete_draft(note: Note, *, by) -> None:
    note = _lock(note)
    if note.is_locked:
        raise NoteLocked("A signed note cannot be deleted.")
    if note.author_id != by.pk:
        raise NoteError("Only the note's author can delete a draft.")
    record(by=by, action=AuditAction.DELETE, obj=note, client=note.client)
    note.delete()


# Organization settings -------------------------------------------------------------------------


@transaction.atomic
def add_template(organization, *, by, name: str, description: str, sections: list[dict]):
    template = NoteTemplate.objects.create(
        organization=organization,
        name=name,
        description=description,
        sections=sections,
        created_by=by,
    )
    record(by=by, action=AuditAction.CREATE, obj=template, detail={"sections": len(sections)})
    return template


@transaction.atomic
def set_template_active(template: NoteTemplate, *, by, active: bool) -> NoteTemplate:
    template.is_active = active
    template.save(update_fields=["is_active"])
    record(by=by, action=AuditAction.CHANGE, obj=template, detail={"active": active})
    return template


@transaction.atomic
def update_note_settings(organization, *, by, late_entry_hours: int, trainees) -> NoteSettings:
    settings = NoteSettings.for_organization(organization)
    settings.late_entry_hours = late_entry_hours
    settings.save(update_fields=["late_entry_hours"])
    settings.trainees.set(trainees)
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=settings,
        detail={"late_entry_hours": late_entry_hours, "trainees": sorted(t.pk for t in trainees)},
    )
    return settings


# Supervision -----------------------------------------------------------------------------------


@transaction.atomic
def write_supervision_note(*, by, supervisee, met_on: datetime.date, text: str) -> SupervisionNote:
    if not supervisee.supervisors.filter(pk=by.pk).exists():
        raise NoteError("You can write supervision notes only about your supervisees.")
    text = (text or "").strip()
    if not text:
        raise NoteError("Write the note.")
    note = SupervisionNote.objects.create(
        organization_id=by.organization_id,
        supervisor=by,
        supervisee=supervisee,
        met_on=met_on,
        text=text,
    )
    record(by=by, action=AuditAction.CREATE, obj=note, detail={"supervisee": supervisee.pk})
    return note
