"""`ClientQuerySet.table_rows`: the client table's charts built from one values query."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from waypoint.clients.models import Client, Contact

pytestmark = pytest.mark.django_db

FIELDS = (
    "pk",
    "organization_id",
    "chart_number",
    "legal_name",
    "preferred_name",
    "display_name",
    "pronouns",
    "status",
    "drinking_thresholds",
    "primary_clinician_id",
    "last_contact_on",
)


def _charts(clinician):
    """Three charts: two of `clinician` (one with a later contact), one without a clinician."""
    first = Client.objects.create(
        organization=clinician.organization,
        chart_number="T-0001",
        legal_name="Avery Stone",
        preferred_name="Ave",
        pronouns="she/her",
        status="active",
        primary_clinician=clinician,
    )
    second = Client.objects.create(
        organization=clinician.organization,
        chart_number="T-0002",
        legal_name="Blake Rivers",
        status="waitlist",
        drinking_thresholds="male",
        primary_clinician=clinician,
        date_of_birth=datetime.date(1990, 4, 2),
    )
    third = Client.objects.create(
        organization=clinician.organization, chart_number="T-0003", legal_name="Casey Moor"
    )
    for day in (datetime.date(2026, 1, 5), datetime.date(2026, 2, 9)):
        Contact.objects.create(client=second, occurred_on=day, kind="individual", staff=clinician)
    return first, second, third


def test_rows_equal_the_querysets_instances(clinician):
    _charts(clinician)
    queryset = Client.objects.filter(chart_number__startswith="T-").for_client_table()
    expected = list(queryset)
    rows = queryset.table_rows()
    assert [type(row) for row in rows] == [Client] * 3
    for row, model in zip(rows, expected, strict=True):
        assert {f: getattr(row, f) for f in FIELDS} == {f: getattr(model, f) for f in FIELDS}
        assert row.get_status_display() == model.get_status_display()
        assert row.get_absolute_url() == model.get_absolute_url()
        assert row._state.adding is False
        assert row._state.db == model._state.db
    assert rows[1].last_contact_on == datetime.date(2026, 2, 9)
    assert rows[0].last_contact_on is None


def test_one_clinician_object_per_person_and_no_query_for_it(clinician):
    _charts(clinician)
    queryset = Client.objects.filter(chart_number__startswith="T-").for_client_table()
    with CaptureQueriesContext(connection) as queries:
        rows = queryset.table_rows()
        people = [row.primary_clinician for row in rows]
        labels = [(str(p), p.is_active, p.role, p.email) if p else None for p in people]
    assert len(queries) == 1
    assert people[0] is people[1]
    assert people[0].pk == clinician.pk
    assert labels[0] == (str(clinician), True, clinician.role, clinician.email)
    assert people[2] is None


def test_other_fields_are_deferred_and_load_on_access(clinician):
    _charts(clinician)
    rows = Client.objects.filter(chart_number="T-0002").for_client_table().table_rows()
    (row,) = rows
    assert "date_of_birth" in row.get_deferred_fields()
    with CaptureQueriesContext(connection) as queries:
        assert row.date_of_birth == datetime.date(1990, 4, 2)
    assert len(queries) == 1


def test_a_sliced_queryset_gives_its_slice(clinician):
    _charts(clinician)
    queryset = Client.objects.filter(chart_number__startswith="T-").for_client_table()
    assert [row.chart_number for row in queryset[1:3].table_rows()] == ["T-0002", "T-0003"]
