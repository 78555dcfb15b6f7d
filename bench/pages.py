"""`make bench`, part 3: pages and writes against bare Django views, and the demo build.

A child process with its own throw-away SQLite database (the default engine):

1. `migrate` on the empty database (timed, for scale), then the demo clinics
   (`waypoint.clinics.demo.build_demo`, timed): `demo-build: 7.4s`.
2. A clinic of CASELOAD clients (synthetic diaries of CASELOAD_DAYS days with their rollups) whose
   primary clinician is one staff member; one of them has a portal login.
3. With Django's test Client (the whole middleware stack, in process, so the time is the server's):
   - the clinician's caseload page against a bare view that renders a template of the same size
     (the caseload's own HTML, verbatim) through the same middleware: `caseload-page: 6.7x bare`
     (28.0-31.7 ms against 4.2-4.6 ms; 7.1x before the third pass, 10x before the first);
   - a portal check-in (form, entry, rollup refresh of the week and the running totals, redirect)
     against a bare view that inserts one diary row and redirects: `diary-write: 1.9x bare`
     (1.8-2.0x on a loaded machine, where the base of the fourth December 2026 pass gave
     2.0-2.2x; 2.1x, 8.5-9.3 ms against 4.1-4.4 ms, before it; 2.5-2.7x, 10.8-12.3 ms, before
     the third; 3.8-4.2x, 27.5-31.6 ms, before the first).
   Each pair alternates request by request (so both see the same machine load) and takes the best
   of ROUNDS; times are wall-clock around `Client.get` / `Client.post`.

Result lines on stdout (collected by run.py), details on stderr.
"""

import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

CASELOAD = 200
CASELOAD_DAYS = 180
ROUNDS = 25


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _best_pair(first, second, rounds: int = ROUNDS) -> tuple[float, float]:
    """Best seconds of `first()` and of `second()`, called alternately `rounds` times each."""
    best_a = best_b = None
    for _ in range(rounds):
        started = time.perf_counter()
        first()
        a = time.perf_counter() - started
        started = time.perf_counter()
        second()
        b = time.perf_counter() - started
        best_a = a if best_a is None else min(best_a, a)
        best_b = b if best_b is None else min(best_b, b)
    return best_a, best_b


def _errors(response) -> str:
    """The status and the form errors of a page that was expected to redirect."""
    import re

    page = response.content.decode()
    found = re.findall(r'class="error[^"]*"[^>]*>(.*?)<', page, re.S)
    summary = page.partition("data-error-summary")[2].partition("</div>")[0]
    found += re.findall(r"<li>(.*?)</li>", summary, re.S)
    return f"{response.status_code}: {' | '.join(e.strip() for e in found) or 'no field errors'}"


def child(workdir: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    folder = Path(workdir)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_seconds = time.perf_counter() - started

    from waypoint.clinics.demo import build_demo

    started = time.perf_counter()
    build_demo()
    demo_seconds = time.perf_counter() - started
    log(f"pages: migrate {migrate_seconds:.1f} s, demo build {demo_seconds:.1f} s")

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    results = {"migrate": migrate_seconds, "demo": demo_seconds}
    results.update(_pages(folder))
    (folder / "pages.json").write_text(json.dumps(results))


def _pages(folder: Path) -> dict:
    import types

    from django.http import HttpResponse, HttpResponseRedirect
    from django.template import engines
    from django.test import Client as WebClient
    from django.test.utils import override_settings
    from django.urls import path, reverse

    from bench import run
    from waypoint import urls as site_urls
    from waypoint.accounts.models import User
    from waypoint.accounts.roles import Role
    from waypoint.clients import actions as client_actions
    from waypoint.clients.models import Client
    from waypoint.diary.models import DiaryEntry
    from waypoint.diary.rollups import rebuild_rollups

    today = datetime.date.today()
    data = run.generate(folder, clients=CASELOAD, days=CASELOAD_DAYS, today=today)
    org, _ = run.load_into_django(data, name="Pages Clinic")
    charts = Client.objects.filter(organization=org)
    rebuild_rollups(charts.values_list("pk", flat=True))
    password = "bench-only-password-7c1d"  # noqa: S105  # nosec B105 - a throw-away database
    clinician = User.objects.create_user(
        email="bench-clinician@pages.test",
        password=password,
        organization=org,
        role=Role.CLINICIAN,
        full_name="Bench Clinician",
    )
    admin = User.objects.create_user(
        email="bench-admin@pages.test",
        password=password,
        organization=org,
        role=Role.ADMIN,
        full_name="Bench Admin",
    )
    charts.update(primary_clinician=clinician)
    portal_chart = charts.order_by("pk").first()
    person = User.objects.create_user(
        email="bench-person@pages.test",
        password=password,
        organization=org,
        role=Role.CLIENT,
        full_name="",
    )
    client_actions.link_portal_user(portal_chart, by=admin, user=person)
    org_today = org.today()
    # The synthetic diary may say "no use" today, which a check-in of use would contradict.
    DiaryEntry.objects.filter(client=portal_chart, day=org_today).delete()
    rebuild_rollups([portal_chart.pk])

    staff = WebClient()
    staff.force_login(clinician, backend="django.contrib.auth.backends.ModelBackend")
    caseload = staff.get(reverse("caseload"))
    if caseload.status_code != 200:
        raise RuntimeError(f"caseload answered {caseload.status_code}")
    html = caseload.content.decode()
    rows = html.count(f'href="{portal_chart.get_absolute_url()}"')
    template = engines["django"].from_string("{% verbatim %}" + html + "{% endverbatim %}")

    def bare_page(request):
        return HttpResponse(template.render({}, request))

    def bare_insert(request):
        DiaryEntry.objects.create(
            client=portal_chart,
            day=org_today,
            kind="use",
            substance="cannabis",
            amount=1,
            unit="joints",
            source="client",
            entered_by=request.user,
        )
        return HttpResponseRedirect(reverse("diary-week"))

    urls = types.ModuleType("bench_pages_urls")
    urls.urlpatterns = [
        path("bench/bare-page/", bare_page),
        path("bench/bare-insert/", bare_insert),
        *site_urls.urlpatterns,
    ]
    sys.modules["bench_pages_urls"] = urls

    with override_settings(ROOT_URLCONF="bench_pages_urls"):

        def get_caseload():
            response = staff.get("/caseload/")
            assert response.status_code == 200, response.status_code

        def get_bare():
            response = staff.get("/bench/bare-page/")
            assert response.status_code == 200, response.status_code

        caseload_seconds, bare_page_seconds = _best_pair(get_caseload, get_bare)
        size = len(staff.get("/bench/bare-page/").content)

        portal = WebClient()
        portal.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
        checkin_url = reverse("diary-checkin")
        before = DiaryEntry.objects.filter(client=portal_chart).count()
        count = iter(range(1, 10_000))

        def post_checkin():
            # A different amount each time: the same entry twice on a day asks for a confirmation.
            amount = f"1.{next(count):03d}"
            checkin = {"day": org_today.isoformat(), "substance": "cannabis", "amount": amount}
            response = portal.post(checkin_url, checkin)
            assert response.status_code == 302, _errors(response)

        def post_bare():
            response = portal.post("/bench/bare-insert/", {})
            assert response.status_code == 302, response.status_code

        write_seconds, bare_write_seconds = _best_pair(post_checkin, post_bare)
        written = DiaryEntry.objects.filter(client=portal_chart).count() - before
    if written != 2 * ROUNDS:
        raise RuntimeError(f"expected {2 * ROUNDS} new diary rows, found {written}")
    log(
        f"pages: caseload of {charts.count()} charts ({len(html):,} bytes, {rows} link to the "
        f"portal chart) {caseload_seconds * 1000:.1f} ms, bare page ({size:,} bytes) "
        f"{bare_page_seconds * 1000:.1f} ms; check-in {write_seconds * 1000:.1f} ms, bare insert "
        f"{bare_write_seconds * 1000:.1f} ms (best of {ROUNDS})"
    )
    return {
        "caseload": caseload_seconds,
        "bare_page": bare_page_seconds,
        "write": write_seconds,
        "bare_write": bare_write_seconds,
    }


def main(workdir: Path) -> list[str]:
    """Run the child against a fresh SQLite file in `workdir`; return the result lines."""
    folder = Path(workdir) / "pages"
    folder.mkdir()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'pages.sqlite3'}",
        WAYPOINT_ENV="local",
        WAYPOINT_VAR_DIR=str(folder / "var"),
        DEBUG="0",
        CONN_MAX_AGE="0",
    )
    (folder / "var").mkdir()
    process = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--child", str(folder)], env=env, cwd=REPO, check=False
    )
    if process.returncode != 0:
        raise RuntimeError(f"pages bench child exited with status {process.returncode}")
    result = json.loads((folder / "pages.json").read_text())
    return [
        f"caseload-page: {result['caseload'] / result['bare_page']:.1f}x bare",
        f"diary-write: {result['write'] / result['bare_write']:.1f}x bare",
        f"demo-build: {result['demo']:.1f}s",
    ]


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="waypoint-bench-pages-") as tmp:
            for line in main(Path(tmp)):
                print(line, flush=True)
