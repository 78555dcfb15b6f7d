"""`IdIn`: the same rows as `__in`, the ids as one parameter, nothing but integers accepted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from waypoint.clients.models import Alert, Client
from waypoint.lib.idlists import IdIn


@pytest.fixture
def charts(make_charts, clinician, colleague):
    return make_charts(6, clinician, prefix="I") + make_charts(3, colleague, prefix="J")


def test_selects_the_rows_that_in_selects(charts):
    wanted = [c.pk for c in charts[1:7:2]] + [987654]  # and an id that is no chart
    expected = sorted(Alert.objects.filter(client__in=wanted).values_list("pk", flat=True))
    found = sorted(Alert.objects.filter(IdIn("client_id", wanted)).values_list("pk", flat=True))
    assert found == expected
    assert len(found) == 3  # one open alert per chart (make_charts)
    assert Client.objects.filter(IdIn("pk", wanted)).count() == 3


def test_sends_the_ids_as_one_parameter(charts):
    wanted = [c.pk for c in charts]
    with CaptureQueriesContext(connection) as queries:
        list(Alert.objects.filter(IdIn("client_id", wanted)))
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor in ("sqlite", "postgresql"):
        assert ("json_each" if connection.vendor == "sqlite" else "= ANY(") in sql
    sql, params = Alert.objects.filter(IdIn("client_id", wanted)).query.sql_with_params()
    assert len(params) == (1 if connection.vendor in ("sqlite", "postgresql") else len(wanted))


def test_no_ids_is_no_rows_and_no_query(charts):
    with CaptureQueriesContext(connection) as queries:
        assert list(Alert.objects.filter(IdIn("client_id", []))) == []
    assert len(queries) == 0


@pytest.mark.parametrize("bad", [["1) OR (1=1"], [1.5], [True], [None]])
def test_only_integers_are_accepted(bad):
    with pytest.raises(TypeError):
        IdIn("client_id", bad)
