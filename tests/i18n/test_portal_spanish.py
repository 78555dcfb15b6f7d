"""Spanish for the rest of the client portal (issue #12): safety plans and their PDF, the privacy
pages (consents, signing, revoking, accounting of disclosures, downloads), the idle warning's
words, diary plausibility and unit messages, the progress report's measure messages, long dates
and the crisis-line sentence. Each in Spanish for `Accept-Language: es`, English unchanged."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.conftest import PASSWORD
from waypoint.diary import plausibility
from waypoint.lib import units
from waypoint.plans import actions as plan_actions
from waypoint.plans import guide
from waypoint.privacy import actions as privacy_actions
from waypoint.privacy.models import (
    Consent,
    ConsentStatus,
    Disclosure,
    InfoKind,
    Purpose,
    RecipientKind,
    SignatureAuthentication,
    SignatureMethod,
)

pytestmark = pytest.mark.django_db

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}

OVERDOSE = {
    "naloxone": ["Narcan in the teal backpack"],
    "naloxone_people": ["Roommate Ezekiel"],
    "never_alone": ["Use with Ezekiel, one at a time"],
    "drug_checking": ["Strips from the syringe program"],
    "after_a_break": ["Quarter dose after any break"],
    "who_to_call": ["911"],
}


def _text(response) -> str:
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def _pdf_text(body: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)
    return re.sub(r"\s+", " ", text)


def _spanish_page(response, *words) -> str:
    assert response.status_code == 200, response.status_code
    assert '<html lang="es">' in response.content.decode()
    text = _text(response)
    for word in words:
        assert word in text, word
    return text


# Safety plans


def test_the_plan_data_file_has_every_section_and_guidance_block_in_spanish():
    english, spanish = guide.guides("en"), guide.guides("es")
    assert guide.languages() == ("en", "es")
    for kind, plan in english.items():
        translated = spanish[kind]
        assert translated.section_keys == plan.section_keys
        assert translated.required_keys == plan.required_keys
        for en, es in zip(plan.sections, translated.sections, strict=True):
            assert es.title and es.prompt and es.title != en.title and es.source == en.source
        for en, es in zip(plan.guidance, translated.guidance, strict=True):
            assert len(es.items) == len(en.items) and es.title != en.title
        assert translated.sources == plan.sources
    with translation.override("es"):
        assert guide.guide("crisis").sections[0].title.startswith("1. Señales de advertencia")
    with translation.override("en"):
        assert guide.guide("crisis").sections[0].title.startswith("1. Warning signs")


def test_a_translation_missing_a_section_is_refused():
    import json

    data = json.loads(guide.DATA_FILE.read_text(encoding="utf-8"))
    del data["translations"]["es"]["overdose"]["sections"]["naloxone"]
    with pytest.raises(ValueError, match="every section"):
        guide.parse_translations(data, guide._parse(data))


def test_the_portal_plan_and_its_pdf_are_in_spanish(login, client_user, client_chart, clinician):
    plan_actions.save_plan(client_chart, by=clinician, kind="overdose", items=OVERDOSE)
    web = login(client_user)
    page = web.get(reverse("portal-plans", args=["overdose"]), **ES)
    text = _spanish_page(
        page,
        "Naloxona: ¿la llevo conmigo y dónde la guardo?",
        "Nunca consumir a solas",
        "Si alguien podría estar teniendo una sobredosis",
        "Llame al 911 (o a su número de emergencias)",
        "La naloxona solo revierte los opioides",
        "Fuente:",
        "Narcan in the teal backpack",  # what the person wrote stays as written
    )
    assert "If someone may be overdosing" not in text
    assert "written in English" not in text
    # Sources are citations and stay English, marked so.
    assert '<span lang="en">SAMHSA Opioid Overdose Prevention Toolkit' in page.content.decode()

    pdf = web.get(reverse("portal-plans-pdf", args=["overdose"]), **ES)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    pdf_text = _pdf_text(pdf.content)
    for words in (
        "Mi plan de prevención de sobredosis",
        "Naloxona: ¿la llevo conmigo",
        "Por qué una pausa aumenta el riesgo",
        "Confidencial",
    ):
        assert words in pdf_text, words
    assert "Why a break raises the risk" not in pdf_text

    english = web.get(reverse("portal-plans", args=["overdose"]))
    assert "If someone may be overdosing" in _text(english)
    assert "Naloxona" not in _text(english)
    english_pdf = _pdf_text(web.get(reverse("portal-plans-pdf", args=["overdose"])).content)
    assert "Why a break raises the risk" in english_pdf and "Confidential" in english_pdf


def test_the_portal_plan_form_and_its_errors_are_in_spanish(
    login, client_user, client_chart, clinician
):
    plan_actions.save_plan(
        client_chart,
        by=clinician,
        kind="overdose",
        items=OVERDOSE,
        client_may_edit=["naloxone", "who_to_call"],
    )
    web = login(client_user)
    url = reverse("portal-plans-edit", args=["overdose"])
    _spanish_page(web.get(url, **ES), "Naloxona: ¿la llevo conmigo", "Una por línea. p. ej.")
    bad = web.post(url, {"naloxone": "", "who_to_call": "911"}, **ES)
    assert bad.status_code == 400
    assert "Escriba al menos una cosa: un plan completo necesita esta sección." in _text(bad)
    english = web.post(url, {"naloxone": "", "who_to_call": "911"})
    assert "Write at least one item: a complete plan needs this section." in _text(english)


def test_the_clients_record_download_stays_english_whatever_the_browser(
    login, client_user, client_chart, clinician
):
    import json

    from waypoint.diary import actions as diary_actions

    plan_actions.save_plan(client_chart, by=clinician, kind="overdose", items=OVERDOSE)
    diary_actions.add_entry(
        client_chart,
        by=client_user,
        source="client",
        day=client_chart.organization.today(),
        substance="alcohol",
        amount=Decimal("2"),
        unit="drinks",
    )
    response = login(client_user).get(reverse("privacy-portal-download", args=["json"]), **ES)
    assert response.status_code == 200
    data = json.dumps(
        json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    assert "Naloxone: do I carry it" in data and "Naloxona" not in data
    assert "g of alcohol = 2.0 US standard drinks" in data and "g de alcohol" not in data


def test_staff_plan_pages_and_record_exports_stay_english(
    login, clinician, client_chart, client_user
):
    from waypoint.privacy.records import build_parts

    plan_actions.save_plan(client_chart, by=clinician, kind="overdose", items=OVERDOSE)
    page = login(clinician).get(reverse("plans-detail", args=[client_chart.pk, "overdose"]), **ES)
    assert "If someone may be overdosing" in _text(page) and "Naloxona" not in _text(page)
    with translation.override("es"):
        part = next(p for p in build_parts(client_chart) if p.kind == InfoKind.SAFETY_PLANS)
    titles = [s["title"] for plan in part.data for s in plan["sections"]]
    assert "Naloxone: do I carry it, and where is it kept?" in titles


# Privacy pages


def _consent(chart, clinician, *, signed: bool, **fields):
    today = chart.organization.today()
    values = {
        "recipient_kind": RecipientKind.NAMED,
        "recipient_name": "Harbor Primary Care",
        "purpose": Purpose.TREATMENT,
        "info_kinds": [InfoKind.ATTENDANCE, InfoKind.SAFETY_PLANS],
        "expires_on": datetime.date(2027, 3, 4),
        "created_by": clinician,
    }
    values.update(fields)
    if signed:
        values.update(
            signature_method=SignatureMethod.PAPER,
            signature_authentication=SignatureAuthentication.STAFF_WITNESSED,
            signed_on=today - datetime.timedelta(days=1),
            signature_recorded_at=timezone.now(),
        )
    else:
        values["sent_for_signature_at"] = timezone.now()
    return Consent.objects.create(client=chart, **values)


def test_the_privacy_page_and_its_download_links_are_in_spanish(
    login, client_user, client_chart, clinician
):
    _consent(client_chart, clinician, signed=True)
    _consent(client_chart, clinician, signed=False, recipient_kind=RecipientKind.TPO)
    web = login(client_user)
    text = _spanish_page(
        web.get(reverse("privacy-portal"), **ES),
        "Su privacidad",
        "Sus consentimientos para compartir información",
        "Compartir con Harbor Primary Care",
        "Compartir con mis proveedores de tratamiento, planes de salud",
        "Tratamiento y coordinación de la atención",
        "asistencia: episodios de atención",
        "Vence el 4 de marzo de 2027",
        "Vigente",
        "Leer y firmar",
        "Quién recibió su información",
        "Descargar su expediente",
        "Copia para leer (PDF)",
        "Su informe de progreso (PDF)",
        "Copia legible por máquina (JSON)",
    )
    assert "Download your record" not in text and "Readable copy" not in text
    english = _text(web.get(reverse("privacy-portal")))
    assert "Your progress report (PDF)" in english and "Readable copy (PDF)" in english
    assert "Sharing with Harbor Primary Care" in english
    assert "Expires on March 4, 2027" in english


def test_signing_a_consent_in_spanish_shows_the_statements_and_errors_in_spanish(
    login, client_user, client_chart, clinician
):
    awaiting = _consent(client_chart, clinician, signed=False)
    web = login(client_user)
    url = reverse("privacy-portal-sign", args=[awaiting.pk])
    _spanish_page(
        web.get(url, **ES),
        "Consentimiento para compartir su información",
        "Puede revocar (cancelar) este consentimiento en cualquier momento",
        "No tiene que firmar.",
        "Escriba su nombre completo para firmar",
        "El consentimiento firmado se guarda en inglés",
        "Firmar",
    )
    bad = web.post(
        url, {"typed_name": "Robin Quillfeather", "agree": "on", "password": "wrong"}, **ES
    )
    assert bad.status_code == 200
    assert "Esa no es su contraseña." in _text(bad)
    awaiting.refresh_from_db()
    assert awaiting.status == ConsentStatus.AWAITING_SIGNATURE
    done = web.post(
        url,
        {"typed_name": "Robin Quillfeather", "agree": "on", "password": PASSWORD},
        follow=True,
        **ES,
    )
    assert "Gracias: firmó el consentimiento." in _text(done)
    awaiting.refresh_from_db()
    assert awaiting.status == ConsentStatus.ACTIVE
    # What is stored is the same whatever the language.
    assert awaiting.signature_method == SignatureMethod.E_SIGNATURE


def test_revoking_in_spanish(login, client_user, client_chart, clinician):
    consent = _consent(client_chart, clinician, signed=True)
    web = login(client_user)
    url = reverse("privacy-portal-revoke", args=[consent.pk])
    _spanish_page(
        web.get(url, **ES),
        "Revocar su consentimiento",
        "Compartir con Harbor Primary Care",
        "Sí, revocar este consentimiento",
        "Firmado",
    )
    done = web.post(url, {"confirm": "on"}, follow=True, **ES)
    assert "Revocó el consentimiento. No se compartirá nada más." in _text(done)
    consent.refresh_from_db()
    assert consent.revoked_at is not None


def test_the_accounting_of_disclosures_is_in_spanish(login, client_user, client_chart, clinician):
    consent = _consent(client_chart, clinician, signed=True)
    disclosure = privacy_actions.disclose(
        client_chart,
        by=clinician,
        consent=consent,
        recipient_name="Harbor Primary Care",
        recipient_role="treating_provider",
        purpose=Purpose.TREATMENT,
        kinds=[InfoKind.ATTENDANCE],
        method="fax",
    )
    Disclosure.objects.filter(pk=disclosure.pk).update(
        disclosed_at=datetime.datetime(2026, 5, 10, 17, tzinfo=datetime.UTC)
    )
    web = login(client_user)
    url = reverse("privacy-portal-accounting")
    _spanish_page(
        web.get(url, **ES),
        "Quién recibió su información",
        "Veces que se compartió su información",
        "Cuándo",
        "Permitido por",
        "Tratamiento y coordinación de la atención",
        "Asistencia: episodios de atención",
        "Su consentimiento firmado el",
    )
    assert re.search(r"10 de may\.? de 2026", _text(web.get(url, **ES)), re.I)
    bad = web.get(url, {"start": "2026-06-01", "end": "2026-05-01"}, **ES)
    assert "La fecha final es anterior a la fecha de inicio." in _text(bad)
    english = _text(web.get(url))
    assert "Times your records were shared" in english and "May 10, 2026" in english


# The idle warning, diary messages, units, progress messages, dates


def test_the_idle_warning_words_come_from_the_template(login, client_user):
    from django.contrib.staticfiles import finders

    body = login(client_user).get(reverse("portal-home"), **ES).content.decode()
    assert 'data-one-second="1 segundo"' in body
    assert 'data-seconds="{n} segundos"' in body
    assert "Lo que escribió se guarda en esta pestaña del navegador." in body
    english = login(client_user).get(reverse("portal-home")).content.decode()
    assert 'data-seconds="{n} seconds"' in english
    with open(finders.find("waypoint/session.js"), encoding="utf-8") as handle:
        script = handle.read()
    for words in ('" seconds"', '"1 second"', "Sign in again to get it back"):
        assert words not in script, words


def test_plausibility_and_unit_messages_are_english_until_shown():
    with translation.override("es"):
        # The rules answer in plain English (CSV rows, imports); forms translate them.
        assert plausibility.amount_problem("pills", 600) == (
            "More than 500 pills in a day is not possible to take."
        )
        with pytest.raises(units.UnitError) as caught:
            units.parse_volume("a glass")
        assert str(caught.value).startswith("cannot read the volume 'a glass'")
        assert caught.value.localized().startswith("no se puede leer el volumen 'a glass'")
        assert units.drink_word("US") == "bebidas estándar (US)"
        assert units.drink_word("UK", 1) == "unidad del Reino Unido"
    assert units.drink_word("US") == "US standard drinks"
    assert units.drink_word("UK", 1) == "UK unit"


def test_a_spanish_check_in_gets_plausibility_and_volume_errors_in_spanish(
    login, client_user, client_chart
):
    from waypoint.diary.models import DiaryEntry

    web = login(client_user)
    today = client_chart.organization.today().isoformat()
    url = reverse("diary-checkin")
    too_many = web.post(url, {"day": today, "substance": "cannabis", "amount": "150"}, **ES)
    assert too_many.status_code == 400
    assert "No es posible fumar más de 100 porros en un día." in _text(too_many)
    volume = web.post(
        url,
        {
            "day": today,
            "substance": "alcohol",
            "unit": "beverage",
            "beverage": "custom",
            "volume": "a glass",
            "abv": "5",
        },
        **ES,
    )
    assert volume.status_code == 400
    assert "No se puede leer el volumen" in _text(volume)
    unusual = web.post(url, {"day": today, "substance": "cannabis", "amount": "25"}, **ES)
    assert "Son muchos porros para un día." in _text(unusual)
    assert not DiaryEntry.objects.exists()
    english = web.post(url, {"day": today, "substance": "cannabis", "amount": "150"})
    assert "More than 100 joints in a day is not possible to smoke." in _text(english)


def test_progress_measure_messages_are_made_in_the_readers_language():
    from waypoint.reports.progress import PLAIN_NAMES, _measure_messages

    class Score:
        def __init__(self, total):
            self.total = total

    rows = [
        {
            "improved": True,
            "plain_name": None,
            "change": {"first": Score(18), "last": Score(7)},
        }
    ]
    with translation.override("es"):
        rows[0]["plain_name"] = translation.gettext(PLAIN_NAMES["phq-9"])
        assert _measure_messages(rows) == [
            "Su puntuación de estado de ánimo (PHQ-9) pasó de 18 a 7: un cambio lo bastante "
            "grande como para ser más que los altibajos habituales."
        ]
    rows[0]["plain_name"] = translation.gettext(PLAIN_NAMES["phq-9"])
    assert _measure_messages(rows)[0].startswith("Your mood (PHQ-9) score went from 18 to 7")
    assert PLAIN_NAMES["phq-9"] == "mood (PHQ-9)"  # stored/English form unchanged


def test_a_published_question_date_is_written_the_spanish_way(client, clinician):
    from waypoint.questions import actions as question_actions
    from waypoint.questions.models import Question

    asked = question_actions.receive_question(
        text="Does naloxone work on fentanyl?", language="es", consent_to_publish=True
    )
    question = question_actions.answer_question(
        asked,
        by=clinician,
        answer="Yes. Naloxone reverses fentanyl; a second dose may be needed.",
        publish=True,
        title="Naloxone and fentanyl",
        public_question="Does naloxone work on fentanyl?",
        new_tags=["naloxone"],
    )
    Question.objects.filter(pk=question.pk).update(
        published_at=datetime.datetime(2026, 12, 3, 17, tzinfo=datetime.UTC)
    )
    spanish = _text(client.get(question.get_absolute_url(), **ES))
    assert "3 de diciembre de 2026" in spanish, spanish
    english = _text(client.get(question.get_absolute_url()))
    assert "December 3, 2026" in english


@pytest.mark.parametrize("signed_in", [True, False])
def test_the_crisis_sentence_starts_lowercase_after_its_lead_in(rf, client_user, signed_in):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    template = Template(
        "{% load i18n helplines %}{% translate 'If you need help now,' %} "
        "{% crisis_lines compact=True kinds='none' %}"
    )
    request = rf.get("/")
    # A client of a clinic with lines, or nobody (no country: only the emergency sentence).
    request.user = client_user if signed_in else AnonymousUser()
    with translation.override("es"):
        spanish = re.sub(r"<[^>]+>", "", template.render(Context({"request": request})))
    with translation.override("en"):
        english = re.sub(r"<[^>]+>", "", template.render(Context({"request": request})))
    assert "Si necesita ayuda ahora, llame" in spanish, spanish
    assert "Llame" not in spanish
    assert "If you need help now, call" in english, english


def test_an_alcohol_check_in_in_spanish_says_the_amount_in_spanish_and_stores_the_same(
    login, client_user, client_chart
):
    from waypoint.diary.models import DiaryEntry

    web = login(client_user)
    today = client_chart.organization.today().isoformat()
    saved = web.post(
        reverse("diary-checkin"),
        {"day": today, "substance": "alcohol", "amount": "2", "unit": "drinks"},
        follow=True,
        **ES,
    )
    assert "28.0 g de alcohol = 2.0 bebidas estándar (US)" in _text(saved)
    assert "g of alcohol" not in _text(saved)
    entry = DiaryEntry.objects.get()
    assert (entry.amount, entry.unit, round(entry.alcohol_grams)) == (Decimal("2"), "drinks", 28)
    with translation.override("en"):
        assert entry.amount_text("US") == "28.0 g of alcohol = 2.0 US standard drinks"


# Emails to clients


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        ("Spanish, English", "es"),
        ("Español", "es"),
        ("castellano e inglés", "es"),
        ("English, some Spanish", "en"),
        ("Portuguese, Spanish", "es"),
        ("Portuguese", "en"),
        ("", "en"),
        (None, "en"),
        ("en casa habla es", "en"),  # Spanish words, not language names
    ],
)
def test_the_preferred_language_is_the_first_one_named(languages, expected):
    from waypoint.lib.languages import preferred_language

    assert preferred_language(languages) == expected


def test_an_appointment_reminder_goes_in_the_persons_language(client_chart, clinician, mailoutbox):
    import zoneinfo

    from waypoint.appointments import actions as appointment_actions
    from waypoint.appointments.models import Appointment
    from waypoint.appointments.tasks import send_due_reminders

    zone = zoneinfo.ZoneInfo("America/Los_Angeles")
    future = Appointment(
        client=client_chart,
        clinician=clinician,
        starts_at=datetime.datetime(2026, 12, 8, 14, 0, tzinfo=zone),
        duration_minutes=50,
    )
    assert appointment_actions.reminder_text(future, "es") == (
        "Tiene una cita el martes 8 de diciembre a las 14:00.\n\n"
        "Si no puede venir o quiere cambiar la hora, avísenos, por favor.\n"
    )
    with translation.override("es"):  # whatever is active, English for an English chart
        assert appointment_actions.reminder_text(future, "en").startswith(
            "You have an appointment on Tuesday 8 December at 14:00."
        )

    client_chart.languages = "Spanish, English"
    client_chart.save()
    appointment_actions.set_reminder_preference(
        client_chart, by=clinician, email_reminders=True, email="robin@example.test"
    )
    soon = appointment_actions.schedule_appointment(
        client_chart,
        by=clinician,
        clinician=clinician,
        starts_at=timezone.now() + datetime.timedelta(hours=20),
        duration_minutes=50,
    )
    assert send_due_reminders.call() == 1
    message = mailoutbox[0]
    assert message.subject == "Recordatorio de cita"
    assert message.body.startswith("Tiene una cita el ")
    assert message.body == appointment_actions.reminder_text(soon, "es")
    for word in ("clínica", "drogas", "alcohol", "robin"):
        assert word not in message.body.lower()


def test_every_portal_template_is_translatable():
    """A portal page or panel written without `{% load i18n %}` stays English for a Spanish
    reader (the medications page once did). Portal templates are named for it: `portal_*`,
    `_panel_portal*`, `_portal_*`, or kept under a `portal/` folder."""
    from pathlib import Path

    import waypoint

    root = Path(waypoint.__file__).parent / "templates"
    portal = [
        path
        for path in root.rglob("*.html")
        if "portal" in path.name or "portal" in path.relative_to(root).parts[:-1]
    ]
    assert len(portal) > 15
    untranslatable = [
        str(path.relative_to(root))
        for path in portal
        if not re.search(r"{%\s*load\b[^%]*\bi18n\b", path.read_text())
    ]
    assert untranslatable == []
