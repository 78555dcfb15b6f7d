"""List pages run a fixed number of queries, however many clients there are.

Each caseload column (waypoint/clients/extensions.py CASELOAD_COLUMNS) may add ONE query for the
whole list. A column that queries per row makes these tests fail with the 10-vs-200 comparison.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from waypoint.clients.extensions import CASELOAD_COLUMNS

# Queries with no columns. Every page: session, user, the rows, the audit event (chain head and
# insert: outside a transaction it needs no savepoint either), the organization for the header,
# the session save (savepoint, update, release). The caseload adds the supervisee list and one
# row query per supervisee for supervisors; paginated lists add the count.
BASE = {
    ("clinician", "caseload"): 9,
    ("supervisor", "caseload"): 11,
    ("admin", "caseload"): 10,
    ("clinician", "clients-list"): 10,
    ("admin", "clients-list"): 10,
}
# On PostgreSQL each audit event also takes the hash chain's advisory lock.
AUDIT_LOCK = 1
# The two-factor gate asks the database whether an unverified person has a device, every request.
TWO_FACTOR_GATE = 1
# The header's "Questions" link asks which organization publishes the public site (one query):
# every staff role here may answer public questions (waypoint/questions/permissions.py).
PUBLIC_SITE_NAV = 1
SUPERVISOR_SECTIONS = 2  # own caseload + Maya's: each section runs every column's annotator


def _count(client, url) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize(("who", "page"), list(BASE))
def test_list_page_queries_do_not_grow_with_clients(
    request, client, make_charts, clinician, supervisor, admin, who, page
):
    user = {"clinician": clinician, "supervisor": supervisor, "admin": admin}[who]
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse(page)
    if who == "supervisor":
        make_charts(3, supervisor, prefix="S")  # so both caseload sections have rows
    make_charts(10, clinician, prefix="A")
    few, _ = _count(client, url)
    make_charts(190, clinician, prefix="B")
    many, sql = _count(client, url)
    assert many == few, "\n".join(sql)
    sections = SUPERVISOR_SECTIONS if (who, page) == ("supervisor", "caseload") else 1
    expected = BASE[(who, page)] + TWO_FACTOR_GATE + PUBLIC_SITE_NAV
    expected += sections * len(CASELOAD_COLUMNS)
    if connection.vendor == "postgresql":
        expected += AUDIT_LOCK
    assert many == expected, "\n".join(sql)


def test_rows_on_the_page_grow_but_queries_do_not(client, make_charts, clinician):
    """The clinician caseload is not paginated: all 200 rows render with the same queries."""
    client.force_login(clinician, backend="django.contrib.auth.backends.ModelBackend")
    make_charts(200, clinician)
    response = client.get(reverse("caseload"))
    assert len(response.context["sections"][0]["rows"]) == 200


def test_rows_read_only_the_fields_the_table_shows(client, make_charts, clinician):
    """The caseload's rows leave the other encrypted fields (address, date of birth, phone, ...)
    unread and undecrypted; the query-count tests above show no cell loads them row by row."""
    client.force_login(clinician, backend="django.contrib.auth.backends.ModelBackend")
    make_charts(3, clinician)
    rows = client.get(reverse("caseload")).context["sections"][0]["rows"]
    deferred = rows[0].get_deferred_fields()
    for name in ("address", "date_of_birth", "phone", "email", "emergency_contact_name"):
        assert name in deferred
    assert not {"legal_name", "preferred_name", "pronouns", "chart_number"} & deferred
    assert rows[0].primary_clinician.get_deferred_fields() >= {"password", "credentials"}
