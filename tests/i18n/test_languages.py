"""English and Spanish (issue #12, "Languages and reach"): the public pages and the client portal
follow the switcher's cookie, else the browser's Accept-Language; staff pages stay English; the
Spanish catalogue is complete; caches keep the languages apart."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from waypoint.clinics import helplines
from waypoint.library.models import Article
from waypoint.measures import actions as measure_actions
from waypoint.measures.models import Administration

pytestmark = pytest.mark.django_db

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}
PO_FILE = Path(settings.LOCALE_PATHS[0]) / "es" / "LC_MESSAGES" / "django.po"


def _article():
    return Article.objects.create(
        title="What is harm reduction?",
        slug="what-is-harm-reduction",
        authors="Sam Okafor, PsyD",
        audience="Anyone",
        summary="Help that starts from what you want.",
        body="Any positive change counts.",
        published=True,
    )


def _text(response) -> str:
    """The page's visible words, one space between them."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def _spanish(response, *words):
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="es">' in body
    assert response["Content-Language"] == "es"
    text = _text(response)
    for word in words:
        assert word in text, word
    return body


PUBLIC_PAGES = [
    (
        "/",
        [
            "Una atención que empieza donde usted está",
            "personas que usan drogas",
            "Ir al contenido",
        ],
    ),
    ("/library/", ["Biblioteca", "Artículos", "Reseñas de libros"]),
    (
        "/library/what-is-harm-reduction/",
        ["¿Necesita a alguien ahora?", "Esta página está escrita en inglés."],
    ),
    (
        "/helplines/",
        ["Encuentre una línea de ayuda, y quién contesta", "Quién contesta:", "Estados Unidos"],
    ),
    ("/combinations/", ["Consultar una combinación", "Si va a mezclar", "Lleve naloxona."]),
    ("/combinations/?a=xanax&b=fentanyl", ["con", "Fuentes:", "Peligrosa"]),
    ("/accounts/login/", ["Iniciar sesión", "Correo electrónico", "¿Olvidó su contraseña?"]),
]


@pytest.mark.parametrize(("path", "words"), PUBLIC_PAGES)
def test_every_public_page_renders_in_spanish(client, path, words):
    _article()
    response = client.get(path, **ES)
    _spanish(response, *words, "English", "Líneas de ayuda")
    # Shared caches must keep the two languages apart.
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize(("path", "words"), PUBLIC_PAGES)
def test_public_pages_stay_english_without_a_spanish_browser(client, path, words):
    _article()
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert words[0] not in _text(response) or path.startswith("/combinations/?")


def test_english_content_on_a_spanish_page_is_marked_english(client):
    _article()
    body = client.get("/library/what-is-harm-reduction/", **ES).content.decode()
    assert '<span lang="en">What is harm reduction?</span>' in body
    assert re.search(r'<div lang="en">\s*<p class="lead">Help that starts', body)
    lines = client.get("/helplines/?country=US", **ES).content.decode()
    assert re.search(r'<h3 id="h-line-[\w-]+" lang="en">', lines)


def test_the_switcher_sets_the_language_for_later_pages(client):
    page = client.get("/").content.decode()
    assert f'action="{reverse("set_language")}"' in page
    assert '<button type="submit" name="language" value="es" lang="es"' in page
    response = client.post(reverse("set_language"), {"language": "es", "next": "/helplines/"})
    assert response.status_code == 302 and response["Location"] == "/helplines/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    # No Accept-Language at all: the cookie decides.
    _spanish(client.get("/helplines/"), "Mostrar líneas para")
    back = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert back.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get("/", **ES).content.decode()


def test_the_switcher_refuses_a_foreign_next_address(client):
    response = client.post(
        reverse("set_language"), {"language": "es", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_portal_home_and_check_in_render_in_spanish(login, client_user):
    web = login(client_user)
    home = _spanish(
        web.get(reverse("portal-home"), **ES),
        "Hola, Robin",
        "Su equipo de atención",
        "El registro de hoy",
        "Hoy no consumí",
        "Si necesita ayuda ahora",
        "Mi página",
    )
    assert "Cerrar sesión" in home
    _spanish(
        web.get(reverse("diary-checkin"), **ES),
        "Registro de hoy",
        "¿Qué consumió?",
        "Opioides (heroína, fentanilo, pastillas)",
        "Guardar",
    )
    _spanish(web.get(reverse("diary-week"), **ES), "Mi semana", "Semana anterior")


def test_a_check_in_in_spanish_answers_in_spanish_and_stores_the_same_entry(
    login, client_user, client_chart
):
    from waypoint.diary.models import DiaryEntry

    web = login(client_user)
    today = client_chart.organization.today().isoformat()
    bad = web.post(
        reverse("diary-checkin"), {"day": today, "substance": "cannabis", "amount": "-1"}, **ES
    )
    assert bad.status_code == 400
    assert "La cantidad no puede ser negativa." in bad.content.decode()
    assert not DiaryEntry.objects.exists()
    saved = web.post(
        reverse("diary-checkin"),
        {"day": today, "substance": "cannabis", "amount": "2", "unit": "joints"},
        follow=True,
        **ES,
    )
    entry = DiaryEntry.objects.get()
    assert (entry.substance, entry.amount, entry.unit) == ("cannabis", 2, "joints")
    assert "Guardado para el" in _text(saved) and "2 porros" in _text(saved)


def test_staff_pages_stay_english_whatever_the_browser_asks(login, clinician):
    web = login(clinician)
    response = web.get(reverse("caseload"), **ES)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en">' in body and response["Content-Language"] == "en"
    assert "Sign out" in body and "Cerrar sesión" not in body
    assert "language-switcher" not in body


PHQ9_ANSWERS = {f"item_q{n}": "1" for n in range(1, 10)} | {"item_q9": "0"}  # total 8


def test_phq9_in_the_portal_uses_the_published_spanish_wording_and_scores_the_same(
    login, client_user, client_chart, clinician
):
    spanish = measure_actions.assign(client_chart, by=clinician, instrument_id="phq-9")
    web = login(client_user)
    url = reverse("portal-measure", args=[spanish.pk])
    page = _spanish(
        web.get(url, **ES),
        "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias",
        "1. Poco interés o placer en hacer cosas",
        "9. Pensamientos de que estaría mejor muerto(a)",
        "Enviar mis respuestas",
        "phqscreeners.com",
    )
    assert '<label for="id_item_q1_0">Ningún día</label>' in page
    refused = web.post(url, {"item_q1": "1"}, **ES)
    assert refused.status_code == 400 and "Elija una respuesta." in refused.content.decode()
    assert web.post(url, PHQ9_ANSWERS, **ES).status_code == 302
    english = measure_actions.assign(client_chart, by=clinician, instrument_id="phq-9")
    assert web.post(reverse("portal-measure", args=[english.pk]), PHQ9_ANSWERS).status_code == 302
    spanish.refresh_from_db()
    english.refresh_from_db()
    assert spanish.total == english.total == 8
    assert spanish.answers == english.answers


@pytest.mark.parametrize(
    ("instrument_id", "first_item", "first_option"),
    [
        ("gad-7", "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta", "Ningún día"),
        ("audit", "¿Con qué frecuencia consume alguna bebida alcohólica?", "Nunca"),
    ],
)
def test_gad7_and_audit_in_spanish(
    login, client_user, client_chart, clinician, instrument_id, first_item, first_option
):
    assigned = measure_actions.assign(client_chart, by=clinician, instrument_id=instrument_id)
    page = login(client_user).get(reverse("portal-measure", args=[assigned.pk]), **ES)
    body = _spanish(page, f"1. {first_item}")
    assert f'<label for="id_item_q1_0">{first_option}</label>' in body
    assert "<form" in body and ' lang="en"' not in body.split("<form", 1)[1].split("</form>")[0]


def test_an_instrument_without_a_published_spanish_version_stays_in_its_language(
    login, client_user, client_chart, clinician
):
    assigned = measure_actions.assign(client_chart, by=clinician, instrument_id="dast-10")
    body = login(client_user).get(reverse("portal-measure", args=[assigned.pk]), **ES)
    html = _spanish(body, "Enviar mis respuestas")
    assert re.search(
        r'<form method="post" class="card measure-form portal-form" novalidate lang="en">', html
    )
    assert Administration.objects.get().instrument_id == "dast-10"


def test_the_spanish_catalogue_is_complete():
    """Every msgid has a Spanish translation, none fuzzy, every plural form filled."""
    text = PO_FILE.read_text(encoding="utf-8")
    entries = text.strip().split("\n\n")[1:]  # the first is the header
    assert len(entries) > 300
    problems = []
    for entry in entries:
        if re.search(r"^#,.*\bfuzzy\b", entry, flags=re.M):
            problems.append(f"fuzzy: {entry}")
        if entry.lstrip().startswith("#~"):
            problems.append(f"obsolete: {entry}")
            continue
        strings = re.findall(r'^(msgstr(?:\[\d\])?) ((?:".*"\n?)+)', entry + "\n", flags=re.M)
        assert strings, entry
        for name, value in strings:
            if not "".join(re.findall(r'"(.*)"', value)):
                problems.append(f"empty {name}: {entry}")
    assert not problems, "\n\n".join(problems)
    assert "#, fuzzy" not in text.split("\n\n")[0]
    assert '"Language: es\\n"' in text


def test_the_spanish_catalogue_keeps_person_first_words():
    text = PO_FILE.read_text(encoding="utf-8").lower()
    for word in ("adicto", "drogadicto", "abusador", "limpio", "sucio"):
        assert not re.search(rf"msgstr.*\b{word}", text), word
    assert "personas que usan drogas" in text


def test_every_data_file_word_the_pages_translate_is_in_the_catalogue():
    """Country names, kinds of service and languages come from the helplines data file and are
    translated as they render: each must be listed in helplines.DATA_FILE_WORDS."""
    countries = helplines.all_countries().values()
    words = {country.name for country in countries}
    for country in countries:
        for line in country.lines:
            words.add(line.answered_by_label)
            words.update(line.languages)
    assert words <= set(helplines.DATA_FILE_WORDS), words - set(helplines.DATA_FILE_WORDS)


PAGE_BUDGET = 200 * 1024


@pytest.mark.parametrize("path", [p for p, _ in PUBLIC_PAGES])
def test_no_public_page_weighs_over_200_kb_before_images(client, path):
    """HTML plus every stylesheet (and its @imports) and script it loads."""
    _article()
    for headers in ({}, ES):
        response = client.get(path, **headers)
        html = response.content.decode()
        total = len(response.content)
        assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
        assets += re.findall(r'<script src="([^"]+)"', html)
        seen = set()
        while assets:
            url = assets.pop()
            if url in seen:
                continue
            seen.add(url)
            asset = client.get(url)
            assert asset.status_code == 200, url
            content = b"".join(asset.streaming_content) if asset.streaming else asset.content
            total += len(content)
            if url.endswith(".css"):
                base = url.rsplit("/", 1)[0]
                for imported in re.findall(rb'@import url\("?([^")]+)"?\)', content):
                    assets.append(_join(base, imported.decode()))
        assert seen, path
        assert total < PAGE_BUDGET, f"{path}: {total} bytes"


def _join(base: str, relative: str) -> str:
    parts = base.split("/")
    for piece in relative.split("/"):
        if piece == "..":
            parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def test_the_api_answers_in_english_whatever_the_client_asks(client, clinician, client_chart):
    from waypoint.api import actions as api_actions

    token = api_actions.create_token(
        clinician, by=clinician, name="i18n", scope="read-write", days=30
    )[1]
    response = client.post(
        f"/api/v1/clients/{client_chart.pk}/diary",
        {
            "day": client_chart.organization.today().isoformat(),
            "substance": "cannabis",
            "amount": "-1",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        **ES,
    )
    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    assert "The amount cannot be negative." in response.content.decode()


def _pdf_text(body: bytes) -> str:
    import io

    pypdf = pytest.importorskip("pypdf")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)
    return re.sub(r"\s+", " ", text)


def test_the_portal_progress_report_is_in_spanish_for_a_spanish_client(
    login, client_user, client_chart, clinician
):
    import datetime
    from decimal import Decimal

    from waypoint.diary import actions as diary_actions
    from waypoint.goals import actions as goal_actions

    today = client_chart.organization.today()
    goal_actions.choose_goal(
        client_chart,
        by=clinician,
        substance="opioids",
        kind="safer_use",
        started_on=today - datetime.timedelta(days=20),
        chosen_by_client=True,
        practices=["never_alone", "naloxone"],
    )
    for back in range(10):
        diary_actions.add_entry(
            client_chart,
            by=client_user,
            source="client",
            day=today - datetime.timedelta(days=back),
            substance="alcohol",
            amount=Decimal("2"),
            unit="drinks",
            money_spent=Decimal("6"),
        )
    web = login(client_user)
    response = web.get(reverse("reports-portal-progress"), **ES)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Language"] == "es"
    text = _pdf_text(response.content)
    for words in (
        "Su progreso en",
        "Preparado para usted el",
        "Cada paso cuenta",
        "Sus metas",
        "Opioides (heroína, fentanilo, pastillas)",
        "Su meta ahora: Consumo más seguro",
        "Llevar naloxona",
        "Su diario: los últimos 90 días",
        "Días que escribió en su diario",
        "Días sin consumo",
        "Dinero gastado",
        "Nivel de riesgo por consumo de alcohol (OMS)",
        "Página 1 de",
    ):
        assert words in text, words
    for english in ("Your progress", "Your goals", "Days without use", "Carry naloxone", "Page 1"):
        assert english not in text, english
    # The same report for an English browser is unchanged English.
    english = _pdf_text(web.get(reverse("reports-portal-progress")).content)
    assert "Your progress at" in english and "Days without use" in english
    assert "Su progreso" not in english


def test_the_portal_export_page_is_in_spanish(
    login, client_user, django_capture_on_commit_callbacks
):
    from waypoint.reports.models import ExportJob

    web = login(client_user)
    with django_capture_on_commit_callbacks():  # the worker does not run: the job waits
        web.post(reverse("reports-portal-record-pdf"), **ES)
    job = ExportJob.objects.get()
    _spanish(
        web.get(reverse("reports-export", args=[job.pk]), **ES),
        "Su expediente (PDF)",
        "Solicitado el",
        "En espera…",
        "Esta página se actualiza sola.",
    )
