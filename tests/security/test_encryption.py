"""Encryption at rest: no plaintext in the database file, and key rotation without downtime."""

import datetime

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from waypoint.clients import actions as client_actions
from waypoint.clients.models import Client
from waypoint.clinics.backup import _pg_tool, _run, sqlite_snapshot
from waypoint.lib import encryption, keyrotation

DISTINCTIVE_NAME = "Zephyrine Quorrabelle"
DISTINCTIVE_ADDRESS = "77 Xylophonic Causeway"
DISTINCTIVE_NOTE = "Wants Thursdays near the Gribblemoor depot"
DISTINCTIVE_EMAIL = "zephyrine.reminders@example.test"
DISTINCTIVE_BALANCE = "Gorgonzola accordion rehearsals"  # a decisional-balance cell
DISTINCTIVE_GROUP_NOTES = ["Pumpernickel lighthouse themes", "Own part: quokka harmonica"]
# Written below through each app's actions: a session note, a safety-plan item, a medication's
# dose and prescriber, an allergy and a note of a contact with a prescriber.
DISTINCTIVE_SESSION_NOTE = "Talked about the Wendlebury allotment"
DISTINCTIVE_PLAN_ITEM = "Naloxone behind the periwinkle teapot"
DISTINCTIVE_MEDICATIONS = [
    "Dr. Ottoline Frobisher-Quance",
    "Nebulized marmalade allergy",
    "Frobisher agreed to the slower taper",
]
DISTINCTIVE_QUESTION = "Does the Snorkelwhistle ferry sell naloxone?"  # a public question
DISTINCTIVE_ASKER = "marzipan.asker@example.test"


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def distinctive_chart(clinic, admin, clinician):
    chart = client_actions.create_client(
        by=admin,
        organization=clinic,
        chart_number="Z-900",
        legal_name=DISTINCTIVE_NAME,
        preferred_name="Zephyrine",
        date_of_birth=datetime.date(1979, 11, 23),
        address=DISTINCTIVE_ADDRESS,
        primary_clinician=clinician,
        admitted_on=datetime.date(2026, 2, 1),
    )
    chart.phone = "555-0199"
    client_actions.update_client(chart, by=admin, changed_fields=["phone"])  # a history row too
    from waypoint.appointments import actions as appointment_actions

    appointment_actions.record_drop_in(
        chart,
        by=clinician,
        clinician=clinician,
        starts_at=datetime.datetime(2026, 2, 3, 18, 0, tzinfo=datetime.UTC),
        duration_minutes=20,
        note=DISTINCTIVE_NOTE,
    )
    appointment_actions.set_reminder_preference(
        chart, by=clinician, email_reminders=True, email=DISTINCTIVE_EMAIL
    )
    from waypoint.assessment import actions as assessment_actions

    assessment_actions.save_balance(
        chart,
        by=clinician,
        substance="alcohol",
        noted_on=datetime.date(2026, 2, 2),
        benefits_of_changing=DISTINCTIVE_BALANCE,
    )
    from waypoint.groups import actions as group_actions

    group = group_actions.create_group(clinic, by=clinician, name="Open group")
    group_actions.add_member(group, chart, by=clinician, joined_on=datetime.date(2026, 2, 1))
    session = group_actions.add_session(group, by=clinician, held_on=datetime.date(2026, 2, 4))
    shared, own = DISTINCTIVE_GROUP_NOTES
    group_actions.record_session(
        session, by=clinician, topic="", shared_note=shared, rows={chart.pk: ("present", own)}
    )
    from waypoint.notes import actions as note_actions

    note_actions.start_note(
        chart,
        by=clinician,
        template_key="dap",
        session_date=datetime.date(2026, 2, 4),
        texts={"data": DISTINCTIVE_SESSION_NOTE},
    )
    from waypoint.plans import actions as plan_actions

    plan_actions.save_plan(
        chart,
        by=clinician,
        kind="overdose",
        items={
            "naloxone": [DISTINCTIVE_PLAN_ITEM],
            "never_alone": ["Call the line"],
            "after_a_break": ["Half dose"],
            "who_to_call": ["911"],
        },
    )
    from waypoint.medications import actions as medication_actions

    prescriber, allergy, contact = DISTINCTIVE_MEDICATIONS
    medication_actions.add_medication(
        chart,
        by=clinician,
        name="Buprenorphine",
        dose="8 mg film",
        prescriber=prescriber,
        started_on=datetime.date(2026, 2, 1),
    )
    medication_actions.add_allergy(
        chart, by=clinician, text=allergy, noted_on=datetime.date(2026, 2, 1)
    )
    medication_actions.add_coordination_note(
        chart,
        by=clinician,
        occurred_on=datetime.date(2026, 2, 3),
        prescriber=prescriber,
        note=contact,
    )
    from waypoint.questions import actions as question_actions

    question_actions.receive_question(
        text=DISTINCTIVE_QUESTION, language="en", email=DISTINCTIVE_ASKER
    )
    return chart


@pytest.mark.django_db(transaction=True)
def test_known_names_do_not_appear_in_database_file(distinctive_chart, tmp_path):
    if connection.vendor == "postgresql":
        # A plain-text dump holds every stored value as the server has it.
        path = tmp_path / "dump.sql"
        _run([_pg_tool("pg_dump"), "--format=plain", "--data-only", "--file", str(path)], "dump")
    else:
        path = tmp_path / "copy.sqlite3"
        sqlite_snapshot(path)  # the same online-backup copy `waypoint backup` encrypts
    data = path.read_bytes()
    assert len(data) > 10_000  # a real database, not an empty file
    assert b"Z-900" in data  # the chart number is deliberately clear text: proves we read it
    secrets = [DISTINCTIVE_NAME, "Zephyrine", "Quorrabelle", DISTINCTIVE_ADDRESS, "1979-11-23"]
    secrets += [DISTINCTIVE_NOTE, "Gribblemoor", DISTINCTIVE_EMAIL, DISTINCTIVE_BALANCE]
    secrets += [*DISTINCTIVE_GROUP_NOTES, "quokka"]
    secrets += [DISTINCTIVE_SESSION_NOTE, "Wendlebury", DISTINCTIVE_PLAN_ITEM, "periwinkle"]
    secrets += [*DISTINCTIVE_MEDICATIONS, "Frobisher"]
    secrets += [DISTINCTIVE_QUESTION, "Snorkelwhistle", DISTINCTIVE_ASKER]
    for secret in secrets:
        for encoded in (
            secret.encode("utf-8"),
            secret.lower().encode(),
            secret.encode("utf-16-le"),
        ):
            assert encoded not in data, secret
    # And the ORM still reads it back: the phrases were really written.
    assert Client.objects.get(pk=distinctive_chart.pk).legal_name == DISTINCTIVE_NAME
    from waypoint.medications.models import Allergy, CoordinationNote, Medication
    from waypoint.notes.models import Note
    from waypoint.plans.models import SafetyPlanVersion

    assert DISTINCTIVE_SESSION_NOTE in Note.objects.get(client=distinctive_chart).sections
    assert DISTINCTIVE_PLAN_ITEM in SafetyPlanVersion.objects.get().items
    prescriber, allergy, contact = DISTINCTIVE_MEDICATIONS
    assert Medication.objects.get(client=distinctive_chart).prescriber == prescriber
    assert Allergy.objects.get(client=distinctive_chart).text == allergy
    assert CoordinationNote.objects.get(client=distinctive_chart).note == contact


def test_columns_hold_fernet_tokens(distinctive_chart):
    raw = _raw("clients_client", "legal_name", distinctive_chart.pk)
    assert raw.startswith("gAAAAA")
    assert encryption.decrypt(raw) == DISTINCTIVE_NAME
    history = Client.history.model
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT legal_name FROM {history._meta.db_table}")  # noqa: S608
        values = [row[0] for row in cursor.fetchall()]
    assert values and all(v.startswith("gAAAAA") for v in values)


def test_encrypted_fields_cannot_be_filtered(distinctive_chart):
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError, match="blind index"):
        list(Client.objects.filter(legal_name=DISTINCTIVE_NAME))
    assert list(Client.objects.matching("quorra")) == [distinctive_chart]


def test_discovery_covers_history_tables():
    labels = {model._meta.label for model, _ in keyrotation.encrypted_columns()}
    assert {"clients.Client", "clients.HistoricalClient", "clients.Episode"} <= labels
    assert "questions.Question" in labels


def test_rotation_moves_everything_to_new_key_and_old_key_can_go(distinctive_chart, settings):
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    new_key = Fernet.generate_key().decode()
    before = _raw("clients_client", "legal_name", distinctive_chart.pk)

    # Step 1: deploy the new key first; old keys still decrypt, so the app keeps working.
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *old_keys]
    assert Client.objects.get(pk=distinctive_chart.pk).legal_name == DISTINCTIVE_NAME
    with pytest.raises(CommandError, match="still on older keys"):
        call_command("rotate_keys", "--check", stdout=_Sink())

    # Step 2: rotate. Everything, history rows included, moves to the new key.
    out = _Sink()
    call_command("rotate_keys", "--batch-size", "2", stdout=out)
    assert "re-encrypted" in out.text
    after = _raw("clients_client", "legal_name", distinctive_chart.pk)
    assert after != before
    assert Fernet(new_key.encode()).decrypt(after.encode()).decode() == DISTINCTIVE_NAME

    # Idempotent: a second run has nothing to do; --check passes.
    again = keyrotation.rotate()
    assert again.total("rotated") == 0
    assert again.total("pending") == 0
    assert again.total("values") > 5
    call_command("rotate_keys", "--check", stdout=_Sink())

    # Step 3: remove the old keys. Every value still reads, including history.
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    chart = Client.objects.get(pk=distinctive_chart.pk)
    assert chart.legal_name == DISTINCTIVE_NAME
    assert chart.address == DISTINCTIVE_ADDRESS
    assert chart.date_of_birth == datetime.date(1979, 11, 23)
    assert {h.legal_name for h in chart.history.all()} == {DISTINCTIVE_NAME}
    assert chart.episodes.get().discharge_note == ""


def test_removing_a_key_too_early_is_reported_not_hidden(distinctive_chart, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(encryption.DecryptionError):
        Client.objects.get(pk=distinctive_chart.pk)
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_keys", stdout=_Sink())


def test_rotation_never_overwrites_a_concurrent_edit(distinctive_chart, settings):
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    stale = _raw("clients_client", "legal_name", distinctive_chart.pk)
    # A user saves a new name (under the new key) after rotation read the old token.
    Client.objects.filter(pk=distinctive_chart.pk).update(legal_name="Zephyrine Q. Newname")
    assert not keyrotation._compare_and_swap(
        Client, Client._meta.get_field("legal_name"), distinctive_chart.pk, stale, "x"
    )
    assert Client.objects.get(pk=distinctive_chart.pk).legal_name == "Zephyrine Q. Newname"


def test_search_index_rebuild_after_search_key_change(distinctive_chart, settings):
    settings.SEARCH_HASH_KEY = "a-brand-new-search-key"
    assert list(Client.objects.matching("quorra")) == []  # old digests no longer match
    out = _Sink()
    call_command("rotate_keys", "--search-index", stdout=out)
    assert "rebuilt for" in out.text
    assert list(Client.objects.matching("quorra")) == [distinctive_chart]


def test_bad_key_configuration_is_one_line(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="generate-key"):
        call_command("rotate_keys", "--check", stdout=_Sink())


class _Sink:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_queryset_update_with_an_expression_is_not_encrypted_as_text(distinctive_chart):
    from django.db.models import F

    Client.objects.filter(pk=distinctive_chart.pk).update(legal_name=F("preferred_name"))
    assert Client.objects.get(pk=distinctive_chart.pk).legal_name == "Zephyrine"


def test_decrypting_once_reuses_a_token_only_inside_the_block(settings):
    """Inside `decrypting_once()` a token already read is not decrypted again (so it reads even
    after the keys changed); after the block, and in another thread, nothing is remembered."""
    import threading

    token = encryption.encrypt("Zephyrine once")
    other_key = Fernet.generate_key().decode()
    with encryption.decrypting_once():
        assert encryption.decrypt(token) == "Zephyrine once"
        settings.FIELD_ENCRYPTION_KEYS = [other_key]
        assert encryption.decrypt(token) == "Zephyrine once"  # remembered, not decrypted
        seen_elsewhere = []

        def elsewhere():
            try:
                seen_elsewhere.append(encryption.decrypt(token))
            except encryption.DecryptionError:
                seen_elsewhere.append("refused")

        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
        assert seen_elsewhere == ["refused"]  # the other thread decrypts for itself
        stranger = Fernet(Fernet.generate_key()).encrypt(b"not ours").decode()
        with pytest.raises(encryption.DecryptionError):
            encryption.decrypt(stranger)  # a token of no configured key still fails
    with pytest.raises(encryption.DecryptionError):
        encryption.decrypt(token)  # forgotten with the block
