"""The search indexes themselves, per database: FTS5 and its triggers on SQLite; the tsvector
trigger, the GIN index, SearchRank and SearchHeadline on PostgreSQL (skipped without it)."""

import pytest
from django.db import connection

from waypoint.questions import actions, fulltext
from waypoint.questions.models import Question

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5")
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search: DATABASE_URL"
)


def _publish(title, text, answer, *, by, language="en"):
    question = actions.receive_question(text=text, language=language, consent_to_publish=True)
    return actions.answer_question(
        question, by=by, answer=answer, publish=True, title=title, public_question=text
    )


@sqlite_only
def test_fts5_table_holds_published_questions_only(clinician):
    pending = actions.receive_question(text="A secret pending naloxone question", language="en")
    published = _publish("Naloxone", "Where is naloxone?", "Pharmacies.", by=clinician)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM questions_question_fts")
        assert [row[0] for row in cursor.fetchall()] == [published.pk]
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'questions_%'"
        )
        assert {row[0] for row in cursor.fetchall()} == {
            "questions_question_fts_insert",
            "questions_question_fts_update",
            "questions_question_fts_delete",
        }
    assert pending.pk not in [hit.question.pk for hit in fulltext.search("naloxone")]


@sqlite_only
def test_bm25_weights_the_title(clinician):
    in_answer = _publish("Pharmacies", "Where?", "Ask for naloxone at the counter.", by=clinician)
    in_title = _publish("Naloxone", "Where can I get it?", "Pharmacies.", by=clinician)
    hits = fulltext.search("naloxone")
    assert [hit.question.pk for hit in hits] == [in_title.pk, in_answer.pk]
    assert hits[0].rank > hits[1].rank
    assert str(hits[0].title_html) == "<mark>Naloxone</mark>"


@postgresql_only
def test_tsvector_is_set_by_the_trigger_and_indexed(clinician):
    pending = actions.receive_question(text="Pending", language="en")
    published = _publish("Naloxone", "Where is naloxone?", "Pharmacies.", by=clinician)
    vectors = dict(Question.objects.values_list("pk", "search_vector"))
    assert vectors[pending.pk] is None
    assert "'naloxon':1A" in vectors[published.pk]  # English stem, title weight A
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'questions_question_search_gin'"
        )
        assert "gin (search_vector)" in cursor.fetchone()[0]


@postgresql_only
def test_searchrank_orders_and_searchheadline_marks(clinician):
    in_answer = _publish("Pharmacies", "Where?", "Ask for naloxone at the counter.", by=clinician)
    in_title = _publish("Naloxone", "Where can I get it?", "Pharmacies.", by=clinician)
    hits = fulltext.search("naloxone")
    assert [hit.question.pk for hit in hits] == [in_title.pk, in_answer.pk]
    assert str(hits[0].title_html) == "<mark>Naloxone</mark>"
    assert "<mark>naloxone</mark>" in str(hits[1].snippet_html)


@postgresql_only
def test_spanish_questions_use_the_spanish_stemmer(clinician):
    _publish("Naloxona", "¿Dónde consigo naloxona?", "En las farmacias, sin receta médica.",
             by=clinician, language="es")  # fmt: skip
    assert len(fulltext.search("farmacia")) == 1  # "farmacias" stemmed in Spanish
    assert len(fulltext.search("medica")) == 1  # accents optional (unaccent)
    assert len(fulltext.search("médica")) == 1


def test_query_words_are_never_search_syntax(clinician):
    _publish("Naloxone", "Where is naloxone?", "Pharmacies.", by=clinician)
    for query in ['naloxone"', "naloxone OR", "NEAR(naloxone", "naloxone*", "-naloxone", "a:b"]:
        fulltext.search(query)  # no syntax error on either database
    assert fulltext.terms('"Naloxone" OR naloxone NEAR(x)') == ["naloxone", "or", "near", "x"]
    assert fulltext.search("") == []
    assert fulltext.search("!!!") == []
