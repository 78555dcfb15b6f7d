"""The public question search against a bare full-text query, on SQLite (FTS5) and PostgreSQL.

For each engine a child process loads BENCH_QA_QUESTIONS published questions (default
100,000; synthetic harm reduction text from a seeded generator, one in five in Spanish, each
with a tag) into a throw-away Waypoint database, through the real schema and its search
triggers. Then, for the same list of searches, it times

- the page: `GET /questions/?q=…` through Django's test client (every middleware, the views,
  the queries and the template: the server's time for the page), and
- the bare query: the ranked full-text query alone for the same words on the same rows
  (FTS5 `MATCH … ORDER BY rank LIMIT 20`; PostgreSQL `@@` with `ts_rank … LIMIT 20`),

best of REPEATS each, and prints one line per engine: `qa-search-sqlite: 1.2x fts5` (the
page's total ÷ the bare queries' total). Goal: at most 1.5. Details go to stderr.
"""
# ruff: noqa: S608, SIM905 - the SQL here is our own constants; word lists read best as text

import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PG_URL = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REPEATS = 7
SEARCHES = [
    "naloxone",
    "fentanyl test strips",
    "alcohol benzodiazepines",
    "moderation goal",
    "tolerance after a break",
    "honest with my therapist",
    "naloxona sobredosis",
]
BASELINE = {"sqlite": "fts5", "postgresql": "tsvector"}

EN_WORDS = (
    "naloxone fentanyl overdose test strips alcohol benzodiazepines xanax moderation goal "
    "drink less therapist therapy session tolerance break jail hospital treatment opioids "
    "methadone buprenorphine pills powder cocaine methamphetamine cannabis breathing rescue "
    "breaths recovery position emergency spray nostril dose pharmacy free program syringe "
    "safer use alone spotting line cravings evening weekend family friend partner return "
    "use anxiety sleep panic prescriber medication combination risk mixing slow heart "
    "weeks days plan diary limit stop cut down honest privacy records"
).split()
ES_WORDS = (
    "naloxona fentanilo sobredosis tiras reactivas alcohol benzodiacepinas moderación meta "
    "beber menos terapeuta terapia tolerancia pastillas respiración emergencia farmacia "
    "gratis programa consumo seguro solo familia amigo pareja recaída ansiedad dormir "
    "receta medicamento mezcla riesgo semana plan diario límite dejar"
).split()
FILLER_EN = "the a and to of is it my i can do how what when with for on after".split()
FILLER_ES = "el la y de que es mi yo puedo cómo qué cuando con para en después".split()
TAGS = ["naloxone", "fentanyl", "alcohol", "moderation", "therapy", "overdose", "naloxona"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _zipf(words):
    return [1 / (rank + 1) for rank in range(len(words))]


def _sentence(rng: random.Random, words, filler, n: int) -> str:
    """Topic words with Zipf-like frequencies (the first words of the list are common, the
    last rare), between common filler words."""
    weights = _zipf(words)
    out = [
        rng.choices(words, weights)[0] if rng.random() < 0.4 else rng.choice(filler)
        for _ in range(n)
    ]
    return " ".join(out).capitalize() + "."


def _questions(count: int, seed: int = 12):
    rng = random.Random(seed)
    for number in range(count):
        spanish = number % 5 == 4
        words, filler = (ES_WORDS, FILLER_ES) if spanish else (EN_WORDS, FILLER_EN)
        title = _sentence(rng, words, filler, rng.randint(4, 8))[:-1] + "?"
        question = " ".join(_sentence(rng, words, filler, rng.randint(8, 16)) for _ in range(2))
        answer = " ".join(_sentence(rng, words, filler, rng.randint(10, 18)) for _ in range(5))
        yield ("es" if spanish else "en", title, question, answer, TAGS[number % len(TAGS)])


def load(count: int) -> None:
    """Published questions in batches, through the ORM (encrypted fields, search triggers)."""
    from django.db import transaction
    from django.utils import timezone

    from waypoint.questions.models import Question, Status, Tag

    tags = {name: Tag.objects.get_or_create(slug=name, defaults={"name": name})[0] for name in TAGS}
    through = Question.tags.through
    now = timezone.now()
    batch, tag_names = [], []

    def flush():
        with transaction.atomic():
            created = Question.objects.bulk_create(batch)
            through.objects.bulk_create(
                through(question_id=q.pk, tag_id=tags[name].pk)
                for q, name in zip(created, tag_names, strict=True)
            )
        batch.clear()
        tag_names.clear()

    for language, title, question, answer, tag in _questions(count):
        batch.append(
            Question(
                text=question,
                language=language,
                consent_to_publish=True,
                status=Status.PUBLISHED,
                answer=answer,
                answered_at=now,
                title=title,
                public_question=question,
                public_answer=answer,
                published_at=now,
            )
        )
        tag_names.append(tag)
        if len(batch) == 2000:
            flush()
    if batch:
        flush()


def _best(fn) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def bare_query(engine: str, words: list[str]):
    from django.db import connection

    from waypoint.questions import fulltext

    if engine == "sqlite":
        sql, params = fulltext.SQLITE_RANKED, [fulltext.fts5_match(words), 20, 0]
    else:
        text = " ".join(words)
        sql = (
            "SELECT id FROM questions_question, "
            "(SELECT plainto_tsquery('waypoint_english', %s) || "
            "plainto_tsquery('waypoint_spanish', %s) AS q) AS query "
            "WHERE search_vector @@ query.q "
            "ORDER BY ts_rank(search_vector, query.q) DESC, id DESC LIMIT 20"
        )
        params = [text, text]

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def child(engine: str, out: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from waypoint.questions import fulltext

    count = int(os.environ.get("BENCH_QA_QUESTIONS", 100_000))
    call_command("migrate", verbosity=0, interactive=False)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # a throw-away file
            cursor.execute("PRAGMA journal_mode=MEMORY")
            cursor.execute("PRAGMA synchronous=OFF")
    started = time.perf_counter()
    load(count)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO questions_question_fts(questions_question_fts) VALUES ('optimize')"
            )
    loaded = time.perf_counter() - started
    browser = Client()
    rows, page_total, bare_total = [], 0.0, 0.0
    for search in SEARCHES:
        words = fulltext.terms(search)
        response = browser.get("/questions/", {"q": search})
        assert response.status_code == 200, response.status_code
        shown = [hit.question.pk for hit in fulltext.search(search)]  # what the page lists
        hits = len(shown)
        assert hits and b"<mark>" in response.content, f"{search!r}: nothing found"
        bare_ids = [row[0] for row in bare_query(engine, words)()]
        assert shown == bare_ids[:hits], f"{search!r}: the page and the bare query disagree"
        page = _best(lambda s=search: browser.get("/questions/", {"q": s}))
        bare = _best(bare_query(engine, words))
        page_total, bare_total = page_total + page, bare_total + bare
        rows.append({"search": search, "page": page, "bare": bare, "hits": hits})
    Path(out).write_text(
        json.dumps(
            {"load": loaded, "count": count, "rows": rows, "page": page_total, "bare": bare_total}
        )
    )


def _run_child(engine: str, url: str, workdir: Path) -> dict:
    out = workdir / f"qa-{engine}.json"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        WAYPOINT_ENV="local",
        WAYPOINT_VAR_DIR=str(workdir / "var"),
        DEBUG="0",
        CONN_MAX_AGE="0",
    )
    subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--child", engine, str(out)], env=env, cwd=REPO, check=True
    )
    return json.loads(out.read_text())


def _psql_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as con:
        con.execute(sql)


def main(engines=None) -> list[str]:
    """Run the benchmark on each engine; returns the result lines (the caller prints them)."""
    engines = engines or os.environ.get("BENCH_ENGINES", "sqlite,postgresql").split(",")
    lines = []
    with tempfile.TemporaryDirectory(prefix="waypoint-qa-bench-") as tmp:
        workdir = Path(tmp)
        (workdir / "var").mkdir()
        for engine in engines:
            database = None
            if engine == "sqlite":
                url = f"sqlite:///{workdir / 'qa.sqlite3'}"
            elif engine == "postgresql":
                database = f"waypoint_qa_bench_{uuid.uuid4().hex[:12]}"
                _psql_admin(f'CREATE DATABASE "{database}"')
                url = f"{PG_URL}/{database}"
            else:
                log(f"unknown engine {engine!r}")
                continue
            try:
                result = _run_child(engine, url, workdir)
            finally:
                if database:
                    _psql_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            log(f"qa {engine}: {result['count']:,} published questions loaded in "
                f"{result['load']:.1f} s")  # fmt: skip
            for row in result["rows"]:
                log(
                    f"  {row['search']!r}: page {row['page'] * 1000:.1f} ms, bare "
                    f"{row['bare'] * 1000:.1f} ms, {row['hits']} hits shown"
                )
            ratio = result["page"] / result["bare"]
            lines.append(f"qa-search-{engine}: {ratio:.1f}x {BASELINE[engine]}")
    return lines


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        for line in main():
            print(line, flush=True)
