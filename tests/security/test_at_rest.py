"""The whole demo at rest: the raw database holds none of the demo clients' identity or words.

Every app's demo step runs (`build_demo`), the demo client signs in (a mistyped password first,
so the lockout tables get a row), opens the portal, and the database is read as bytes: the
SQLite file with its WAL on disk, or a `pg_dump` on PostgreSQL. What must not appear is
collected from the database itself: every value of every encrypted column of every installed
model (history tables included) as the ORM decrypts it, so a new app's demo step is covered by
construction. Dates of birth are looked for in the formats they would be written in.
"""

import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parents[2]
MIN_LENGTH = 5  # shorter strings turn up by chance in base64 ciphertext
PERSON_NAMES = {"legal_name", "preferred_name", "emergency_contact_name", "name_on_record"}


def sign_in_as_demo_client() -> None:
    from django.test import Client

    from waypoint.clinics.demo import DEMO_PASSWORD

    browser = Client()
    browser.post("/accounts/login/", {"username": "client@demo.test", "password": "not it 123"})
    response = browser.post(
        "/accounts/login/", {"username": "client@demo.test", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    assert browser.get("/portal/").status_code == 200


def protected_values() -> tuple[list[str], list[str]]:
    """Every plaintext held in an encrypted column, plus the forms it could be written in; and
    the parts of people's names, also looked for in lower case (as in an email address)."""
    from waypoint.accounts.models import User
    from waypoint.accounts.roles import Role
    from waypoint.lib.keyrotation import encrypted_columns

    found, names = set(), set()
    for model, fields in encrypted_columns():
        rows = model._base_manager.all()
        if model is User:  # staff addresses may be in clear elsewhere (docs/security.md)
            rows = rows.filter(role=Role.CLIENT)
        columns = [f.name for f in fields]
        for row in rows.values_list(*columns).iterator():
            for name, value in zip(columns, row, strict=True):
                if isinstance(value, datetime.date):
                    found |= {value.isoformat(), value.strftime("%m/%d/%Y")}
                elif isinstance(value, str) and value.strip():
                    found.add(value.strip())
                    if name in PERSON_NAMES:  # each part of a person's name on its own too
                        names |= {w.strip(".,;:()") for w in value.split()}
    keep = lambda values: sorted(v for v in values if len(v) >= MIN_LENGTH)  # noqa: E731
    values = found | names
    public = exempt(found - names, published_on_purpose())  # people's names are never exempt
    return keep(values - public), keep(names)


def published_on_purpose() -> set[str]:
    """Words the public site publishes on purpose, in plain columns: a published question's
    public copies (title, question as edited, answer) and the library's pages. The same words
    in an encrypted column are no leak: the published question's encrypted original, or a short
    value such as "alone" that the naloxone article also says. Only such exact values are
    exempt; any longer client text, and any part of a person's name, still counts."""
    from waypoint.library.models import Article, BookReview
    from waypoint.questions.models import Question

    public = set()
    rows = Question.objects.published().values_list("title", "public_question", "public_answer")
    for row in rows:
        public |= {value.strip() for value in row if value and value.strip()}
    for model in (Article, BookReview):
        for row in model.objects.values_list("title", "summary", "body"):
            public |= {value.strip() for value in row if value}
    return public


def exempt(values: set[str], public: set[str]) -> set[str]:
    corpus = "\n".join(public)
    return {
        v
        for v in values
        if v in public or re.search(r"(?<![\w])" + re.escape(v) + r"(?![\w])", corpus)
    }


def build_and_collect() -> dict:
    from waypoint.clinics.demo import build_demo

    build_demo()
    sign_in_as_demo_client()
    values, names = protected_values()
    return {"values": values, "names": names}


def leaks(data: bytes, collected: dict) -> list[str]:
    """Values found as whole words (so "alone" inside the code "never_alone" is no leak)."""
    found = []
    for value in collected["values"]:
        forms = [value.encode(), value.encode("utf-16-le")]
        if value in collected["names"]:
            forms.append(value.lower().encode())
        if any(re.search(rb"(?<![\w])" + re.escape(f) + rb"(?![\w])", data) for f in forms):
            found.append(value)
    return found


def test_the_demo_client_is_in_the_collected_values(db):
    """The collection really covers what the demo writes (names, email, phone, birth date)."""
    from waypoint.clients.models import Client

    collected = build_and_collect()
    values = collected["values"]
    marisol = Client.objects.get(portal_user__email="client@demo.test")
    expected = {"client@demo.test", marisol.legal_name, *marisol.legal_name.split()}
    if marisol.phone:
        expected.add(marisol.phone)
    if marisol.date_of_birth:
        expected |= {marisol.date_of_birth.isoformat(), marisol.date_of_birth.strftime("%m/%d/%Y")}
    assert expected <= set(values)
    assert {"Marisol", "Brightwater"} <= set(collected["names"])
    assert len(values) > 100  # free text from the diary, measures, privacy... demo steps


def test_no_demo_identity_or_free_text_in_the_sqlite_file(tmp_path):
    if "postgresql" in os.environ.get("DATABASE_URL", ""):
        pytest.skip("the PostgreSQL variant below")
    database = tmp_path / "at-rest.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "WAYPOINT_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{database}",
    }
    script = (
        "import django, json; django.setup(); "
        "from django.core.management import call_command; call_command('migrate', verbosity=0); "
        "from tests.security.test_at_rest import build_and_collect; "
        "print(json.dumps(build_and_collect()))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed script
        [sys.executable, "-c", script],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    collected = json.loads(result.stdout.strip().splitlines()[-1])
    files = [p for p in tmp_path.glob("at-rest.sqlite3*") if p.is_file()]
    data = b"".join(p.read_bytes() for p in files)
    assert len(data) > 500_000
    for table in [b"django_session", b"axes_accessattempt", b"audit_auditevent", b"historical"]:
        assert table in data.lower()  # the tables we mean to search are in the bytes
    assert b"Demo Harm Reduction Clinic" in data  # clear metadata is readable: we read the file
    assert leaks(data, collected) == [], "\n".join(leaks(data, collected))


@pytest.mark.django_db(transaction=True)
def test_no_demo_identity_or_free_text_in_a_postgresql_dump(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://...")
    from waypoint.clinics.backup import _pg_tool, _run

    collected = build_and_collect()
    path = tmp_path / "dump.sql"
    _run([_pg_tool("pg_dump"), "--format=plain", "--data-only", "--file", str(path)], "dump")
    data = path.read_bytes()
    assert b"Demo Harm Reduction Clinic" in data
    # The search index of published questions (a tsvector: 'friend':5 'naloxon':2) holds stems of
    # the public copies only, which the scan cannot match to their words; it is left out.
    assert TSVECTOR_LEXEME.search(data), "the questions' search index should be in the dump"
    data = TSVECTOR_LEXEME.sub(b"", data)
    assert leaks(data, collected) == [], "\n".join(leaks(data, collected))


TSVECTOR_LEXEME = re.compile(rb"'[^'\s]+':[0-9,ABCD]+")
