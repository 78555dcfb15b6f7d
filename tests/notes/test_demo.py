"""The demo shows notes off: signed and draft notes, a late entry, one addendum, a pending
co-signature and a returned note; the note pages render for the demo staff; nothing of the
notes' text is in the database in clear."""

import pytest
from django.db import connection
from django.urls import reverse

from waypoint.accounts.models import User
from waypoint.clinics.demo import build_demo
from waypoint.notes.models import Addendum, Note, NoteStatus, NoteTemplate, SupervisionNote

pytestmark = pytest.mark.slow  # builds the whole demo


@pytest.fixture
def demo(db):
    return build_demo()


def _as(client, email):
    client.force_login(
        User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend"
    )
    return client


def test_demo_has_every_state(demo):
    assert Note.objects.filter(status=NoteStatus.SIGNED).count() >= 6
    assert Note.objects.filter(status=NoteStatus.DRAFT, returned_at__isnull=True).exists()
    assert Note.objects.filter(status=NoteStatus.PENDING_COSIGN).count() == 1
    returned = Note.objects.filter(status=NoteStatus.DRAFT, returned_at__isnull=False)
    assert returned.count() == 1
    assert Note.objects.filter(late_entry=True).count() == 1
    assert Note.objects.filter(cosigned_at__isnull=False).count() == 1
    assert Addendum.objects.count() == 1
    assert NoteTemplate.objects.count() == 1
    assert SupervisionNote.objects.count() == 1
    assert {n.template_key for n in Note.objects.all()} == {"hr_session", "dap", "soap"}


def test_demo_note_pages_render(demo, client):
    _as(client, "supervisor@demo.test")
    queue = client.get(reverse("notes-supervision"))
    assert queue.status_code == 200
    assert "Awaiting your co-signature (1)" in queue.content.decode()
    pending = Note.objects.get(status=NoteStatus.PENDING_COSIGN)
    assert client.get(pending.get_absolute_url()).status_code == 200
    luis = User.objects.get(email="clinician2@demo.test")
    assert client.get(reverse("notes-supervision-notes", args=[luis.pk])).status_code == 200

    _as(client, "clinician@demo.test")
    with_addendum = Addendum.objects.get().note
    page = client.get(with_addendum.get_absolute_url())
    assert page.status_code == 200 and "naloxone kit was used" in page.content.decode()
    chart = client.get(with_addendum.client.get_absolute_url())
    assert "Session notes" in chart.content.decode()
    assert client.get(reverse("notes-list", args=[with_addendum.client_id])).status_code == 200
    draft = Note.objects.filter(status=NoteStatus.DRAFT, returned_at__isnull=True).first()
    assert client.get(reverse("notes-edit", args=[draft.client_id, draft.pk])).status_code == 200

    _as(client, "clinician2@demo.test")
    returned = Note.objects.get(status=NoteStatus.DRAFT, author=luis)
    page = client.get(reverse("notes-edit", args=[returned.client_id, returned.pk]))
    assert "benzodiazepines on Friday" in page.content.decode()

    _as(client, "admin@demo.test")
    assert client.get(reverse("notes-settings")).status_code == 200


def test_demo_note_text_is_not_stored_in_clear(demo):
    phrases = ["heron-lake", "marigold-street", "cobalt-kettle", "naloxone kit was used"]
    tables = ["notes_note", "notes_addendum", "notes_supervisionnote"]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            raw = repr(cursor.fetchall())
            for phrase in phrases:
                assert phrase not in raw, (table, phrase)
