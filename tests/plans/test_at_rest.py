"""Plan items never reach the database file in clear text, and the demo shows both plans."""

import pytest
from django.db import connection

from waypoint.clinics.backup import sqlite_snapshot
from waypoint.plans import actions

DISTINCTIVE = ["Quendolyn's lighthouse", "Narcan under the zebra mug"]


@pytest.mark.django_db(transaction=True)  # the backup API waits on an open transaction
def test_items_are_not_in_the_database_file(client_chart, clinician, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("tests/security/test_at_rest.py covers PostgreSQL dumps")
    items = {
        "naloxone": [DISTINCTIVE[1]],
        "never_alone": ["Call the line"],
        "after_a_break": ["Half dose"],
        "who_to_call": ["911"],
    }
    actions.save_plan(client_chart, by=clinician, kind="overdose", items=items)
    items = {**items, "naloxone_people": [DISTINCTIVE[0]]}
    actions.save_plan(client_chart, by=clinician, kind="overdose", items=items)
    path = tmp_path / "copy.sqlite3"
    sqlite_snapshot(path)
    data = path.read_bytes()
    assert b"plans_safetyplanversion" in data  # the table is in what we read
    for secret in DISTINCTIVE:
        for encoded in (secret.encode(), secret.lower().encode(), secret.encode("utf-16-le")):
            assert encoded not in data, secret


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_has_both_plans_for_several_clients():
    from waypoint.clinics.demo import build_demo
    from waypoint.plans.models import SafetyPlan

    demo = build_demo()
    marisol = demo.clients[0]
    assert set(marisol.safety_plans.values_list("kind", flat=True)) == {"crisis", "overdose"}
    crisis = marisol.safety_plans.get(kind="crisis")
    assert crisis.client_may_edit and crisis.current_version().by_client
    with_both = {
        p.client_id
        for p in SafetyPlan.objects.filter(kind="crisis")
        if SafetyPlan.objects.filter(client_id=p.client_id, kind="overdose").exists()
    }
    assert len(with_both) >= 2
    assert all(v.is_complete for p in SafetyPlan.objects.all() for v in p.versions.all())
