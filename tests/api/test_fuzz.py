"""Schema-driven fuzzing of /api/v1/ (schemathesis): whatever is sent, never a 5xx, and every
answer matches the OpenAPI document (issue #14, "Bad input")."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi import checks

from waypoint.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def bearer(db, clinician, client_chart, make_token, settings):
    settings.API_RATE_LIMIT = "100000/m"  # the throttle itself is tested in test_api.py
    return {"Authorization": f"Bearer {make_token(clinician, scope='read-write')}"}


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Schemathesis calls the WSGI application directly, which ends each request with
    close_old_connections: inside the test's transaction that closes the PostgreSQL connection
    (SQLite ignores it). Django's own test client unhooks it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_never_fails_on_any_input(case, bearer):
    # The token goes into the case itself, not only into the request: a case made "negative" by
    # leaving out the Authorization header (plus, say, an extra query key that serializes to
    # nothing) would otherwise be judged as unsent bad data that the API wrongly accepted.
    case.headers = {**(case.headers or {}), **bearer}
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
    # Left out: the auth checks (this test always sends a valid token, so a case meant to lack
    # it has one; bad tokens are tested in test_api.py) and "schema-valid data accepted",
    # because the schema cannot say how many answers each instrument takes: scoring rightly
    # answers 400 to a wrong count.
    case.validate_response(
        response,
        excluded_checks=[
            checks.ignored_auth,
            checks.missing_required_header,
            checks.positive_data_acceptance,
        ],
    )


# The writes again, aimed at records that exist: a random id almost always answers 404 before
# the body is read, so here the path names the chart, appointment, group, roster row and session
# of this world, and the generated bodies reach the forms and the actions.
writes = schema.include(method=["POST", "PATCH"], path_regex="appointments|groups")


@pytest.fixture
def world(db, clinician, client_chart, clinic):
    import datetime

    from waypoint.appointments import actions as appointment_actions
    from waypoint.groups import actions as group_actions

    appointment = appointment_actions.schedule_appointment(
        client_chart,
        by=clinician,
        clinician=clinician,
        starts_at=datetime.datetime.combine(
            clinic.today() + datetime.timedelta(days=3), datetime.time(14), clinic.zone
        ),
        duration_minutes=50,
    )
    group = group_actions.create_group(clinic, by=clinician, name="Fuzzed group")
    membership = group_actions.add_member(
        group, client_chart, by=clinician, joined_on=datetime.date(2026, 1, 6)
    )
    session = group_actions.add_session(group, by=clinician, held_on=datetime.date(2026, 2, 3))
    return {
        "client_id": client_chart.pk,
        "appointment_id": appointment.pk,
        "group_id": group.pk,
        "membership_id": membership.pk,
        "session_id": session.pk,
    }


@pytest.mark.slow
@pytest.mark.django_db(transaction=False)
@writes.parametrize()
@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_writes_on_real_records_never_fail(case, bearer, world):
    # Only whole numbers are replaced: a path made invalid on purpose (a word for an id) stays so.
    case.path_parameters = {
        name: world.get(name, value) if isinstance(value, int) else value
        for name, value in (case.path_parameters or {}).items()
    }
    case.headers = {**(case.headers or {}), **bearer}
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, case.body, response.text[:300])
    case.validate_response(
        response,
        excluded_checks=[
            checks.ignored_auth,
            checks.missing_required_header,
            checks.positive_data_acceptance,
        ],
    )
