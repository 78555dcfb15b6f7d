"""The named cast every test can use.

Demo Harm Reduction Clinic ("clinic"): Ada Admin, Sol Supervisor (supervises Maya), Maya Clinician
(primary for Robin's chart), Cole Colleague (another clinician, not on Robin's team), and Robin, a
client with a portal login. Other Clinic ("other_clinic"): Otis, a clinician with his own client.
Sue is a supervisor who does not supervise Maya; Oona is the admin of Other Clinic.
"""

import datetime
import os

import pytest

from waypoint.accounts.roles import Role
from waypoint.clients import actions as client_actions

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in live tests

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A Spanish request (LocaleMiddleware) leaves Spanish active in the thread; a later test in the
    same worker process, such as a CLI command's English output, must not inherit it."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def make_user(db):
    from waypoint.accounts.models import User

    def make(email, organization, role=Role.CLINICIAN, name="", **extra):
        return User.objects.create_user(
            email=email,
            password=PASSWORD,
            organization=organization,
            role=role,
            # A client account has no name of its own: it shows the chart's.
            full_name="" if role == Role.CLIENT else (name or email.split("@")[0].title()),
            **extra,
        )

    return make


@pytest.fixture
def clinic(db):
    from waypoint.clinics.models import Organization

    return Organization.objects.create(name="Demo Harm Reduction Clinic", slug="clinic")


@pytest.fixture
def other_clinic(db):
    from waypoint.clinics.models import Organization

    return Organization.objects.create(name="Other Clinic", slug="other-clinic")


@pytest.fixture
def admin(make_user, clinic):
    return make_user("ada@clinic.test", clinic, Role.ADMIN, "Ada Admin")


@pytest.fixture
def supervisor(make_user, clinic):
    return make_user("sol@clinic.test", clinic, Role.SUPERVISOR, "Sol Supervisor")


@pytest.fixture
def clinician(make_user, clinic, supervisor):
    user = make_user("maya@clinic.test", clinic, Role.CLINICIAN, "Maya Clinician")
    user.supervisors.add(supervisor)
    return user


@pytest.fixture
def colleague(make_user, clinic):
    return make_user("cole@clinic.test", clinic, Role.CLINICIAN, "Cole Colleague")


@pytest.fixture
def other_clinician(make_user, other_clinic):
    return make_user("otis@other.test", other_clinic, Role.CLINICIAN, "Otis Other")


@pytest.fixture
def client_chart(clinic, clinician, admin):
    return client_actions.create_client(
        by=admin,
        organization=clinic,
        chart_number="C-001",
        legal_name="Robin Quillfeather",
        preferred_name="Robin",
        pronouns="they/them",
        date_of_birth=datetime.date(1988, 4, 2),
        phone="555-0100",
        drinking_thresholds="female",
        primary_clinician=clinician,
        admitted_on=datetime.date(2026, 1, 5),
    )


@pytest.fixture
def client_user(make_user, clinic, client_chart, admin):
    user = make_user("robin@client.test", clinic, Role.CLIENT, "Robin Quillfeather")
    client_actions.link_portal_user(client_chart, by=admin, user=user)
    return user


@pytest.fixture
def other_chart(other_clinic, other_clinician):
    return client_actions.create_client(
        by=other_clinician,
        organization=other_clinic,
        chart_number="O-001",
        legal_name="Otto Examplar",
        primary_clinician=other_clinician,
    )


@pytest.fixture
def colleague_chart(clinic, colleague, admin):
    return client_actions.create_client(
        by=admin,
        organization=clinic,
        chart_number="C-002",
        legal_name="Petra Placeholder",
        primary_clinician=colleague,
    )


@pytest.fixture
def login(client):
    """Sign the Django test client in as a user: `login(user)`; returns the test client."""

    def do(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return do


@pytest.fixture
def other_supervisor(make_user, clinic):
    return make_user("sue@clinic.test", clinic, Role.SUPERVISOR, "Sue Supervisor")


@pytest.fixture
def other_admin(make_user, other_clinic):
    return make_user("oona@other.test", other_clinic, Role.ADMIN, "Oona Otheradmin")


@pytest.fixture
def alert(client_chart):
    from waypoint.clients.models import AlertSeverity

    return client_actions.raise_alert(
        client_chart,
        by=None,
        kind="test_signal",
        title="Test safety signal",
        severity=AlertSeverity.URGENT,
    )


@pytest.fixture
def see_all(clinic):
    """Turn on the organization setting that lets every clinician read every chart."""
    clinic.clinicians_see_all_charts = True
    clinic.save()
    return clinic


@pytest.fixture
def make_charts():
    """Bulk-create `n` active charts for `clinician`, each with a contact and an open alert."""
    import datetime

    from waypoint.clients.models import Alert, Client, ClientNameIndex, Contact, Episode
    from waypoint.lib.encryption import name_search_digests

    def make(n, clinician, *, prefix="B"):
        charts = Client.objects.bulk_create(
            Client(
                organization_id=clinician.organization_id,
                chart_number=f"{prefix}-{i:04d}",
                legal_name=f"Bulk Person{i}",
                pronouns="they/them",
                status="active",
                primary_clinician=clinician,
            )
            for i in range(n)
        )
        Client.care_team.through.objects.bulk_create(
            Client.care_team.through(client_id=c.pk, user_id=clinician.pk) for c in charts
        )
        day = datetime.date(2026, 1, 5)
        Episode.objects.bulk_create(Episode(client=c, admitted_on=day) for c in charts)
        Contact.objects.bulk_create(
            Contact(client=c, occurred_on=day, kind="individual", staff=clinician) for c in charts
        )
        Alert.objects.bulk_create(Alert(client=c, kind="bulk", title="Bulk alert") for c in charts)
        ClientNameIndex.objects.bulk_create(
            ClientNameIndex(client=c, digest=digest)
            for c in charts
            for digest in name_search_digests(c.legal_name)
        )
        return charts

    return make


def pytest_configure(config):
    """Compile the translations (`make install` does too) so a fresh checkout's tests see the
    Spanish pages: any .mo missing or older than its .po is rebuilt with msgfmt, the tool
    `waypoint compilemessages` runs. Only in the main process: xdist workers start after it."""
    if hasattr(config, "workerinput"):
        return
    import pathlib
    import shutil
    import subprocess  # msgfmt on the project's own files

    msgfmt = shutil.which("msgfmt")
    locale_dir = pathlib.Path(__file__).resolve().parent.parent / "waypoint" / "locale"
    for po in locale_dir.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        if msgfmt is None:
            raise pytest.UsageError("msgfmt (GNU gettext) is needed to compile translations")
        tmp = mo.with_suffix(".mo.tmp")
        subprocess.run([msgfmt, "--check", "-o", str(tmp), str(po)], check=True)  # noqa: S603
        tmp.replace(mo)
