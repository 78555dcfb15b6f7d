"""Read replica routing (waypoint/lib/dbrouter.py): the rules, then two real PostgreSQL servers."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse

from tests.lib import pgcluster
from waypoint.lib import dbrouter
from waypoint.lib.dbrouter import (
    SESSION_KEY,
    ReplicaMiddleware,
    ReplicaRouter,
    reads_from_replica,
    wrote_recently,
)


@pytest.fixture
def with_replica(monkeypatch):
    """As if DATABASE_REPLICA_URL were set (the router only asks whether the alias exists)."""
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: True)


class _Session(dict):
    session_key = "k"


class _User:
    is_authenticated = True


def _request(method="GET", *, session=None):
    request = getattr(RequestFactory(), method.lower())("/x/")
    request.session = _Session(session or {})
    request.user = _User()
    return request


def _run(request, view):
    """Run `view` through the middleware as Django would; return where it read from."""
    seen = {}

    def get_response(req):
        if (answer := middleware.process_view(req, view, (), {})) is not None:
            return answer
        seen["db"] = ReplicaRouter().db_for_read(None)
        return HttpResponse()

    middleware = ReplicaMiddleware(get_response)
    middleware(request)
    seen["after"] = ReplicaRouter().db_for_read(None)
    return seen


@reads_from_replica
def marked(request):
    return HttpResponse()


def unmarked(request):
    return HttpResponse()


@pytest.mark.usefixtures("with_replica")
@override_settings(REPLICA_STICKY_SECONDS=10)
def test_marked_get_reads_the_replica_until_the_response_is_done():
    assert _run(_request(), marked) == {"db": "replica", "after": "default"}


@pytest.mark.usefixtures("with_replica")
@override_settings(REPLICA_STICKY_SECONDS=10)
def test_unmarked_views_and_posts_read_the_primary():
    assert _run(_request(), unmarked)["db"] == "default"
    assert _run(_request("POST"), marked)["db"] == "default"


@pytest.mark.usefixtures("with_replica")
@override_settings(REPLICA_STICKY_SECONDS=10)
def test_a_post_stamps_the_session_and_keeps_the_writer_on_the_primary():
    request = _request("POST")
    _run(request, unmarked)
    stamp = request.session[SESSION_KEY]
    assert abs(stamp - time.time()) < 5
    assert _run(_request(session={SESSION_KEY: stamp}), marked)["db"] == "default"
    eleven_ago = {SESSION_KEY: time.time() - 11}
    assert _run(_request(session=eleven_ago), marked)["db"] == "replica"


@override_settings(REPLICA_STICKY_SECONDS=10)
def test_wrote_recently_is_a_ten_second_window():
    assert wrote_recently({SESSION_KEY: 100.0}, now=109.9)
    assert not wrote_recently({SESSION_KEY: 100.0}, now=110.0)
    assert not wrote_recently({}, now=110.0)
    assert not wrote_recently({SESSION_KEY: "forged"}, now=110.0)


@pytest.mark.usefixtures("with_replica")
def test_anonymous_post_does_not_make_a_session():
    request = _request("POST")
    request.user = type("Anon", (), {"is_authenticated": False})()
    _run(request, unmarked)
    assert SESSION_KEY not in request.session


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("with_replica")
@override_settings(REPLICA_STICKY_SECONDS=10)
def test_reads_inside_a_transaction_stay_on_the_primary():
    token = dbrouter._use_replica.set(True)
    try:
        assert ReplicaRouter().db_for_read(None) == "replica"
        with transaction.atomic():
            assert ReplicaRouter().db_for_read(None) == "default"
    finally:
        dbrouter._use_replica.reset(token)


def test_without_a_replica_everything_is_the_primary():
    request = _request("POST")
    _run(request, unmarked)
    assert SESSION_KEY not in request.session  # no replica: no stamp, no extra session write
    token = dbrouter._use_replica.set(True)
    try:
        assert ReplicaRouter().db_for_read(None) == "default"
    finally:
        dbrouter._use_replica.reset(token)
    assert ReplicaRouter().db_for_write(None) == "default"
    assert ReplicaRouter().allow_migrate("replica", "clients") is False
    assert ReplicaRouter().allow_migrate("default", "clients") is True


def test_report_and_list_pages_are_marked():
    from django.urls import resolve

    for name in ("diary-report", "reports-program", "caseload", "clients-list", "measures-library"):
        assert getattr(resolve(reverse(name)).func, "reads_from_replica", False), name
    assert not getattr(resolve(reverse("clients-create")).func, "reads_from_replica", False)


@pytest.fixture
def clusters():
    reason = pgcluster.binaries_missing()
    if reason:
        pytest.skip(reason)
    made = pgcluster.Clusters()
    try:
        made.start()
        yield made
    finally:
        made.stop()


@pytest.mark.slow
def test_streaming_replica_serves_marked_pages_and_writers_read_their_writes(clusters):
    env = {
        **os.environ,
        "DATABASE_URL": clusters.url(clusters.primary_port),
        "DATABASE_REPLICA_URL": clusters.url(clusters.replica_port),
        "CONN_MAX_AGE": "0",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
    }
    env.pop("WAYPOINT_VAR_DIR", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.lib.replica_scenario"],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["replica_in_recovery"] is True and seen["primary_in_recovery"] is False
    # Replay paused: the marked list page reads the replica, which has not got RT-1 yet...
    assert seen["paused_list_replica_queries"] > 0
    assert seen["paused_list_shows_rt1"] is False
    # ...while the chart page (not marked) reads the primary and finds it.
    assert seen["detail_status"] == 200 and seen["detail_replica_queries"] == 0
    assert seen["replayed_list_shows_rt1"] is True
    # Ada posted RT-2: she sees it at once from the primary; Bea, who did not write, reads the
    # paused replica and does not yet.
    assert seen["post_status"] == 302
    assert seen["writer_list_shows_rt2"] is True and seen["writer_list_replica_queries"] == 0
    assert seen["other_list_shows_rt2"] is False and seen["other_list_replica_queries"] > 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "reason"),
    [
        (
            {"DATABASE_REPLICA_URL": "postgres://waypoint@127.0.0.1:5432/waypoint"},
            "DATABASE_REPLICA_URL needs DATABASE_URL to be PostgreSQL",
        ),
        (
            {
                "DATABASE_URL": "postgres://waypoint@127.0.0.1:5432/waypoint",
                "DATABASE_REPLICA_URL": "sqlite:////tmp/replica.sqlite3",
            },
            "DATABASE_REPLICA_URL must point to PostgreSQL",
        ),
    ],
)
def test_bad_replica_configuration_is_one_line(tmp_path, env, reason):
    from tests.cli import run_waypoint

    result = run_waypoint("check", var_dir=tmp_path, env=env)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("waypoint: configuration error: ") and reason in line
