"""Notes in the client's record (privacy app registries) and their retention anonymizer.

- `notes_part` (kind "Session notes", `InfoKind.NOTES`): every signed note, with its format,
  session date, sections, signature, co-signature, late-entry mark and addenda (author, time,
  text). Drafts and notes still waiting for a co-signature are not part of the record. In the
  FHIR download each note is a DocumentReference (status current, docStatus final) whose
  content is the note as text.
- Supervision notes belong to no chart and are never part of a record.
- `anonymize_notes` (ANONYMIZERS): deletes the chart's notes and addenda. Note text cannot be
  blanked in place (signed notes are locked by the database trigger, migration 0002), and a
  session note is free text through and through: nothing in it is de-identified data.

See docs/notes.md and docs/privacy.md.
"""

import base64

from fhir.resources.R4B.documentreference import DocumentReference

from waypoint.notes.models import Note
from waypoint.privacy.models import InfoKind
from waypoint.privacy.records import RecordPart


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _signed_notes(client) -> list[Note]:
    return list(
        Note.objects.filter(client=client)
        .signed()
        .prefetch_related("addenda")
        .order_by("session_date", "id")
    )


def _as_text(item: dict) -> str:
    lines = [f"{item['format']}, session of {item['session_date']}"]
    for section in item["sections"]:
        lines += ["", section["label"], section["text"]]
    lines += ["", f"Signed by {item['signed_by']} at {item['signed_at']}"]
    if item["cosigned_by"]:
        lines.append(f"Co-signed by {item['cosigned_by']} at {item['cosigned_at']}")
    if item["late_entry"]:
        lines.append("Late entry")
    for addendum in item["addenda"]:
        lines += ["", f"Addendum by {addendum['author']} at {addendum['at']}", addendum["text"]]
    return "\n".join(lines)


def notes_part(client, ctx):
    notes = _signed_notes(client)
    if not notes:
        return None
    data, fhir = [], []
    for note in notes:
        item = {
            "id": note.pk,
            "format": note.template_name,
            "session_date": note.session_date.isoformat(),
            "sections": [{"label": s["label"], "text": s["text"]} for s in note.section_list()],
            "signed_by": note.signature_text,
            "signed_at": _iso(note.signed_at),
            "cosigned_by": note.cosignature_text,
            "cosigned_at": _iso(note.cosigned_at),
            "late_entry": note.late_entry,
            "addenda": [
                {"author": a.author_text, "at": _iso(a.created_at), "text": a.text}
                for a in note.addenda.all()
            ],
        }
        data.append(item)
        resource = DocumentReference.model_validate(
            {
                "resourceType": "DocumentReference",
                "status": "current",
                "docStatus": "final",
                "type": {"text": f"Session note ({note.template_name})"},
                "subject": {"reference": ctx.patient_ref},
                "date": _iso(note.signed_at),
                "description": f"Session of {note.session_date.isoformat()}",
                "content": [
                    {
                        "attachment": {
                            "contentType": "text/plain; charset=utf-8",
                            "data": base64.b64encode(_as_text(item).encode()).decode(),
                            "title": f"Session note {note.session_date.isoformat()}",
                        }
                    }
                ],
            }
        )
        fhir.append((ctx.ref("note", note.pk), resource))
    return RecordPart(
        key="session_notes",
        title="Session notes",
        kind=InfoKind.NOTES,
        template="notes/parts/_record.html",
        data=data,
        fhir=fhir,
    )


def anonymize_notes(client) -> None:
    """Delete the chart's session notes and their addenda (see the module docstring)."""
    Note.objects.filter(client=client).delete()
