"""Migration privacy/0003 gives consents signed before it a signature method, so its
"method and authentication together" constraint holds for old rows."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("privacy", "0002_tpo_purpose_rule_wording")]
AFTER = [("privacy", "0003_consent_signature_authentication")]


@pytest.mark.django_db(transaction=True)
def test_0003_backfills_signature_authentication(client_chart):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Consent = old.get_model("privacy", "Consent")
    common = {
        "client_id": client_chart.pk,
        "recipient_name": "Eastside",
        "purpose": "treatment",
        "info_kinds": ["attendance"],
        "expires_on": timezone.localdate() + datetime.timedelta(days=30),
    }
    signed = {"signed_on": timezone.localdate(), "signature_recorded_at": timezone.now()}
    paper = Consent.objects.create(signature_method="paper", **signed, **common)
    portal = Consent.objects.create(signature_method="e_signature", **signed, **common)
    draft = Consent.objects.create(**common)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("privacy", "Consent")
    assert new.objects.get(pk=paper.pk).signature_authentication == "staff_witnessed"
    assert new.objects.get(pk=portal.pk).signature_authentication == "typed_name_only"
    assert new.objects.get(pk=draft.pk).signature_authentication == ""
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
