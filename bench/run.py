"""`make bench`: the all-clients outcome report on SQLite and PostgreSQL against a DuckDB baseline.

1. Generate a synthetic clinic (BENCH_CLIENTS clients × BENCH_DAYS days, default 5,000 × 730,
   about 3.65 million diary rows) with DuckDB into a Parquet file.
2. DuckDB computes the outcome report straight from the raw rows (the baseline).
3. For each engine, a child process loads the same rows into a throw-away Waypoint database
   (a temporary SQLite file; a PostgreSQL database created on 127.0.0.1 and dropped afterwards),
   builds the rollups with `waypoint.diary.rollups.rebuild_rollups`, and times
   `waypoint.diary.reports.outcome_report`, the code behind the report page.
   Both engines load and build at the same time; then each child, alone on the machine, times
   its report and DuckDB's in turn, one run each per round for REPEATS rounds, and keeps the
   best of each (so both see the same machine load).
4. The numbers must agree with DuckDB's for every client and period; then one line per engine:
   `outcomes-report-sqlite: 1.4x duckdb` (our time ÷ DuckDB's; best of several runs each).
5. The same for two windows that start and end mid-week (`bench/windows.py`, the report's
   window chooser): `outcomes-report-window-sqlite: 0.90x duckdb`.
6. Pages and writes against bare Django views, and the demo build (`bench/pages.py`):
   `caseload-page: 6.7x bare`, `diary-write: 5.2x bare`, `demo-build: 7.4s`.

5. Then `bench/qa_search.py`: the public question search page against a bare full-text query
   (`qa-search-sqlite: 1.2x fts5`, `qa-search-postgresql: 1.1x tsvector`; BENCH_QA_QUESTIONS).

Details go to stderr; stdout has only the result lines. Exit status 1 if any number disagrees.
The report compares the last WEEKS weeks (this week included) with the WEEKS weeks before.
"""
# ruff: noqa: S608 - the SQL here is built from our own integers, dates and temporary paths

import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PG_URL = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REPEATS = 9
MODERATION_DRINKS = 3  # the moderation goal: at most 3 US standard drinks (42 g) a day
GRAMS_PER_US_DRINK = 14.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def report_weeks(days: int) -> int:
    return max(1, min(52, days // 14))


def windows(today: datetime.date, weeks: int):
    """(previous first day, current first day): the same weeks outcome_report uses."""
    this_monday = today - datetime.timedelta(days=today.weekday())
    current_first = this_monday - datetime.timedelta(weeks=weeks - 1)
    previous_first = current_first - datetime.timedelta(weeks=weeks)
    return previous_first, current_first


# 1. Generation ----------------------------------------------------------------------------


def generate(workdir: Path, *, clients: int, days: int, today: datetime.date) -> dict:
    """Write clients.parquet and entries.parquet; returns their paths and the row count.

    Each client-day is unknown (10 %), "no use" (about a third of known days), or drinking
    (1–8 US drinks, money on half of them), plus cannabis on a fifth of the using days.
    Drinking tapers for some clients so that WHO levels move. Randomness is a hash of
    (client, day), so the data is the same on every run.
    """
    import duckdb

    first = today - datetime.timedelta(days=days - 1)
    con = duckdb.connect()
    clients_path = workdir / "clients.parquet"
    entries_path = workdir / "entries.parquet"
    con.execute(
        f"""
        COPY (
          SELECT range AS client_key,
                 CASE WHEN range % 2 = 0 THEN 'female' ELSE 'male' END AS thresholds,
                 CASE range % 3 WHEN 0 THEN 'moderation' WHEN 1 THEN 'abstinence'
                      ELSE 'no_change' END AS goal
          FROM range({int(clients)})
        ) TO '{clients_path}' (FORMAT parquet)
        """
    )
    con.execute(
        f"""
        CREATE TEMP TABLE cd AS
        SELECT c.range AS client_key, d.range AS n, hash(c.range, d.range) AS h
        FROM range({int(clients)}) c, range({int(days)}) d
        """
    )
    con.execute(
        f"""
        CREATE TEMP TABLE known AS
        SELECT client_key, DATE '{first.isoformat()}' + CAST(n AS INTEGER) AS day,
               (h // 100) % 100 AS u_kind,
               CAST(((h // 10000) % 8) + 1 AS INTEGER) AS drinks,
               (h // 80000) % 100 AS u_money,
               (h // 8000000) % 100 AS u_cannabis,
               n
        FROM cd WHERE h % 100 >= 10
        """
    )
    # Clients with key % 4 == 0 taper: fewer drinks in the second half of the span.
    half = days // 2
    con.execute(
        f"""
        COPY (
          SELECT client_key, day, 'no_use' AS kind, '' AS substance, NULL::DECIMAL(9,3) AS amount,
                 '' AS unit, 0.0::DOUBLE AS alcohol_grams, NULL::DECIMAL(9,2) AS money_spent
          FROM known WHERE u_kind < 35
          UNION ALL
          SELECT client_key, day, 'use', 'alcohol', CAST(d AS DECIMAL(9,3)), 'drinks',
                 d * {GRAMS_PER_US_DRINK},
                 CASE WHEN u_money < 50 THEN CAST(d * 6.5 AS DECIMAL(9,2)) END
          FROM (SELECT *, CASE WHEN client_key % 4 = 0 AND n >= {half}
                               THEN greatest(1, drinks // 3) ELSE drinks END AS d
                FROM known WHERE u_kind >= 35)
          UNION ALL
          SELECT client_key, day, 'use', 'cannabis', 1::DECIMAL(9,3), 'joints', 0.0, NULL
          FROM known WHERE u_kind >= 35 AND u_cannabis < 20
          ORDER BY client_key, day
        ) TO '{entries_path}' (FORMAT parquet)
        """
    )
    rows = con.execute(f"SELECT count(*) FROM '{entries_path}'").fetchone()[0]
    con.close()
    return {
        "clients": str(clients_path),
        "entries": str(entries_path),
        "rows": rows,
        "first": first.isoformat(),
        "today": today.isoformat(),
        "days": days,
    }


# 2. The DuckDB baseline ---------------------------------------------------------------------

WHO_SQL = """
  CASE WHEN known = 0 THEN NULL
       WHEN grams = 0 THEN 0
       WHEN thresholds = 'female' THEN
         CASE WHEN grams / known <= 20 THEN 1 WHEN grams / known <= 40 THEN 2
              WHEN grams / known <= 60 THEN 3 ELSE 4 END
       ELSE
         CASE WHEN grams / known <= 40 THEN 1 WHEN grams / known <= 60 THEN 2
              WHEN grams / known <= 100 THEN 3 ELSE 4 END
  END
"""


def duckdb_report(
    data: dict, weeks: int | None = None, *, previous=None, current=None, repeats: int = REPEATS
) -> tuple[float, dict]:
    """The same report straight from the raw rows; returns (best seconds, results).

    The last `weeks` weeks against the weeks before, or the given (first, last) windows.
    """
    import duckdb

    if weeks is not None:
        today = datetime.date.fromisoformat(data["today"])
        previous_first, current_first = windows(today, weeks)
        previous = (previous_first, current_first - datetime.timedelta(days=1))
        current = (current_first, today)
    (p_first, p_last), (c_first, c_last) = previous, current
    limit = MODERATION_DRINKS * GRAMS_PER_US_DRINK
    sql = f"""
    WITH days AS (
      SELECT client_key, day,
             sum(CASE WHEN substance = 'alcohol' THEN alcohol_grams ELSE 0 END) AS grams,
             bool_or(substance = 'cannabis') AS cannabis,
             bool_or(kind = 'use' AND substance <> 'alcohol') AS other_use,
             sum(money_spent) AS money
      FROM '{data["entries"]}'
      WHERE day BETWEEN DATE '{p_first.isoformat()}' AND DATE '{p_last.isoformat()}'
         OR day BETWEEN DATE '{c_first.isoformat()}' AND DATE '{c_last.isoformat()}'
      GROUP BY client_key, day
    ), judged AS (
      SELECT d.*, c.thresholds,
             CASE WHEN d.day >= DATE '{c_first.isoformat()}'
                   AND d.day <= DATE '{c_last.isoformat()}' THEN 'current'
                  ELSE 'previous' END AS period,
             CASE c.goal WHEN 'moderation' THEN d.grams / {limit} <= 1 + 1e-9
                         WHEN 'abstinence' THEN NOT d.cannabis END AS within
      FROM days d JOIN '{data["clients"]}' c USING (client_key)
    ), sums AS (
      SELECT client_key, period, any_value(thresholds) AS thresholds,
             count(*) AS known,
             sum(CASE WHEN grams > 0 OR other_use THEN 0 ELSE 1 END) AS no_use,
             sum(CASE WHEN grams > 0 THEN 1 ELSE 0 END) AS drinking,
             sum(CASE WHEN grams >= 56 THEN 1 ELSE 0 END) AS heavy_f,
             sum(CASE WHEN grams >= 70 THEN 1 ELSE 0 END) AS heavy_m,
             sum(grams) AS grams,
             count(within) AS plan_days,
             sum(CASE WHEN within THEN 1 ELSE 0 END) AS within_days,
             coalesce(sum(money), 0) AS money,
             sum(CASE WHEN cannabis THEN 1 ELSE 0 END) AS cannabis_days
      FROM judged GROUP BY client_key, period
    )
    SELECT client_key, period, known,
           100.0 * no_use / known AS pda,
           100.0 * CASE WHEN thresholds = 'female' THEN heavy_f ELSE heavy_m END / known AS phdd,
           CASE WHEN drinking > 0 THEN grams / {GRAMS_PER_US_DRINK} / drinking END AS ddd,
           7.0 * grams / {GRAMS_PER_US_DRINK} / known AS drinks_per_week,
           grams / known AS grams_per_day,
           {WHO_SQL} AS who,
           within_days, plan_days, money, drinking AS alcohol_days, cannabis_days
    FROM sums
    """
    best, rows = None, None
    for _ in range(repeats):
        con = duckdb.connect()
        started = time.perf_counter()
        rows = con.execute(sql).fetchall()
        elapsed = time.perf_counter() - started
        con.close()
        best = elapsed if best is None else min(best, elapsed)
    results = {}
    for (
        key,
        period,
        known,
        pda,
        phdd,
        ddd,
        dpw,
        gpd,
        who,
        within,
        plan,
        money,
        alc,
        cannabis,
    ) in rows:
        results[f"{key}/{period}"] = {
            "known": known,
            "pda": pda,
            "phdd": phdd,
            "ddd": ddd,
            "drinks_per_week": dpw,
            "grams_per_day": gpd,
            "who": who,
            "within": within,
            "plan": plan,
            "money": float(money),
            "alcohol_days": alc,
            "cannabis_days": cannabis,
        }
    return best, results


# 3. Waypoint's own code, in the current Django database ------------------------------------


def load_into_django(data: dict, *, name: str = "Bench Clinic") -> tuple:
    """Create an organization, its clients with goals, and insert the raw diary rows.

    Returns (organization, client id offset): client_id = client_key + offset.
    """
    import duckdb
    from django.db import connection, transaction

    from waypoint.clients.models import Client
    from waypoint.clinics.models import Organization
    from waypoint.diary.models import DiaryEntry, DiarySettings
    from waypoint.diary.rollups import insert_rows
    from waypoint.goals.models import Goal

    first = datetime.date.fromisoformat(data["first"])
    con = duckdb.connect()
    clients = con.execute(
        f"SELECT client_key, thresholds, goal FROM '{data['clients']}' ORDER BY client_key"
    ).fetchall()
    with transaction.atomic():
        org = Organization.objects.create(name=name, slug=f"bench-{uuid.uuid4().hex[:8]}")
        DiarySettings.objects.create(organization=org, country="US")
        offset = (Client.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        Client.objects.bulk_create(
            [
                Client(
                    pk=key + offset,
                    organization=org,
                    chart_number=f"B{key:05d}",
                    legal_name=f"Bench Person {key}",
                    drinking_thresholds=thresholds,
                    status="active",
                )
                for key, thresholds, _ in clients
            ],
            batch_size=2000,
        )
        goals = []
        start = first - datetime.timedelta(days=1)
        for key, _, goal in clients:
            substance = "cannabis" if goal == "abstinence" else "alcohol"
            fields = {}
            if goal == "moderation":
                fields = {"limit_unit": "drinks", "max_per_day": Decimal(MODERATION_DRINKS)}
            goals.append(
                Goal(
                    client_id=key + offset,
                    substance=substance,
                    kind=goal,
                    started_on=start,
                    chosen_by_client=True,
                    **fields,
                )
            )
        Goal.objects.bulk_create(goals, batch_size=2000)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('clients_client', 'id'), "
                    "(SELECT max(id) FROM clients_client))"
                )
    columns = (
        "client_id",
        "day",
        "kind",
        "substance",
        "amount",
        "unit",
        "beverage",
        "alcohol_grams",
        "route",
        "setting_where",
        "setting_with_whom",
        "practices",
        "note",
        "source",
        "money_spent",
        "created_at",
    )
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    # Text for dates and decimals, as Django stores them on SQLite (COPY reads text anyway).
    stamp = now.strftime("%Y-%m-%d %H:%M:%S")
    select = f"""
        SELECT client_key + {offset}, CAST(day AS VARCHAR), kind, substance,
               CAST(amount AS VARCHAR), unit, '', alcohol_grams, '', '', '', '[]', '', 'client',
               CAST(money_spent AS VARCHAR), '{stamp}'
        FROM '{data["entries"]}'
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            csv_path = Path(data["entries"]).with_suffix(f".{offset}.csv")
            con.execute(f"COPY ({select}) TO '{csv_path}' (FORMAT csv, HEADER false)")
            table = DiaryEntry._meta.db_table
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(
                    f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)"
                ) as copy,
                open(csv_path, "rb") as handle,
            ):
                while block := handle.read(1 << 20):
                    copy.write(block)
            csv_path.unlink()
        else:
            result = con.execute(select)
            while batch := result.fetchmany(50_000):
                insert_rows(DiaryEntry, columns, batch, convert=False)
    con.close()
    return org, offset


def app_report(
    org, offset: int, data: dict, weeks: int, repeats: int = REPEATS
) -> tuple[float, dict]:
    """Time waypoint.diary.reports.outcome_report for every client of `org` (best of `repeats`)."""
    from waypoint.clients.models import Client
    from waypoint.diary.reports import outcome_report

    today = datetime.date.fromisoformat(data["today"])
    charts = Client.objects.filter(organization=org)
    best, rows = None, None
    for _ in range(repeats):
        started = time.perf_counter()
        rows = outcome_report(charts, today=today, weeks=weeks, country="US")
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, report_results(rows, offset)


def report_results(rows, offset: int) -> dict:
    """ReportRows as the comparable dict ("<client key>/<period>" → numbers)."""
    results = {}
    for row in rows:
        for period, o in (("current", row.current), ("previous", row.previous)):
            if not o.days_reported:
                continue
            results[f"{row.client_id - offset}/{period}"] = {
                "known": o.days_reported,
                "pda": o.pda,
                "phdd": o.phdd,
                "ddd": o.ddd,
                "drinks_per_week": o.drinks_per_week,
                "grams_per_day": o.grams_per_day,
                "who": None if o.who_risk_level is None else int(o.who_risk_level),
                "within": o.days_within_plan,
                "plan": o.plan_days,
                "money": float(o.money_spent),
                "alcohol_days": o.per_substance_use_days.get("alcohol", 0),
                "cannabis_days": o.per_substance_use_days.get("cannabis", 0),
            }
    return results


def compare(ours: dict, theirs: dict) -> list[str]:
    """Differences between two result sets (floats to 1e-6 relative; money to a cent)."""
    problems = []
    for key in sorted(set(ours) | set(theirs)):
        a, b = ours.get(key), theirs.get(key)
        if a is None or b is None:
            problems.append(f"{key}: only in {'duckdb' if a is None else 'waypoint'}")
            continue
        for field, x in a.items():
            y = b[field]
            if x is None or y is None:
                same = x is None and y is None
            elif field == "money":
                same = abs(x - y) < 0.006
            else:
                same = abs(float(x) - float(y)) <= 1e-6 * max(1.0, abs(float(y)))
            if not same:
                problems.append(f"{key} {field}: waypoint {x!r} vs duckdb {y!r}")
    return problems


# 4. Orchestration ---------------------------------------------------------------------------


def alternately(ours, theirs, rounds: int = REPEATS) -> tuple[tuple, tuple]:
    """((best seconds, results) of `ours`, the same of `theirs`), each a `repeats=1` call, taken
    in turn `rounds` times: both see the same machine load, as bench/pages.py's pairs do."""
    best = [None, None]
    found = [None, None]
    for _ in range(rounds):
        for n, report in enumerate((ours, theirs)):
            seconds, found[n] = report()
            best[n] = seconds if best[n] is None else min(best[n], seconds)
    return (best[0], found[0]), (best[1], found[1])


def child(engine: str, data_path: str, workdir: str) -> None:
    """Run in a fresh process whose DATABASE_URL points at a throw-away database.

    Loads and rolls up (in parallel with the other engine's child), writes `<engine>.ready`,
    then waits for `<engine>.go` so that timed reports never overlap anything else.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from waypoint.diary.rollups import rebuild_rollups

    folder = Path(workdir)
    data = json.loads(Path(data_path).read_text())
    weeks = report_weeks(data["days"])
    call_command("migrate", verbosity=0, interactive=False)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # a throw-away file: no need to survive a crash
            cursor.execute("PRAGMA journal_mode=MEMORY")  # no WAL double writes
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")
    started = time.perf_counter()
    org, offset = load_into_django(data)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    rebuild_rollups()
    with connection.cursor() as cursor:
        # Statistics, and on PostgreSQL the visibility map that autovacuum keeps on a live
        # database (rows just written by COPY are not yet marked all-visible, so an index-only
        # scan would still visit the table for each of them).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    built = time.perf_counter() - started
    (folder / f"{engine}.ready").write_text(json.dumps({"load": loaded, "rollups": built}))
    while not (folder / f"{engine}.go").exists():
        time.sleep(0.1)
    from bench import windows as mid_week  # the any-window report (bench/windows.py)

    (seconds, results), (duck_seconds, duck_results) = alternately(
        lambda: app_report(org, offset, data, weeks, repeats=1),
        lambda: duckdb_report(data, weeks, repeats=1),
    )
    (window_seconds, window_results), (duck_window_seconds, duck_window_results) = alternately(
        lambda: mid_week.app_window_report(org, offset, data, repeats=1),
        lambda: mid_week.duckdb_window_report(data, repeats=1),
    )
    (folder / f"{engine}.json").write_text(
        json.dumps(
            {
                "seconds": seconds,
                "load": loaded,
                "rollups": built,
                "results": results,
                "window_seconds": window_seconds,
                "window_results": window_results,
                "duck_seconds": duck_seconds,
                "duck_results": duck_results,
                "duck_window_seconds": duck_window_seconds,
                "duck_window_results": duck_window_results,
            }
        )
    )


def start_child(engine: str, url: str, workdir: Path, data_file: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        WAYPOINT_ENV="local",
        WAYPOINT_VAR_DIR=str(workdir / "var"),
        DEBUG="0",
        CONN_MAX_AGE="0",
    )
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--child", engine, str(data_file), str(workdir)],
        env=env,
        cwd=REPO,
    )


def wait_for(path: Path, process: subprocess.Popen) -> None:
    while not path.exists():
        if process.poll() is not None:
            raise RuntimeError(f"bench child exited with status {process.returncode}")
        time.sleep(0.2)


def _psql_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as con:
        con.execute(sql)


def main() -> int:
    clients = int(os.environ.get("BENCH_CLIENTS", 5000))
    days = int(os.environ.get("BENCH_DAYS", 730))
    engines = os.environ.get("BENCH_ENGINES", "sqlite,postgresql").split(",")
    today = datetime.date.today()
    weeks = report_weeks(days)
    with tempfile.TemporaryDirectory(prefix="waypoint-bench-") as tmp:
        workdir = Path(tmp)
        started = time.perf_counter()
        data = generate(workdir, clients=clients, days=days, today=today)
        log(
            f"generated {clients} clients × {days} days = {data['rows']:,} diary rows "
            f"in {time.perf_counter() - started:.1f} s; report: last {weeks} weeks vs the "
            f"{weeks} before"
        )
        data_file = workdir / "data.json"
        data_file.write_text(json.dumps(data))
        (workdir / "var").mkdir()
        databases, children = [], {}
        try:
            # Load and build rollups for both engines at the same time (2 cores)...
            for engine in engines:
                if engine == "sqlite":
                    url = f"sqlite:///{workdir / 'bench.sqlite3'}"
                elif engine == "postgresql":
                    name = f"waypoint_bench_{uuid.uuid4().hex[:12]}"
                    _psql_admin(f'CREATE DATABASE "{name}"')
                    databases.append(name)
                    url = f"{PG_URL}/{name}"
                else:
                    log(f"unknown engine {engine!r}")
                    return 2
                children[engine] = start_child(engine, url, workdir, data_file)
            for engine, process in children.items():
                wait_for(workdir / f"{engine}.ready", process)
            # ...then each child times its reports alone, alternating with DuckDB's baseline.
            lines, failed = [], False
            from bench import pages
            from bench import windows as mid_week

            for engine, process in children.items():
                (workdir / f"{engine}.go").touch()
                wait_for(workdir / f"{engine}.json", process)
                process.wait()
                result = json.loads((workdir / f"{engine}.json").read_text())
                duck_seconds, duck_results = result["duck_seconds"], result["duck_results"]
                duck_window_seconds = result["duck_window_seconds"]
                duck_window_results = result["duck_window_results"]
                problems = compare(result["results"], duck_results)
                log(
                    f"{engine}: load {result['load']:.1f} s, rollups {result['rollups']:.1f} s, "
                    f"report {result['seconds'] * 1000:.0f} ms, duckdb "
                    f"{duck_seconds * 1000:.0f} ms, {len(result['results'])} client-periods "
                    f"compared, {len(problems)} differences"
                )
                for problem in problems[:20]:
                    log(f"  {problem}")
                failed = failed or bool(problems)
                lines.append(
                    f"outcomes-report-{engine}: {result['seconds'] / duck_seconds:.1f}x duckdb"
                )
                window_problems = compare(result["window_results"], duck_window_results)
                log(
                    f"{engine}: window report {mid_week.mid_week_windows(data)} "
                    f"{result['window_seconds'] * 1000:.0f} ms, duckdb "
                    f"{duck_window_seconds * 1000:.0f} ms, {len(result['window_results'])} "
                    f"client-periods compared, {len(window_problems)} differences"
                )
                for problem in window_problems[:20]:
                    log(f"  {problem}")
                failed = failed or bool(window_problems)
                ratio = result["window_seconds"] / duck_window_seconds
                lines.append(f"outcomes-report-window-{engine}: {ratio:.2f}x duckdb")
            lines += pages.main(workdir)  # caseload-page, diary-write, demo-build (bench/pages.py)
        finally:
            for process in children.values():
                if process.poll() is None:
                    process.kill()
                    process.wait()
            for name in databases:
                _psql_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        log(f"total {time.perf_counter() - started:.0f} s")
        for line in lines:
            print(line, flush=True)
        return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        status = main()
        from bench import qa_search  # the public question search page (bench/qa_search.py)

        for line in qa_search.main():
            print(line, flush=True)
        sys.exit(status)
