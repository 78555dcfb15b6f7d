# ruff: noqa: S608 - SQL here is built from our own constant table name, never from input
"""Full-text search over published questions: SQLite FTS5 on SQLite, tsvector on PostgreSQL.

Only the public copy of a published question is indexed (title, question, answer), so nothing
that was not published can be found. Both indexes are kept in sync by database triggers, which
migration `questions/0002_fulltext` installs with `install(schema_editor)`:

- **SQLite**: a virtual table `questions_question_fts` (FTS5, `porter unicode61
  remove_diacritics 2`: English stems, accents optional) whose rowid is the question's id; after
  insert, update and delete of `questions_question` the triggers drop the row's entry and add it
  back if the question is published. Ranking is `bm25()` with the title weighted 10, the
  question 4 and the answer 1 (the table's `rank` setting, so FTS5 sorts by it itself); matches
  are marked with `highlight()` and `snippet()`.
- **PostgreSQL**: the `search_vector` column, set by a BEFORE INSERT/UPDATE trigger from the
  public copy with weights A/B/C, in the question's language (`waypoint_english` or
  `waypoint_spanish`: the built-in stemmers after `unaccent`, so accents are optional), NULL
  unless published; a GIN index on it. Queries use `SearchQuery` (websearch syntax, English or
  Spanish), `SearchRank` and `SearchHeadline`.

A later migration that rebuilds `questions_question` on SQLite (adding a column copies the
table) drops its triggers: call `install()` again in that migration, as audit/0003 does.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FTS_TABLE = "questions_question_fts"
OPEN, CLOSE = "\x02", "\x03"  # match markers, turned into <mark> after escaping
PG_CONFIGS = {"en": "waypoint_english", "es": "waypoint_spanish"}

_SQLITE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS questions_question_fts USING fts5(
        title, question, answer, tokenize = 'porter unicode61 remove_diacritics 2')""",
    # `ORDER BY rank` is then bm25 with these weights, sorted inside FTS5 (fts5.html "Sorting by
    # auxiliary function results"), so highlight() runs on the rows returned only.
    """INSERT INTO questions_question_fts(questions_question_fts, rank)
        VALUES ('rank', 'bm25(10.0, 4.0, 1.0)')""",
    """CREATE TRIGGER IF NOT EXISTS questions_question_fts_insert
        AFTER INSERT ON questions_question WHEN new.status = 'published' BEGIN
          INSERT INTO questions_question_fts(rowid, title, question, answer)
          VALUES (new.id, new.title, new.public_question, new.public_answer);
        END""",
    # Only when what is indexed changes: a vote or a moderation flag leaves the index alone.
    """CREATE TRIGGER IF NOT EXISTS questions_question_fts_update
        AFTER UPDATE OF status, title, public_question, public_answer ON questions_question
        BEGIN
          DELETE FROM questions_question_fts WHERE rowid = old.id;
          INSERT INTO questions_question_fts(rowid, title, question, answer)
          SELECT new.id, new.title, new.public_question, new.public_answer
          WHERE new.status = 'published';
        END""",
    """CREATE TRIGGER IF NOT EXISTS questions_question_fts_delete
        AFTER DELETE ON questions_question BEGIN
          DELETE FROM questions_question_fts WHERE rowid = old.id;
        END""",
    # Questions published before the triggers existed (a reinstall after a table rebuild).
    "DELETE FROM questions_question_fts",
    """INSERT INTO questions_question_fts(rowid, title, question, answer)
        SELECT id, title, public_question, public_answer FROM questions_question
        WHERE status = 'published'""",
]
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS questions_question_fts_insert",
    "DROP TRIGGER IF EXISTS questions_question_fts_update",
    "DROP TRIGGER IF EXISTS questions_question_fts_delete",
    "DROP TABLE IF EXISTS questions_question_fts",
]

_PG_VECTOR = """
  setweight(to_tsvector(cfg, coalesce(NEW.title, '')), 'A') ||
  setweight(to_tsvector(cfg, coalesce(NEW.public_question, '')), 'B') ||
  setweight(to_tsvector(cfg, coalesce(NEW.public_answer, '')), 'C')"""
_POSTGRESQL = [
    # Accents optional, as on SQLite: our own configurations, English and Spanish stemming after
    # unaccent (a trusted extension since PostgreSQL 13: the database owner may create it).
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'waypoint_english') THEN
           CREATE TEXT SEARCH CONFIGURATION waypoint_english (COPY = english);
           ALTER TEXT SEARCH CONFIGURATION waypoint_english
             ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
         END IF;
         IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'waypoint_spanish') THEN
           CREATE TEXT SEARCH CONFIGURATION waypoint_spanish (COPY = spanish);
           ALTER TEXT SEARCH CONFIGURATION waypoint_spanish
             ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
         END IF;
       END $$""",
    f"""CREATE OR REPLACE FUNCTION questions_question_search_vector() RETURNS trigger AS $$
        DECLARE cfg regconfig;
        BEGIN
          IF NEW.status = 'published' THEN
            cfg := CASE WHEN NEW.language = 'es' THEN 'waypoint_spanish'::regconfig
                        ELSE 'waypoint_english'::regconfig END;
            NEW.search_vector := {_PG_VECTOR};
          ELSE
            NEW.search_vector := NULL;
          END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS questions_question_search_vector ON questions_question",
    """CREATE TRIGGER questions_question_search_vector
        BEFORE INSERT OR UPDATE OF status, language, title, public_question, public_answer
        ON questions_question
        FOR EACH ROW EXECUTE FUNCTION questions_question_search_vector()""",
    """CREATE INDEX IF NOT EXISTS questions_question_search_gin
        ON questions_question USING gin (search_vector)""",
    "UPDATE questions_question SET status = status WHERE status = 'published'",
]
_POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS questions_question_search_gin",
    "DROP TRIGGER IF EXISTS questions_question_search_vector ON questions_question",
    "DROP FUNCTION IF EXISTS questions_question_search_vector()",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS waypoint_english",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS waypoint_spanish",
]


def install(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": _SQLITE, "postgresql": _POSTGRESQL}.get(vendor, []):
        schema_editor.execute(statement)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": _SQLITE_DROP, "postgresql": _POSTGRESQL_DROP}.get(vendor, []):
        schema_editor.execute(statement)


# Searching ------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8


def terms(query: str) -> list[str]:
    """The words of a search box query, at most MAX_TERMS, in order, without repeats."""
    seen = []
    for word in _WORD.findall((query or "").lower()):
        if word not in seen and len(word) <= 40:
            seen.append(word)
    return seen[:MAX_TERMS]


def fts5_match(words: list[str]) -> str:
    """An FTS5 MATCH expression: every word, each quoted (so no word is ever FTS5 syntax)."""
    return " ".join('"' + word.replace('"', "") + '"' for word in words)


def marked(text: str) -> SafeString:
    """Escape text that carries match markers, then turn the markers into <mark>."""
    text = re.sub(r"[*_#>`\[\]]+", "", text or "")  # Markdown punctuation reads as noise
    html = escape(text).replace(OPEN, "<mark>").replace(CLOSE, "</mark>")
    return mark_safe(html)  # noqa: S308  # nosec B308 B703 - escaped above


@dataclass(frozen=True)
class Hit:
    question: object
    rank: float
    title_html: SafeString
    snippet_html: SafeString


def ranked_ids(words: list[str], *, limit: int, offset: int = 0) -> list[tuple[int, float]]:
    """(id, rank) of the best published matches, best first: the one ranked query."""
    if not words:
        return []
    if connection.vendor == "postgresql":
        from waypoint.questions.models import Question

        query = _pg_query(words)
        rows = (
            Question.objects.filter(search_vector=query)
            .annotate(rank=_pg_rank(query))
            .order_by("-rank", "-pk")
            .values_list("pk", "rank")[offset : offset + limit]
        )
        return [(pk, float(rank)) for pk, rank in rows]
    with connection.cursor() as cursor:
        cursor.execute(SQLITE_RANKED, [fts5_match(words), limit, offset])
        return [(pk, -rank) for pk, rank in cursor.fetchall()]


# The bare ranked query (the benchmark's baseline) and the page's query: the same match and
# order; the page's also marks the matches, for the rows it returns only.
SQLITE_RANKED = (
    "SELECT rowid, rank FROM questions_question_fts WHERE questions_question_fts MATCH %s "
    "ORDER BY rank LIMIT %s OFFSET %s"
)
SQLITE_MARKED = (
    "SELECT rowid, rank, highlight(questions_question_fts, 0, %s, %s), "
    "snippet(questions_question_fts, -1, %s, %s, '…', 32) FROM questions_question_fts "
    "WHERE questions_question_fts MATCH %s ORDER BY rank LIMIT %s OFFSET %s"
)


def search(query: str, *, limit: int = 20, offset: int = 0) -> list[Hit]:
    """Published questions matching every word of `query`, best first, with marked matches.

    A fixed number of queries whatever the number of matches: on SQLite the ranked, marked
    matches (FTS5 sorts by rank itself, then marks only the rows returned); on PostgreSQL the
    ranked ids, then the headlines for those ids; then the rows and their tags."""
    from waypoint.questions.models import Question

    words = terms(query)
    if not words:
        return []
    if connection.vendor == "postgresql":
        ranked = ranked_ids(words, limit=limit, offset=offset)
        highlights = _pg_highlights([pk for pk, _ in ranked], words) if ranked else {}
    else:
        ranked, highlights = _sqlite_marked(words, limit=limit, offset=offset)
    if not ranked:
        return []
    ids = [pk for pk, _ in ranked]
    questions = (
        Question.objects.published()
        .defer("text", "email", "answer", "search_vector")  # encrypted or unused here
        .prefetch_related("tags")
        .in_bulk(ids)
    )
    hits = []
    for pk, rank in ranked:
        if pk in questions and pk in highlights:
            title, snippet = highlights[pk]
            hits.append(Hit(questions[pk], rank, marked(title), marked(snippet)))
    return hits


def _sqlite_marked(words, *, limit, offset):
    with connection.cursor() as cursor:
        cursor.execute(SQLITE_MARKED, [OPEN, CLOSE, OPEN, CLOSE, fts5_match(words), limit, offset])
        rows = cursor.fetchall()
    ranked = [(pk, -rank) for pk, rank, _, _ in rows]
    return ranked, {pk: (title, snippet) for pk, _, title, snippet in rows}


def _pg_query(words: list[str]):
    from django.contrib.postgres.search import SearchQuery

    text = " ".join(words)
    return SearchQuery(text, config=PG_CONFIGS["en"], search_type="plain") | SearchQuery(
        text, config=PG_CONFIGS["es"], search_type="plain"
    )


def _pg_rank(query):
    from django.contrib.postgres.search import SearchRank
    from django.db.models import F

    return SearchRank(F("search_vector"), query)


def _pg_highlights(ids: list[int], words: list[str]) -> dict[int, tuple[str, str]]:
    from django.contrib.postgres.search import SearchHeadline
    from django.db.models import Case, TextField, Value, When
    from django.db.models.functions import Concat

    from waypoint.questions.models import Question

    query = _pg_query(words)
    config = Case(
        When(language="es", then=Value(PG_CONFIGS["es"])), default=Value(PG_CONFIGS["en"])
    )
    options = {"start_sel": OPEN, "stop_sel": CLOSE, "config": config}
    rows = (
        Question.objects.filter(pk__in=ids)
        .annotate(
            title_marked=SearchHeadline("title", query, highlight_all=True, **options),
            snippet_marked=SearchHeadline(
                Concat("public_question", Value(" "), "public_answer", output_field=TextField()),
                query,
                max_words=40,
                min_words=20,
                fragment_delimiter=" … ",
                max_fragments=2,
                **options,
            ),
        )
        .values_list("pk", "title_marked", "snippet_marked")
    )
    return {pk: (title, snippet) for pk, title, snippet in rows}
