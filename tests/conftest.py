"""The named cast every test can use.

Demo Harm Reduction Clinic ("clinic"): Ada Admin, Sol Supervisor (supervises Maya), Maya Clinician
(primary for Robin's chart), Cole Colleague (another clinician, not on Robin's team), and Robin, a
client with a portal login. Other Clinic ("other_clinic"): Otis, a clinician with his own client.
"""

import datetime
import os

import pytest

from waypoint.accounts.roles import Role
from waypoint.clients import actions as client_actions

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in live tests

PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(db):
    from waypoint.accounts.models import User

    def make(email, organization, role=Role.CLINICIAN, name="", **extra):
        return User.objects.create_user(
            email=email,
            password=PASSWORD,
            organization=organization,
            role=role,
            full_name=name or email.split("@")[0].title(),
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
