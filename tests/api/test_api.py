"""The HTTP API (issue #14): tokens, the web's access rules, audit, bad input as JSON 4xx."""

import datetime

import pytest
from django.utils import timezone

from waypoint.api.models import ApiToken
from waypoint.audit.models import AuditEvent
from waypoint.diary.models import DiaryEntry

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_a_digest(clinician, make_token):
    raw = make_token(clinician)
    token = ApiToken.objects.get()
    assert raw.startswith("wpt_") and len(raw) > 40
    assert token.digest == ApiToken.digest_of(raw) and raw not in (token.digest, token.prefix)
    assert raw.startswith(token.prefix)


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic abc", "Bearer "])
def test_no_valid_token_is_401_json(client, header, client_chart):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/clients", **extra)
    assert response.status_code == 401
    assert response.json()["error"].startswith("A valid API token is required")
    assert response["WWW-Authenticate"] == "Bearer"


def test_expired_and_revoked_tokens_are_refused(clinician, make_token, api, client_chart):
    raw = make_token(clinician)
    assert api(raw).get("/api/v1/clients").status_code == 200
    past = timezone.now() - datetime.timedelta(days=2)
    ApiToken.objects.update(created_at=past, expires_at=past + datetime.timedelta(days=1))
    assert api(raw).get("/api/v1/clients").status_code == 401
    ApiToken.objects.update(expires_at=timezone.now() + datetime.timedelta(days=1))
    ApiToken.objects.update(revoked_at=timezone.now())
    assert api(raw).get("/api/v1/clients").status_code == 401


def test_a_deactivated_persons_token_stops_working(clinician, make_token, api, client_chart):
    raw = make_token(clinician)
    clinician.is_active = False
    clinician.save(update_fields=["is_active"])
    assert api(raw).get("/api/v1/clients").status_code == 401


def test_client_accounts_get_no_tokens(client_user):
    from waypoint.api import actions

    with pytest.raises(actions.TokenError, match="staff"):
        actions.create_token(client_user, by=client_user, name="x")


def test_clients_are_those_the_person_can_open(
    clinician, colleague, make_token, api, client_chart, colleague_chart, other_chart
):
    body = api(make_token(clinician)).get("/api/v1/clients").json()
    numbers = {item["chart_number"] for item in body["items"]}
    assert numbers == {client_chart.chart_number}
    assert body["count"] == 1


def test_other_charts_answer_404_exactly_like_the_web(
    clinician, make_token, api, colleague_chart, other_chart
):
    caller = api(make_token(clinician))
    for chart in (colleague_chart, other_chart):
        for suffix in ("", "/goals", "/diary", "/measures", "/alerts", "/consents"):
            response = caller.get(f"/api/v1/clients/{chart.pk}{suffix}")
            assert response.status_code == 404, suffix
            assert response.json() == {"error": "Not found.", "fields": {}}


def test_every_call_is_audited(clinician, make_token, api, client_chart):
    caller = api(make_token(clinician))
    before = AuditEvent.objects.count()
    assert caller.get(f"/api/v1/clients/{client_chart.pk}/diary").status_code == 200
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [e.object_type for e in events] == ["api", "clients.client"]
    assert events[0].object_label == f"API GET /api/v1/clients/{client_chart.pk}/diary"
    assert events[1].client_id == client_chart.pk and events[1].detail == {"page": "api diary"}


def test_refused_tokens_are_audited_as_denied(client, client_chart):
    before = AuditEvent.objects.count()
    client.get("/api/v1/clients", HTTP_AUTHORIZATION="Bearer wpt_guess")
    event = AuditEvent.objects.order_by("id")[before]
    assert event.action == "denied" and event.object_type == "api"


def _entry(on, **extra):
    return {"day": on.isoformat(), "substance": "alcohol", "amount": "3", "unit": "drinks", **extra}


def test_add_a_diary_entry(clinician, make_token, api, client_chart, clinic):
    today = clinic.today()
    response = api(make_token(clinician, scope="read-write")).post(
        f"/api/v1/clients/{client_chart.pk}/diary", _entry(today, mood=6)
    )
    assert response.status_code == 201, response.content
    entry = DiaryEntry.objects.get()
    assert response.json()["id"] == entry.pk and entry.mood == 6 and entry.urge is None
    assert entry.entered_by == clinician and entry.alcohol_grams == pytest.approx(42.0)


def test_a_read_only_token_cannot_write(clinician, make_token, api, client_chart, clinic):
    response = api(make_token(clinician)).post(
        f"/api/v1/clients/{client_chart.pk}/diary", _entry(clinic.today())
    )
    assert response.status_code == 403
    assert response.json()["error"] == "This token is read-only."
    assert not DiaryEntry.objects.exists()


def test_reading_a_chart_is_not_writing_it(supervisor, make_token, api, client_chart, clinic):
    caller = api(make_token(supervisor, scope="read-write"))
    assert caller.get(f"/api/v1/clients/{client_chart.pk}").status_code == 200
    response = caller.post(f"/api/v1/clients/{client_chart.pk}/diary", _entry(clinic.today()))
    assert response.status_code == 403
    assert not DiaryEntry.objects.exists()


@pytest.mark.parametrize(
    "change,field",
    [
        ({"amount": "999"}, "amount"),
        ({"unit": "joints"}, "unit"),
        ({"substance": "glitter"}, "substance"),
        ({"mood": 11}, "mood"),
        ({"day": "2001-13-01"}, "day"),
        ({"shoe_size": 9}, "shoe_size"),
        ({"amount": "a lot"}, "amount"),
        ({"practices": ["juggling"]}, "practices"),
    ],
)
def test_bad_diary_input_is_400_naming_the_field(
    clinician, make_token, api, client_chart, clinic, change, field
):
    response = api(make_token(clinician, scope="read-write")).post(
        f"/api/v1/clients/{client_chart.pk}/diary", _entry(clinic.today(), **change)
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body["fields"], body
    assert not DiaryEntry.objects.exists()


def test_malformed_json_is_400(clinician, make_token, api, client_chart):
    response = api(make_token(clinician, scope="read-write")).post(
        f"/api/v1/clients/{client_chart.pk}/diary", raw="{not json"
    )
    assert response.status_code == 400
    assert "error" in response.json()
    assert not DiaryEntry.objects.exists()


def test_an_unusual_amount_asks_to_confirm_then_saves(
    clinician, make_token, api, client_chart, clinic
):
    caller = api(make_token(clinician, scope="read-write"))
    url = f"/api/v1/clients/{client_chart.pk}/diary"
    first = caller.post(url, _entry(clinic.today()))
    assert first.status_code == 201
    again = caller.post(url, _entry(clinic.today()))  # identical entry, same day
    assert again.status_code == 409
    assert "already recorded" in again.json()["error"]
    assert DiaryEntry.objects.count() == 1
    confirmed = caller.post(url, _entry(clinic.today(), confirm=again.json()["confirm"]))
    assert confirmed.status_code == 201
    assert DiaryEntry.objects.count() == 2


def test_diary_filters_by_date(clinician, make_token, api, client_chart, clinic):
    from waypoint.diary import actions

    today = clinic.today()
    for days_ago in (0, 10, 20):
        actions.add_entry(
            client_chart,
            by=clinician,
            source="clinician",
            day=today - datetime.timedelta(days=days_ago),
            substance="cannabis",
            amount=1,
            unit="joints",
        )
    since = (today - datetime.timedelta(days=15)).isoformat()
    body = (
        api(make_token(clinician))
        .get(f"/api/v1/clients/{client_chart.pk}/diary", since=since, until=today.isoformat())
        .json()
    )
    assert body["count"] == 2
    assert [item["day"] for item in body["items"]] == [
        today.isoformat(),
        (today - datetime.timedelta(days=10)).isoformat(),
    ]
    bad = api(make_token(clinician)).get(f"/api/v1/clients/{client_chart.pk}/diary", since="soon")
    assert bad.status_code == 400 and "since" in bad.json()["fields"]


def test_pagination(clinician, make_token, api, make_charts):
    make_charts(7, clinician)
    caller = api(make_token(clinician))
    page = caller.get("/api/v1/clients", limit=3, offset=3).json()
    assert page["count"] == 7 and len(page["items"]) == 3
    assert caller.get("/api/v1/clients", limit=0).status_code == 400


def test_out_of_range_paging_is_400_not_a_database_error(clinician, make_token, api, make_charts):
    """PostgreSQL's OFFSET is bigint: a 20-digit offset once reached the database and failed."""
    make_charts(2, clinician)
    caller = api(make_token(clinician))
    for params in ({"offset": 10**20}, {"limit": 10**20}, {"limit": 201}, {"offset": -1}):
        response = caller.get("/api/v1/clients", **params)
        assert response.status_code == 400, params
        assert set(response.json()["fields"]) & {"limit", "offset"}
    far = caller.get("/api/v1/clients", offset=2**31 - 1).json()
    assert far["count"] == 2 and far["items"] == []


def test_score_without_storing(clinician, make_token, api):
    caller = api(make_token(clinician))
    response = caller.post("/api/v1/measures/phq-9/score", {"answers": [1] * 9})
    assert response.status_code == 200, response.content
    assert response.json()["total"] == 9
    assert "mild" in response.json()["band"].lower()
    wrong = caller.post("/api/v1/measures/phq-9/score", {"answers": [9] * 9})
    assert wrong.status_code == 400 and "answers" in wrong.json()["fields"]
    assert caller.post("/api/v1/measures/nope/score", {"answers": []}).status_code == 404
    from waypoint.measures.models import Administration

    assert not Administration.objects.exists()


def test_open_alerts_are_those_of_visible_charts(
    clinician, make_token, api, alert, other_chart, other_clinician
):
    from waypoint.clients.actions import raise_alert

    raise_alert(other_chart, kind="test", title="Elsewhere", by=other_clinician)
    body = api(make_token(clinician)).get("/api/v1/alerts").json()
    assert [item["id"] for item in body["items"]] == [alert.pk]


def test_consents_are_listed(clinician, make_token, api, client_chart):
    body = api(make_token(clinician)).get(f"/api/v1/clients/{client_chart.pk}/consents").json()
    assert body == {"items": [], "count": 0}


def test_rate_limit(clinician, make_token, api, client_chart, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMIT = "3/m"
    try:
        caller = api(make_token(clinician))
        responses = [caller.get("/api/v1/clients") for _ in range(4)]
    finally:
        cache.clear()
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert responses[-1].json()["error"].startswith("Too many requests")
    assert int(responses[-1]["Retry-After"]) > 0


def test_openapi_document_and_docs(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/clients" in paths and "/api/v1/clients/{client_id}/diary" in paths
    assert client.get("/api/v1/docs").status_code == 200
