"""`rotate-keys` re-encrypts both parts of group notes."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from waypoint.groups.models import Attendance, GroupSession
from waypoint.lib import keyrotation

pytestmark = pytest.mark.django_db


def test_rotate_keys_covers_the_group_note_columns(group_world, settings):
    labels = {
        f"{m._meta.label}.{f.name}"
        for m, fields in keyrotation.encrypted_columns()
        if m._meta.app_label == "groups"
        for f in fields
    }
    assert labels == {"groups.GroupSession.shared_note", "groups.Attendance.member_note"}
    shared = GroupSession.objects.get().shared_note
    own = dict(Attendance.objects.values_list("pk", "member_note"))

    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *old_keys]
    call_command("rotate_keys", "--batch-size", "2", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone: everything still reads
    assert GroupSession.objects.get().shared_note == shared
    assert dict(Attendance.objects.values_list("pk", "member_note")) == own
