"""`plainrows.select`: instances from one plain query, field for field as the ORM loads them."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from waypoint.clients.models import Client
from waypoint.goals.models import Goal
from waypoint.lib import plainrows

pytestmark = pytest.mark.django_db


def _values(instance, names):
    return {name: getattr(instance, name) for name in names}


def test_select_loads_every_field_as_the_orm_does(client_chart):
    client_chart.date_of_birth = datetime.date(1980, 2, 29)
    client_chart.phone = "555-0100"
    client_chart.address = "1 Main St\nApt 2"
    client_chart.save()
    names = tuple(f.attname for f in Client._meta.concrete_fields)
    (found,) = plainrows.select(
        Client, (f.name for f in Client._meta.concrete_fields), "id = %s", [client_chart.pk]
    )
    assert _values(found, names) == _values(Client.objects.get(pk=client_chart.pk), names)
    assert found.date_of_birth == datetime.date(1980, 2, 29)  # decrypted and converted
    assert found._state.db == "default" and not found._state.adding
    assert found == client_chart


def test_select_converts_json_decimals_and_dates_and_defers_the_rest(client_chart):
    goal = Goal.objects.create(
        client=client_chart,
        substance="alcohol",
        kind="moderation",
        started_on=datetime.date(2026, 1, 5),
        max_per_day=Decimal("3.50"),
        practices=["naloxone", "not_alone"],
        in_own_words="weekends only",
    )
    names = [f.name for f in Goal._meta.concrete_fields if f.name != "in_own_words"]
    (found,) = plainrows.select(
        Goal, names, "client_id = %s", [client_chart.pk], order_by="id DESC"
    )
    expected = Goal.objects.get(pk=goal.pk)
    attnames = [Goal._meta.get_field(n).attname for n in names]
    assert _values(found, attnames) == _values(expected, attnames)
    assert found.practices == ["naloxone", "not_alone"]
    assert found.max_per_day == Decimal("3.50")
    assert found.started_on == datetime.date(2026, 1, 5)
    assert "in_own_words" not in found.__dict__
    with CaptureQueriesContext(connection) as queries:
        assert found.in_own_words == "weekends only"  # deferred: read (and decrypted) on access
    assert len(queries) == 1


def test_select_of_nothing_is_empty(client_chart):
    assert plainrows.select(Client, ("id",), "id = %s", [client_chart.pk + 1000]) == []
