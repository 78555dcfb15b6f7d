"""Every query the app makes on clinical tables is scoped to the signed-in person's organization.

This is the precondition for sharding by organization (Citus, docs/deployment.md "A network of
clinics"): a query that names its organization can be sent to one shard. On the demo clinic's
data, a clinician opens every staff page the URL resolver lists that can be filled with one of
her charts and its records, saves a diary day and scores a measure, calls the API, and a
client uses the portal and checks in. Each SELECT, UPDATE and DELETE that reads a clinical
table (`CLINICAL_APPS`) is captured and must be scoped in one of two ways:

- **organization**: it has an `organization_id = N` (or `IN (N)`) predicate on any of its tables,
  N the person's organization: either the clinical table's own column or a chart
  (`clients_client`) or group row it joins through;
- **chart**: it has an `id`/foreign-key predicate with literal ids (`client_id = 7`,
  `note_id IN (3, 4)`, `"notes_note"."id" = 9`) and every row those ids name belongs to the
  person's organization (checked here against the database). These are the sub-record reads
  made after the access function has found the chart *within the organization*
  (`clients_visible_to`); under Citus they are correct as they stand (a multi-shard query finds
  the one chart) and become single-shard once the chart's `organization_id` is added to the
  predicate, which deployment.md lists as the change to make.

Anything else fails the test unless it is on `KNOWN_EXCEPTIONS` below, with its reason; a
predicate naming *another* organization's rows always fails. INSERTs are not checked: a new row
carries its own `organization_id`/`client_id`.
"""

import re
from collections import Counter, defaultdict

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from waypoint.api import actions as api_actions
from waypoint.clinics.demo import build_demo
from waypoint.clinics.models import Organization

CLINICAL_APPS = {
    "clients",
    "privacy",
    "measures",
    "goals",
    "diary",
    "notes",
    "groups",
    "plans",
    "medications",
    "assessment",
    "appointments",
}

# Visible allow-list: (table, a regex the SQL matches) -> why it is not scoped by organization.
KNOWN_EXCEPTIONS = {
    (
        "clients_client",
        r'"clients_client"\."portal_user_id" = \d+',
    ): "The name shown for a client account (entries a client made, the portal's header): "
    "client accounts take their name from their chart, read through Django's reverse "
    "one-to-one accessor `User.client_chart` (User.chart_or_none), which filters by the account "
    "alone. The account belongs to one organization. Under Citus: replace the accessor with a "
    "query that adds organization_id = user.organization_id (portal_client_for_user does).",
    (
        "appointments_calendarfeed",
        r'"appointments_calendarfeed"\."user_id" = \d+',
    ): "A staff member's own calendar-feed secret, looked up by the signed-in user's id; it "
    "holds no chart data. Under Citus: a coordinator-local table beside accounts_user.",
}

# Staff URL names not opened: they need a value the resolver cannot fill from a chart.
SKIP_NAMES = {"logout"}

_TABLE = re.compile(r'(?:FROM|JOIN|UPDATE)\s+"(\w+)"(?:\s+(?:AS\s+)?([A-Z]+\d+))?')
_ORG = re.compile(r'(?:"\w+"|\b[A-Z]+\d+)\."organization_id"\s*(?:=\s*(\d+)|IN\s*\(([\d,\s]+)\))')
# Literal ids: `= 7`, `IN (3, 4)`, and `waypoint.lib.idlists.IdIn`'s one-parameter lists as logged
# (`IN (SELECT value FROM json_each('[3, 4]'))` on SQLite, `= ANY('{3,4}'::int2[])` on PostgreSQL).
_IDS = re.compile(
    r'(?:"(\w+)"|\b([A-Z]+\d+))\."(\w+)"\s*(?:=\s*(\d+)\b|IN\s*\(([\d,\s]+)\)'
    r"|IN\s*\(SELECT value FROM json_each\('\[([\d,\s]+)\]'\)\)"
    r"|=\s*ANY\('\{([\d,\s]+)\}'::\w+\[\]\))"
)


def _tables():
    """db_table -> model for every model (history and many-to-many tables included)."""
    return {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}


def _clinical(model) -> bool:
    return model._meta.app_label in CLINICAL_APPS


def _org_of_rows(model, ids) -> set[int | None]:
    """The organizations the rows `ids` of `model` belong to, following client/parent links."""
    names = {f.name: f for f in model._meta.get_fields() if getattr(f, "concrete", False)}
    rows = model._base_manager.filter(pk__in=ids)
    if model is Organization:
        return set(ids)
    if "organization" in names:
        return set(rows.values_list("organization_id", flat=True))
    if "client" in names:
        return set(rows.values_list("client__organization_id", flat=True))
    for field in names.values():  # a child row: its parent's organization
        if (field.many_to_one or field.one_to_one) and _clinical(field.related_model):
            parents = list(rows.values_list(field.attname, flat=True))
            return _org_of_rows(field.related_model, parents)
    return {None}


def _id_predicates(sql, aliases, tables):
    """(model the ids name, ids) for each `table.column = N / IN (…)` predicate in `sql`."""
    for match in _IDS.finditer(sql):
        table = match.group(1) or aliases.get(match.group(2))
        column = match.group(3)
        raw = match.group(4) or match.group(5) or match.group(6) or match.group(7)
        model = tables.get(table)
        if model is None or column == "organization_id":
            continue
        ids = [int(part) for part in raw.split(",") if part.strip()]
        if column == "id":
            yield model, ids
            continue
        for field in model._meta.get_fields():
            if getattr(field, "attname", None) == column and (
                field.many_to_one or field.one_to_one
            ):
                yield field.related_model, ids


def classify(sql, organization_id, tables):
    """'organization', 'chart', 'known: …' or 'unscoped'; raises on another organization's ids."""
    found = _TABLE.findall(sql)
    aliases = {alias: table for table, alias in found if alias}
    clinical = sorted({t for t, _ in found if t in tables and _clinical(tables[t])})
    if not clinical:
        return None, clinical
    org_values = set()
    for match in _ORG.finditer(sql):
        raw = match.group(1) or match.group(2)
        org_values |= {int(part) for part in raw.split(",") if part.strip()}
    assert org_values <= {organization_id}, f"another organization in: {sql}"
    if org_values:
        return "organization", clinical
    chart_scoped = False
    for model, ids in _id_predicates(sql, aliases, tables):
        if not (_clinical(model) or model is Organization) or not ids:
            continue
        owners = _org_of_rows(model, ids)
        assert owners <= {organization_id}, f"rows of another organization in: {sql}"
        chart_scoped = True
    if chart_scoped:
        return "chart", clinical
    for (table, pattern), reason in KNOWN_EXCEPTIONS.items():
        if table in clinical and re.search(pattern, sql):
            return "known: " + reason, clinical
    return "unscoped", clinical


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if hasattr(pattern, "url_patterns"):
            yield from _walk(pattern.url_patterns, route)
        else:
            yield route, pattern.name or route


def _record_on(model_name, chart):
    """An id of a record of model `model_name` on `chart` (or of its organization), or None."""
    stem = model_name.replace("_", "").lower()
    for model in apps.get_models():
        if model._meta.model_name != stem:
            continue
        names = {f.name for f in model._meta.get_fields()}
        if "client" in names:
            rows = model._base_manager.filter(client=chart)
        elif "organization" in names:
            rows = model._base_manager.filter(organization=chart.organization)
        else:
            return None
        return rows.order_by("pk").values_list("pk", flat=True).first()
    return None


def staff_urls(chart):
    """Every GET-able staff URL of the resolver that can be filled from `chart`."""
    urls = []
    for route, name in sorted(set(_walk(get_resolver().url_patterns))):
        if name in SKIP_NAMES or route.startswith(("portal", "api/", "admin", "library")):
            continue
        ok = True

        def fill(match, chart=chart):
            nonlocal ok
            converter, kwarg = match.group(1) or "str", match.group(2)
            if kwarg == "pk":
                return str(chart.pk)
            if kwarg == "instrument_id":
                return "gad-7"
            found = (
                _record_on(re.sub(r"_(pk|id)$", "", kwarg), chart) if converter == "int" else None
            )
            if found is None:
                ok = False
                return "x"
            return str(found)

        path = re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)
        if ok and "(?P<" not in path and "^" not in path:
            urls.append((name, "/" + path))
    return urls


def _post_confirmed(browser, url, data):
    """POST a diary form, sending back its `confirm` value if it asks (a same-day repeat)."""
    response = browser.post(url, data)
    confirm = response.context and response.context["form"].data.get("confirm")
    if response.status_code in (200, 400) and confirm:
        response = browser.post(url, {**data, "confirm": confirm})
    return response


def _where_clause(sql) -> str:
    """The part of `sql` from its first WHERE, for a readable failure message."""
    return (
        sql[sql.find(" FROM ") :][:300]
        if " WHERE " not in sql
        else sql[sql.find(" WHERE ") :][:300]
    )


def _signed_in(user) -> Browser:
    browser = Browser()
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return browser


@pytest.mark.slow
def test_every_clinical_query_is_scoped_to_the_organization(db):
    demo = build_demo()
    clinician = demo.users["clinician"]
    org = clinician.organization
    chart = next(c for c in demo.clients if c.primary_clinician_id == clinician.pk)
    tables = _tables()
    seen = defaultdict(list)  # label -> [(where, sql)]
    pages = 0

    def capture(where, call):
        with CaptureQueriesContext(connection) as queries:
            response = call()
        assert response.status_code < 500, where
        for query in queries.captured_queries:
            sql = query["sql"]
            if sql.lstrip().upper().startswith(("INSERT", "SAVEPOINT", "RELEASE", "ROLLBACK")):
                continue
            label, _ = classify(sql, org.pk, tables)
            if label is not None:
                seen[label].append((where, sql))
        return response

    staff = _signed_in(clinician)
    for name, url in staff_urls(chart):
        capture(name, lambda url=url: staff.get(url))
        pages += 1
    today = org.today().isoformat()
    saved = capture(
        "diary-add POST",
        lambda: _post_confirmed(
            staff,
            reverse("diary-add", args=[chart.pk]),
            {"day": today, "substance": "cannabis", "amount": "1", "mood": "", "urge": ""},
        ),
    )
    assert saved.status_code == 302, saved.context["form"].errors
    scored = capture(
        "measures-record POST",
        lambda: staff.post(
            reverse("measures-record", args=[chart.pk, "gad-7"]),
            {"administered_on": today, **{f"item_q{n}": "1" for n in range(1, 8)}},
        ),
    )
    assert scored.status_code == 302, scored.context["form"].errors

    token = api_actions.create_token(clinician, by=clinician, name="scan", scope="read", days=1)[1]
    api = Browser(HTTP_AUTHORIZATION=f"Bearer {token}")
    for path in ["", f"/{chart.pk}", f"/{chart.pk}/goals", f"/{chart.pk}/diary"]:
        response = capture(
            "api clients" + path, lambda path=path: api.get("/api/v1/clients" + path)
        )
        assert response.status_code == 200, path
    for path in [f"/{chart.pk}/measures", f"/{chart.pk}/alerts", f"/{chart.pk}/consents"]:
        capture("api clients" + path, lambda path=path: api.get("/api/v1/clients" + path))
    capture("api alerts", lambda: api.get("/api/v1/alerts"))

    # The API's writes on appointments and groups (tests/api/test_writes.py) read as the web's.
    import datetime
    import json

    from waypoint.groups.models import Membership, TherapyGroup

    raw = api_actions.create_token(clinician, by=clinician, name="w", scope="read-write", days=1)[1]
    writer = Browser(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def send(method, path, body):
        call = getattr(writer, method)
        return call("/api/v1" + path, json.dumps(body), content_type="application/json")

    soon = (org.today() + datetime.timedelta(days=9)).isoformat()
    booked = capture(
        "api appointment POST",
        lambda: send(
            "post", f"/clients/{chart.pk}/appointments", {"start_date": soon, "start_time": "09:15"}
        ),
    )
    assert booked.status_code == 201, booked.content
    changed = capture(
        "api appointment PATCH",
        lambda: send("patch", f"/appointments/{booked.json()['id']}", {"start_time": "11:00"}),
    )
    assert changed.status_code == 200, changed.content
    group = TherapyGroup.objects.filter(facilitators=clinician).first()
    on_roster = Membership.objects.filter(group=group).current().values("client_id")
    newcomer = next(
        c for c in demo.clients if c.primary_clinician_id == clinician.pk and c.pk not in
        {row["client_id"] for row in on_roster}
    )  # fmt: skip
    joined = capture(
        "api group member POST",
        lambda: send(
            "post", f"/groups/{group.pk}/members", {"client_id": newcomer.pk, "joined_on": today}
        ),
    )
    assert joined.status_code == 201, joined.content
    session = capture(
        "api group session POST",
        lambda: send(
            "post",
            f"/groups/{group.pk}/sessions",
            {
                "held_on": soon,
                "shared_note": "Planning ahead.",
                "attendance": [
                    {"client_id": newcomer.pk, "status": "present", "member_note": "Ok"}
                ],
            },
        ),
    )
    assert session.status_code == 201, session.content
    recorded = capture(
        "api group session PATCH",
        lambda: send(
            "patch",
            f"/groups/{group.pk}/sessions/{session.json()['id']}",
            {"attendance": [{"client_id": newcomer.pk, "status": "absent", "member_note": ""}]},
        ),
    )
    assert recorded.status_code == 200, recorded.content
    left = capture(
        "api group member end POST",
        lambda: send(
            "post",
            f"/groups/{group.pk}/members/{joined.json()['membership_id']}/end",
            {"left_on": soon},
        ),
    )
    assert left.status_code == 200, left.content

    portal = _signed_in(demo.client_user)
    for name in ["portal-home", "diary-checkin", "diary-week"]:
        assert capture(name, lambda name=name: portal.get(reverse(name))).status_code == 200
    checked_in = capture(
        "diary-checkin POST",
        lambda: _post_confirmed(
            portal, reverse("diary-checkin"), {"day": today, "substance": "cannabis", "amount": "1"}
        ),
    )
    assert checked_in.status_code == 302, checked_in.context["form"].errors

    counts = Counter({label: len(hits) for label, hits in seen.items()})
    unscoped = seen.get("unscoped", [])
    report = "\n".join(sorted({f"[{where}] ...{_where_clause(sql)}" for where, sql in unscoped}))
    assert not unscoped, f"{len(unscoped)} unscoped queries on clinical tables:\n{report}"
    # Every exception is still needed (a stale one would hide a future regression).
    unused = {reason for reason in KNOWN_EXCEPTIONS.values() if not seen.get("known: " + reason)}
    assert not unused, unused
    # The scan saw real traffic: many pages, and both kinds of scoping.
    assert pages >= 40
    assert counts["organization"] >= 50 and counts["chart"] >= 50, counts
    print(f"scoped queries: {dict(counts)} over {pages} staff pages")


def test_the_classifier_tells_scoped_from_unscoped_and_refuses_other_organizations(
    clinic, client_chart, other_chart
):
    from waypoint.diary.models import DiaryEntry

    tables = _tables()
    entries = DiaryEntry.objects.all()
    by_org = str(entries.filter(client__organization=clinic).query)
    assert classify(by_org, clinic.pk, tables)[0] == "organization"
    mine = str(entries.filter(client_id=client_chart.pk).query)
    assert classify(mine, clinic.pk, tables) == ("chart", ["diary_diaryentry"])
    assert classify(str(entries.query), clinic.pk, tables)[0] == "unscoped"
    assert classify('SELECT 1 FROM "accounts_user"', clinic.pk, tables) == (None, [])
    with pytest.raises(AssertionError, match="another organization"):
        classify(str(entries.filter(client__organization=other_chart.organization).query),
                 clinic.pk, tables)  # fmt: skip
    with pytest.raises(AssertionError, match="rows of another organization"):
        classify(str(entries.filter(client_id=other_chart.pk).query), clinic.pk, tables)
