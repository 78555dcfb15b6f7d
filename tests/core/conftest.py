"""Extra cast for the core tests, beyond the shared cast in tests/conftest.py.

Sue is a supervisor who does not supervise Maya; Oona is the admin of Other Clinic.
"""

import pytest

from waypoint.accounts.roles import Role
from waypoint.clients import actions as client_actions
from waypoint.clients.models import AlertSeverity


@pytest.fixture
def other_supervisor(make_user, clinic):
    return make_user("sue@clinic.test", clinic, Role.SUPERVISOR, "Sue Supervisor")


@pytest.fixture
def other_admin(make_user, other_clinic):
    return make_user("oona@other.test", other_clinic, Role.ADMIN, "Oona Otheradmin")


@pytest.fixture
def alert(client_chart):
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
