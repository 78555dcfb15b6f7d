"""`make load`: Waypoint under concurrent people, on PostgreSQL, behind two gunicorn processes.

1. Create a throw-away PostgreSQL database on 127.0.0.1 (LOAD_POSTGRES, default
   postgres://postgres@127.0.0.1:5432), migrate it and build the demo clinics (`waypoint demo`),
   then, through the app's actions, one chart per simulated client with its portal account and
   one clinician account per simulated clinician, each the primary clinician of one of those
   charts and enrolled in two-factor sign-in (the organization requires it for staff).
2. Start two gunicorn processes on free 127.0.0.1 ports (gthread, THREADS threads each) serving
   a bare Django view (`bench/bare.py`) and drive them with LOAD_USERS threads for
   min(LOAD_SECONDS, 10) seconds: the yardstick. Stop them.
3. Start two gunicorn processes serving Waypoint (`waypoint.wsgi`, same layout) and drive them
   for LOAD_SECONDS (default 60) with LOAD_USERS (default 50) simulated people, sent round-robin
   as a proxy would, half of them clients and half clinicians, with no think time:
   - a client signs in (CSRF token from the form), opens the portal and the diary check-in and
     logs a day of use, answering the form's "same entry again?" confirmation when it asks;
   - a clinician signs in with password and the TOTP code of their authenticator (computed from
     the enrolled device, as the app would), opens the caseload, the chart, its measures and
     diary, and scores a GAD-7 through the measure form.
4. Stop the servers, count the rows each accepted write (a redirect after POST) must have left,
   drop the database, and print one line on stdout:

       load: N requests, E errors, L lost writes, p95 X ms, R x bare

   N counts every request of step 3 (sign-ins included), E those that failed (an exception, a
   time-out or a status other than the flow's), L the accepted writes not found in the
   database, p95 the 95th percentile of their latencies, and R Waypoint's requests per second
   as a fraction of the bare view's. Progress goes to stderr. Exit status 1 if E or L is not 0.

Only 127.0.0.1 is contacted; every run is bounded by LOAD_SECONDS. Two-factor is not switched
off: the clinicians pass the real second step.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PG_URL = os.environ.get("LOAD_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PROCESSES = 2
THREADS = 8
PASSWORD = "load-test-password-not-secret"  # noqa: S105 - throw-away accounts in a throw-away db
TIMEOUT = 60  # seconds per request before it counts as an error (nginx's proxy_read_timeout)
RAMP_SECONDS = 10  # arrivals spread over the first 10 s (a quarter of a short run)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_CONFIRM = re.compile(r'name="confirm" value="([^"]+)"')


def log(message: str) -> None:
    print(f"[load] {message}", file=sys.stderr, flush=True)


def _setting(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"load: {name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise SystemExit(f"load: {name} must be at least {minimum}, got {value}")
    return value


# The data set ---------------------------------------------------------------------------------


@dataclass
class Person:
    kind: str  # "client" or "clinician"
    email: str
    chart_id: int
    device_id: int | None = None


def prepare(users: int) -> tuple[list[Person], str]:
    """Migrate, build the demo, add the load's people; returns them and the clinic's today."""
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.test import override_settings

    from waypoint.accounts import twofactor
    from waypoint.accounts.models import User
    from waypoint.accounts.roles import Role
    from waypoint.clients import actions as client_actions
    from waypoint.clinics.models import Organization

    fast_hashers = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    log(f"migrated in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    call_command("demo", verbosity=0)
    log(f"demo built in {time.monotonic() - started:.0f} s")
    clinic = Organization.objects.get(slug="demo")
    clinic.require_staff_two_factor = True
    clinic.save(update_fields=["require_staff_two_factor"])
    admin = User.objects.get(email="admin@demo.test")
    today = clinic.today()
    # One Argon2 hash for every load account's password (the servers verify it with Argon2 at
    # each sign-in, as in production); hashing it 50 times here would only slow the set-up.
    password_hash = make_password(PASSWORD)
    people = []
    clinicians = users // 2
    for n in range(users):
        is_clinician = n < clinicians
        pair = n % clinicians if clinicians else n
        if is_clinician:
            email = f"load-clinician-{n}@demo.test"
            user = User.objects.create_user(
                email=email,
                password=None,
                organization=clinic,
                role=Role.CLINICIAN,
                full_name=f"Load Clinician {n}",
            )
            user.password = password_hash
            user.save(update_fields=["password"])
            device = twofactor.start_enrolment(user)
            # Confirm with the previous step's code (within the device's tolerance), so the
            # sign-in code of the current step is still unused (django-otp refuses replays).
            # The ten recovery codes enrolment makes are never used here: a fast hash for them
            # in this throw-away database saves 500 Argon2 hashes of set-up.
            code = _totp(device, at=time.time() - device.step)
            with override_settings(PASSWORD_HASHERS=fast_hashers):
                assert twofactor.confirm_enrolment(device, code, by=user) is not None
            chart = client_actions.create_client(
                by=admin,
                organization=clinic,
                chart_number=f"L-{n:03d}",
                legal_name=f"Load Person {n}",
                drinking_thresholds="female",
                primary_clinician=user,
                admitted_on=today - datetime.timedelta(days=30),
            )
            people.append(Person("clinician", email, chart.pk, device.pk))
        else:
            email = f"load-client-{n}@demo.test"
            primary = User.objects.get(email=f"load-clinician-{pair}@demo.test")
            chart = client_actions.create_client(
                by=admin,
                organization=clinic,
                chart_number=f"P-{n:03d}",
                legal_name=f"Portal Person {n}",
                drinking_thresholds="male",
                primary_clinician=primary,
                admitted_on=today - datetime.timedelta(days=30),
            )
            account = User.objects.create_user(
                email=email, password=None, organization=clinic, role=Role.CLIENT
            )
            account.password = password_hash
            account.save(update_fields=["password"])
            client_actions.link_portal_user(chart, by=admin, user=account)
            people.append(Person("client", email, chart.pk))
    return people, today.isoformat()


def _totp(device, *, at: float) -> str:
    """The code an authenticator app shows at `at`: the real clock, no drift (the server keeps
    the drift it has observed and allows for it)."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    totp.time = at
    return f"{totp.token():0{device.digits}d}"


def current_code(device_id: int) -> str:
    from waypoint.accounts.models import AuthenticatorDevice

    return _totp(AuthenticatorDevice.objects.get(pk=device_id), at=time.time())


# Servers --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_servers(app: str, env: dict, logs: Path) -> list[tuple[subprocess.Popen, int]]:
    servers = []
    for n in range(PROCESSES):
        port = free_port()
        log_file = open(logs / f"{app.replace(':', '_')}-{n}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
            [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--worker-class", "gthread", "--threads", str(THREADS),
             "--timeout", "60", "--graceful-timeout", "10", "--log-level", "warning",
             # Keep idle connections open longer than a person waits between two requests to
             # the same process (as a proxy's upstream keep-alive does): with gunicorn's 2 s
             # default, a request racing the server's close fails with a reset connection.
             "--keep-alive", "75"],
            cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        servers.append((process, port))
    import requests

    for process, port in servers:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"load: gunicorn {app} exited; see {logs}")
            try:
                if requests.get(f"http://127.0.0.1:{port}/", timeout=2).status_code < 500:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"load: gunicorn {app} did not answer within 60 s")
            time.sleep(0.2)
    return servers


def stop_servers(servers) -> None:
    for process, _ in servers:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process, _ in servers:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# Traffic --------------------------------------------------------------------------------------


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict = field(default_factory=dict)
    by_path: dict = field(default_factory=dict)
    accepted: dict = field(default_factory=lambda: {"checkin": 0, "measure": 0})

    def note(self, elapsed: float, problem: str | None, where: str = "") -> None:
        with self.lock:
            self.latencies.append(elapsed)
            self.by_path.setdefault(re.sub(r"\d+", "N", where), []).append(elapsed)
            if problem:
                self.errors += 1
                self.error_kinds[problem] = self.error_kinds.get(problem, 0) + 1

    def fail(self, problem: str) -> None:
        """A page answered, but not as the flow needs (its request is already counted)."""
        with self.lock:
            self.errors += 1
            self.error_kinds[problem] = self.error_kinds.get(problem, 0) + 1

    def accept(self, kind: str) -> None:
        with self.lock:
            self.accepted[kind] += 1


class Flow(Exception):
    """A request of the flow did not answer as it should (already counted)."""


class Visitor:
    def __init__(self, ports: list[int], stats: Stats, offset: int):
        import requests

        self.session = requests.Session()
        self.ports, self.stats, self.turn = ports, stats, offset

    def request(self, method: str, path: str, expect: tuple[int, ...], data=None):
        import requests

        port = self.ports[self.turn % len(self.ports)]
        self.turn += 1
        started = time.perf_counter()
        try:
            response = self.session.request(
                method,
                f"http://127.0.0.1:{port}{path}",
                data=data,
                allow_redirects=False,
                timeout=TIMEOUT,
            )
        except requests.RequestException as exc:
            self.stats.note(
                (time.perf_counter() - started) * 1000, f"{method} {path} {type(exc).__name__}"
            )
            raise Flow from exc
        problem = (
            None if response.status_code in expect else f"{method} {path} {response.status_code}"
        )
        self.stats.note((time.perf_counter() - started) * 1000, problem, f"{method} {path}")
        if problem:
            raise Flow(problem)
        return response

    def form(self, path: str):
        page = self.request("GET", path, (200,))
        token = _CSRF.search(page.text)
        if token is None:
            self.stats.fail(f"no CSRF token on {path}")
            raise Flow(path)
        return page, token.group(1)


def sign_in(visitor: Visitor, person: Person) -> None:
    _, token = visitor.form("/accounts/login/")
    answer = visitor.request(
        "POST",
        "/accounts/login/",
        (302,),
        {"csrfmiddlewaretoken": token, "username": person.email, "password": PASSWORD},
    )
    if "two-factor/verify" in answer.headers.get("Location", ""):
        _, token = visitor.form("/accounts/two-factor/verify/")
        visitor.request(
            "POST",
            "/accounts/two-factor/verify/",
            (302,),
            {"csrfmiddlewaretoken": token, "token": current_code(person.device_id)},
        )


def client_turn(visitor: Visitor, person: Person, today: datetime.date, n: int) -> None:
    visitor.request("GET", "/portal/", (200,))
    _, token = visitor.form("/portal/diary/")
    data = {
        "csrfmiddlewaretoken": token,
        "day": (today - datetime.timedelta(days=n % 28)).isoformat(),
        "substance": "cannabis",
        "amount": str(1 + (n // 28) % 3),
    }
    answer = visitor.request("POST", "/portal/diary/", (302, 400), data)
    if answer.status_code == 400:  # the same entry already on that day: confirm, as a person would
        confirm = _CONFIRM.search(answer.text)
        if confirm is None:
            visitor.stats.fail("check-in refused without a confirmation")
            raise Flow("check-in")
        token = _CSRF.search(answer.text).group(1)
        data |= {"confirm": confirm.group(1), "csrfmiddlewaretoken": token}
        visitor.request("POST", "/portal/diary/", (302,), data)
    visitor.stats.accept("checkin")


def clinician_turn(visitor: Visitor, person: Person, today: datetime.date, n: int) -> None:
    chart = person.chart_id
    visitor.request("GET", "/caseload/", (200,))
    visitor.request("GET", f"/clients/{chart}/", (200,))
    visitor.request("GET", f"/clients/{chart}/measures/", (200,))
    _, token = visitor.form(f"/clients/{chart}/measures/record/gad-7/")
    answers = {f"item_q{i}": str(random.randint(0, 3)) for i in range(1, 8)}  # noqa: S311
    visitor.request(
        "POST",
        f"/clients/{chart}/measures/record/gad-7/",
        (302,),
        {"csrfmiddlewaretoken": token, "administered_on": today.isoformat(), **answers},
    )
    visitor.stats.accept("measure")
    visitor.request("GET", f"/clients/{chart}/diary/", (200,))


def run_person(person, ports, stats, deadline, today, offset, delay) -> None:
    visitor = Visitor(ports, stats, offset)
    signed_in, n = False, 0
    time.sleep(delay)  # people arrive over the first seconds, not all in the same instant
    turn = client_turn if person.kind == "client" else clinician_turn
    while time.monotonic() < deadline:
        try:
            if not signed_in:
                sign_in(visitor, person)
                signed_in = True
            turn(visitor, person, today, n)
            n += 1
        except Flow:
            time.sleep(0.5)  # the error is counted; carry on as a person would, a moment later


def drive_app(people, ports, seconds, today) -> tuple[Stats, float]:
    stats = Stats()
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    ramp = min(RAMP_SECONDS, seconds / 4) / len(people)
    threads = [
        threading.Thread(
            target=run_person,
            args=(person, ports, stats, deadline, today, n, n * ramp),
            daemon=True,
        )
        for n, person in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + TIMEOUT * 3)
    return stats, time.monotonic() - started


def drive_bare(ports, users, seconds) -> float:
    """Requests per second of the bare view, `users` threads with no think time."""
    import requests

    done = [0] * users
    deadline = time.monotonic() + seconds

    def hammer(n):
        session = requests.Session()
        turn = n
        while time.monotonic() < deadline:
            port = ports[turn % len(ports)]
            turn += 1
            try:
                if session.get(f"http://127.0.0.1:{port}/", timeout=TIMEOUT).status_code == 200:
                    done[n] += 1
            except requests.RequestException:
                pass

    started = time.monotonic()
    threads = [threading.Thread(target=hammer, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + TIMEOUT * 2)
    return sum(done) / (time.monotonic() - started)


def count_lost(people, stats: Stats) -> int:
    from django.db import connections

    from waypoint.diary.models import DiaryEntry
    from waypoint.measures.models import Administration

    connections.close_all()  # read what the servers committed, on a fresh connection
    client_charts = [p.chart_id for p in people if p.kind == "client"]
    clinician_charts = [p.chart_id for p in people if p.kind == "clinician"]
    checkins = DiaryEntry.objects.filter(client_id__in=client_charts, source="client").count()
    measures = Administration.objects.filter(
        client_id__in=clinician_charts, instrument_id="gad-7"
    ).count()
    log(
        f"accepted {stats.accepted['checkin']} check-ins ({checkins} rows), "
        f"{stats.accepted['measure']} measures ({measures} rows)"
    )
    return max(0, stats.accepted["checkin"] - checkins) + max(
        0, stats.accepted["measure"] - measures
    )


def p95(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


# Main -----------------------------------------------------------------------------------------


def main() -> int:
    seconds = _setting("LOAD_SECONDS", 60, 1)
    users = _setting("LOAD_USERS", 50, 2)
    import psycopg

    name = f"waypoint_load_{uuid.uuid4().hex[:10]}"
    admin_url = PG_URL.rstrip("/") + "/postgres"
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        raise SystemExit(f"load: cannot create a database at {PG_URL}: {exc}".strip()) from None
    var_dir = Path(tempfile.mkdtemp(prefix="waypoint-load-"))
    env = {
        **os.environ,
        "WAYPOINT_ENV": "local",
        "WAYPOINT_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"{PG_URL.rstrip('/')}/{name}",
        "DJANGO_SETTINGS_MODULE": "waypoint.settings",
        "LOG_LEVEL": "ERROR",
        "DEBUG": "0",
        "PYTHONPATH": str(REPO),
    }
    for unset in ("DATABASE_REPLICA_URL", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "CACHE_URL"):
        env.pop(unset, None)
    os.environ.clear()
    os.environ.update(env)
    servers = []
    try:
        import django

        django.setup()
        with contextlib.redirect_stdout(sys.stderr):  # stdout carries the result line only
            people, today = prepare(users)
        today = datetime.date.fromisoformat(today)
        bare_seconds = min(seconds, 10)
        servers = start_servers("bench.bare:application", env, var_dir)
        bare = drive_bare([port for _, port in servers], users, bare_seconds)
        stop_servers(servers)
        log(f"bare view: {bare:.0f} requests/s")
        from django.db import connections

        connections.close_all()  # the servers get the database to themselves
        servers = start_servers("waypoint.wsgi:application", env, var_dir)
        log(f"driving {users} people for {seconds} s")
        stats, elapsed = drive_app(people, [port for _, port in servers], seconds, today)
        stop_servers(servers)
        servers = []
        lost = count_lost(people, stats)
        if stats.error_kinds:
            log(f"errors: {stats.error_kinds}")
        for where, times in sorted(stats.by_path.items()):
            if where:
                log(f"{where}: {len(times)} requests, p95 {p95(times):.0f} ms")
        requests_done = len(stats.latencies)
        ratio = (requests_done / elapsed) / bare if bare else 0.0
        print(
            f"load: {requests_done} requests, {stats.errors} errors, {lost} lost writes, "
            f"p95 {p95(stats.latencies):.0f} ms, {ratio:.3f} x bare",
            flush=True,
        )
        return 1 if stats.errors or lost else 0
    finally:
        stop_servers(servers)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110, BLE001 - tear-down goes on regardless
            pass
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
