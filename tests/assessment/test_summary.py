"""The one-page drug, set and setting summary: its page (print CSS) and its PDF."""

import datetime
import io

import pytest
from django.urls import reverse

from waypoint.accounts.models import User
from waypoint.assessment import actions
from waypoint.assessment.models import CELLS
from waypoint.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 2, 10)


def _pdf(body: bytes):
    pypdf = pytest.importorskip("pypdf")
    return pypdf.PdfReader(io.BytesIO(body))


def _text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in _pdf(body).pages)


@pytest.fixture
def assessed(client_chart, clinician, client_user):
    """Robin: cocaine assessed (two versions), a stage and two balances; priorities."""
    actions.save_drug_set_setting(
        client_chart,
        by=clinician,
        substance="cocaine",
        noted_on=DAY - datetime.timedelta(days=30),
        amount_and_frequency="An older amount that is no longer current",
    )
    actions.save_drug_set_setting(
        client_chart,
        by=clinician,
        substance="cocaine",
        noted_on=DAY,
        amount_and_frequency="Weekends, two or three lines",
        route="snorted",
        age_first_use=19,
        does_for_them="Confidence at the club",
        costs_them="Rent money by Tuesday",
        continuum_client="use",
        continuum_clinician="misuse",
        set_notes="Expects to keep control",
        setting_notes="Flatmates use too; supportive brother",
    )
    actions.record_stage(
        client_chart, by=clinician, substance="cocaine", stage="contemplation", noted_on=DAY
    )
    actions.record_stage(
        client_chart,
        by=clinician,
        substance="alcohol",
        stage="maintenance",
        noted_on=DAY - datetime.timedelta(days=3),
    )
    actions.save_balance(
        client_chart,
        by=clinician,
        substance="cocaine",
        noted_on=DAY - datetime.timedelta(days=20),
        benefits_of_using="An earlier balance cell",
    )
    actions.save_balance(
        client_chart,
        by=client_user,
        substance="cocaine",
        noted_on=DAY - datetime.timedelta(days=2),
        by_client=True,
        benefits_of_using="Dancing all night",
        costs_of_using="Broke by Tuesday",
        benefits_of_changing="Savings for a van",
        costs_of_changing="Missing the crew",
    )
    actions.save_priorities(
        client_chart,
        by=client_user,
        order=["money", "housing", "work", "health", "relationships", "substance_use", "legal"],
        note="The van first",
        noted_on=DAY - datetime.timedelta(days=1),
        by_client=True,
    )
    return client_chart


def test_summary_page_shows_the_current_version_of_each_tool(login, clinician, assessed):
    response = login(clinician).get(reverse("assessment-summary", args=[assessed.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Drug, set and setting: Robin" in page
    assert "as of Feb 10, 2026, recorded by Maya" in page
    for text in (
        "Weekends, two or three lines",
        "Snorted",
        '<th scope="row">Age of first use</th><td>19</td>',
        "Confidence at the club",
        "Rent money by Tuesday",
        "The person: Use · the clinician: Misuse",
        "Expects to keep control",
        "Flatmates use too; supportive brother",
        "Contemplation",
        "Maintenance",  # alcohol: a stage without an assessment still shows
        "Dancing all night",
        "Savings for a van",
        "written by the person",
        "ordered by the person in the portal",
        "<li>Money</li>",
        "The van first",
    ):
        assert text in page, text
    assert "An older amount" not in page  # earlier versions stay in the chart
    assert "An earlier balance cell" not in page
    assert page.index("<li>Money</li>") < page.index("<li>Housing</li>")
    assert reverse("assessment-summary-pdf", args=[assessed.pk]) in page
    assert "summary.css" in page


def test_summary_page_is_audited_as_a_print(login, clinician, assessed):
    login(clinician).get(reverse("assessment-summary", args=[assessed.pk]))
    event = AuditEvent.objects.filter(action=AuditAction.PRINT, client_id=assessed.pk).get()
    assert event.detail == {
        "document": "assessment summary",
        "format": "html",
        "substances": ["alcohol", "cocaine"],
    }
    assert "Rent" not in str(event.detail) and "Robin" not in event.object_label


def test_summary_pdf_is_a_one_page_pdf_with_the_summary_and_is_audited(login, clinician, assessed):
    response = login(clinician).get(reverse("assessment-summary-pdf", args=[assessed.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "C-001" not in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    assert len(_pdf(response.content).pages) == 1
    text = _text(response.content)
    assert "Drug, set and setting: Robin" in text
    assert "Rent money by Tuesday" in text and "Savings for a van" in text
    assert "An older amount" not in text
    event = AuditEvent.objects.filter(action=AuditAction.PRINT, client_id=assessed.pk).get()
    assert event.detail["format"] == "pdf"


def test_four_substances_filled_to_the_brim_still_fit_one_page(login, clinician, client_chart):
    long_text = "Word " * 400
    for substance in ("alcohol", "cannabis", "cocaine", "opioids"):
        actions.save_drug_set_setting(
            client_chart,
            by=clinician,
            substance=substance,
            noted_on=DAY,
            amount_and_frequency=long_text,
            does_for_them=long_text,
            costs_them=long_text,
            set_notes=long_text,
            setting_notes=long_text,
            route="other",
        )
        actions.record_stage(
            client_chart, by=clinician, substance=substance, stage="action", noted_on=DAY
        )
        actions.save_balance(
            client_chart,
            by=clinician,
            substance=substance,
            noted_on=DAY,
            **dict.fromkeys(CELLS, long_text),
        )
    actions.save_priorities(
        client_chart,
        by=clinician,
        order=["money", "housing", "work", "health", "relationships", "substance_use", "legal"],
        note=long_text,
        noted_on=DAY,
    )
    response = login(clinician).get(reverse("assessment-summary-pdf", args=[client_chart.pk]))
    assert len(_pdf(response.content).pages) == 1
    page = login(clinician).get(reverse("assessment-summary", args=[client_chart.pk]))
    assert "Word Word" in page.content.decode() and "…" in page.content.decode()
    assert long_text.strip() not in page.content.decode()


def test_empty_chart_says_nothing_is_recorded(login, clinician, client_chart):
    web = login(clinician)
    page = web.get(reverse("assessment-summary", args=[client_chart.pk])).content.decode()
    assert "nothing recorded yet" in page
    pdf = web.get(reverse("assessment-summary-pdf", args=[client_chart.pk]))
    assert pdf.status_code == 200
    assert "No stage of change" in _text(pdf.content)


def test_other_clinic_404_client_403_anonymous_login_wrong_method_405(
    login, client, other_clinician, client_user, clinician, client_chart
):
    for name in ("assessment-summary", "assessment-summary-pdf"):
        url = reverse(name, args=[client_chart.pk])
        client.logout()
        assert client.get(url).status_code == 302
        assert login(other_clinician).get(url).status_code == 404
        assert login(client_user).get(url).status_code == 403
        assert login(clinician).post(url).status_code == 405
    assert not AuditEvent.objects.filter(action=AuditAction.PRINT).exists()


def test_chart_panel_links_the_summary(login, clinician, client_chart):
    page = login(clinician).get(client_chart.get_absolute_url()).content.decode()
    assert reverse("assessment-summary", args=[client_chart.pk]) in page
    assert reverse("assessment-summary-pdf", args=[client_chart.pk]) in page


@pytest.mark.slow  # builds the whole demo
def test_every_demo_summary_fits_one_page(client):
    from waypoint.assessment.models import DrugSetSetting
    from waypoint.clinics.demo import build_demo

    demo = build_demo()
    client.force_login(
        User.objects.get(email="admin@demo.test"),  # reads every chart
        backend="django.contrib.auth.backends.ModelBackend",
    )
    assessed = {row.client_id for row in DrugSetSetting.objects.all()}
    charts = [c for c in demo.clients if c.pk in assessed]
    assert len(charts) >= 2
    for chart in charts:
        response = client.get(reverse("assessment-summary-pdf", args=[chart.pk]))
        assert response.status_code == 200, chart.chart_number
        assert len(_pdf(response.content).pages) == 1, chart.chart_number
    marisol = demo.clients[0]
    text = _text(client.get(reverse("assessment-summary-pdf", args=[marisol.pk])).content)
    assert "Oaxaca" in text  # her own decisional balance, written in the portal


def test_summary_queries_do_not_grow_with_versions(
    client_chart, clinician, assessed, django_assert_num_queries
):
    from waypoint.assessment.summary import summary_for

    with django_assert_num_queries(4):
        before = summary_for(client_chart)
    for n in range(5):
        actions.save_drug_set_setting(
            client_chart, by=clinician, substance="opioids", noted_on=DAY, set_notes=f"v{n}"
        )
        actions.save_balance(
            client_chart, by=clinician, substance="opioids", noted_on=DAY, costs_of_using=f"v{n}"
        )
    with django_assert_num_queries(4):
        after = summary_for(client_chart)
    assert after.substance_codes == [*before.substance_codes, "opioids"]
    assert after.substances[-1].dss.set_notes == "v4"
    assert after.text_limit < before.text_limit  # three substances share the page now
