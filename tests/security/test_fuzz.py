"""Property tests for the parsers and normalizers that exist today.

Covered: the blind-index normalizer and search digests (waypoint.lib.encryption), the backup
header parser and container reader (waypoint.clinics.backup), the password pattern validator.
Add a property test here for each new parser (CSV imports, Markdown, FHIR import) as it lands.
"""

import io
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waypoint.clinics import backup
from waypoint.lib import encryption

texts = st.text(max_size=60)
KEY = "tGq0cJ2y8c0n1k5oG2m7oTjY6kZ8iV3mQ9wE1rT4yU0="


@given(texts)
def test_normalizer_is_idempotent(value):
    once = encryption.normalize_for_search(value)
    assert encryption.normalize_for_search(once) == once


@given(texts)
def test_normalizer_output_has_no_accents_or_extra_spaces(value):
    once = encryption.normalize_for_search(value)
    assert not any(unicodedata.combining(ch) for ch in once)
    assert once == once.strip()
    assert "  " not in once


@given(st.text(alphabet=st.characters(categories=["Lu", "Ll"]), min_size=2, max_size=20))
def test_every_prefix_of_a_name_finds_it(word):
    digests = encryption.name_search_digests(word)
    normalized = encryption.normalize_for_search(word).replace("-", " ")
    for query in normalized.split():
        if len(query) >= 2:
            assert encryption.query_digests(query)[0] in digests


def test_normalizer_known_answers():
    assert encryption.normalize_for_search("  Zoë   O'BRIEN ") == "zoe o'brien"
    assert encryption.normalize_for_search("Ångström") == "angstrom"
    assert encryption.normalize_for_search("STRASSE") == encryption.normalize_for_search("Straße")


@given(texts)
def test_digests_separate_purposes(a):
    assert encryption.blind_index(a, purpose="x") != encryption.blind_index(a, purpose="y")


@given(st.binary(max_size=300))
def test_header_reader_only_raises_backup_error(data):
    try:
        backup.read_header(io.BytesIO(data))
    except backup.BackupError as exc:
        assert "\n" not in str(exc)


@given(
    st.dictionaries(
        st.text(max_size=12),
        st.none()
        | st.integers()
        | st.text(max_size=20)
        | st.booleans()
        | st.lists(st.text(max_size=5), max_size=3),
        max_size=12,
    )
)
def test_header_parser_only_raises_backup_error_on_json(data):
    import json

    raw = json.dumps(data).encode()
    # Random JSON is never a valid header: refused with a one-line BackupError, nothing else.
    with pytest.raises(backup.BackupError, match=r"\A[^\n]+\Z"):
        backup.parse_header(raw)


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    from django.test import override_settings

    plain = tmp_path_factory.mktemp("fuzz") / "plain"
    plain.write_bytes(b"waypoint fuzz snapshot " * 50)
    out = io.BytesIO()
    with override_settings(BACKUP_ENCRYPTION_KEY=KEY):
        backup.encrypt_file(plain, out, engine="sqlite", schema=["clinics.0001_initial"])
    return out.getvalue()


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_any_changed_byte_is_refused(sealed, position, flip):
    from django.test import override_settings

    position %= len(sealed)
    damaged = bytearray(sealed)
    damaged[position] ^= flip
    with override_settings(BACKUP_ENCRYPTION_KEY=KEY), pytest.raises(backup.BackupError):
        backup.decrypt_file(io.BytesIO(bytes(damaged)), io.BytesIO())


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(length=st.integers(min_value=0))
def test_any_truncation_is_refused(sealed, length):
    from django.test import override_settings

    length %= len(sealed)
    with override_settings(BACKUP_ENCRYPTION_KEY=KEY), pytest.raises(backup.BackupError):
        backup.decrypt_file(io.BytesIO(sealed[:length]), io.BytesIO())
