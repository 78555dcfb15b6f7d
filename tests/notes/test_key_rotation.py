"""`rotate-keys` re-encrypts every notes column, signed (trigger-locked) notes included."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import models
from django.db.models.functions import Cast

from waypoint.lib import keyrotation
from waypoint.notes import actions


@pytest.fixture
def notes_rows(make_note, clinician, supervisor, make_trainee, colleague):
    signed = actions.sign_note(make_note(), by=clinician)
    actions.add_addendum(signed, by=clinician, text="Addendum under the old key.")
    make_note()  # a draft
    make_trainee(clinician)
    returned = actions.sign_note(make_note(), by=clinician)
    actions.return_note(returned, by=supervisor, comment="Add the plan.")
    actions.sign_note(returned, by=clinician)  # locked again, with a return comment kept
    actions.write_supervision_note(
        by=supervisor, supervisee=clinician, met_on=signed.session_date, text="Supervision text."
    )
    return signed


def _columns():
    return [(m, f) for m, f in keyrotation.encrypted_columns() if m._meta.app_label == "notes"]


def _decrypted(model, field):
    return dict(model._base_manager.order_by("pk").values_list("pk", field.attname))


def _raw(model, field):
    alias = Cast(field.attname, models.TextField())
    return [v for v in model._base_manager.annotate(_raw=alias).values_list("_raw", flat=True) if v]


def test_rotate_keys_covers_the_notes_columns(notes_rows, settings):
    columns = _columns()
    labels = {f"{m._meta.label}.{f.name}" for m, fields in columns for f in fields}
    assert labels == {
        "notes.Note.sections",
        "notes.Note.return_comment",
        "notes.Addendum.text",
        "notes.SupervisionNote.text",
    }
    before = {}
    for model, fields in columns:
        for field in fields:
            values = _decrypted(model, field)
            assert any(values.values()), field
            before[(model, field.name)] = values

    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *old_keys]
    call_command("rotate_keys", "--batch-size", "2", stdout=io.StringIO())
    call_command("rotate_keys", "--check", stdout=io.StringIO())

    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    newest = Fernet(new_key.encode())
    for model, fields in columns:
        for field in fields:
            assert _decrypted(model, field) == before[(model, field.name)]
            for token in _raw(model, field):
                newest.decrypt(token.encode())
    notes_rows.refresh_from_db()
    assert notes_rows.is_locked
    assert notes_rows.addenda.get().text == "Addendum under the old key."
