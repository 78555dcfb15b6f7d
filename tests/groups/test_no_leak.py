"""No other member's name or chart number ever reaches a member's chart, record download
(JSON, FHIR, PDF), or disclosure document; nor does the shared part of the group note.

For each person at the session (three roster members and a drop-in), every rendering of their
chart is scanned for every other person's legal name, preferred name and chart number, and for
the shared part's words; their own part must be there."""

import base64
import datetime
import io
import json

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.groups.conftest import MEMBERS
from waypoint.privacy import actions as privacy_actions
from waypoint.privacy.documents import (
    DOCUMENT_TEMPLATE,
    client_copy_context,
    disclosure_context,
    render_document_pdf,
)
from waypoint.privacy.models import (
    Consent,
    InfoKind,
    Purpose,
    RecipientKind,
    SignatureAuthentication,
    SignatureMethod,
)
from waypoint.privacy.records import build_parts, record_fhir_bundle, record_json

pytestmark = pytest.mark.django_db

OWN_WORDS = {number: word for number, _, _, word in MEMBERS}
SHARED_WORDS = ["Sheltering-mackerel", "festival", "Festival season", "listened"]


def _identities(chart) -> list[str]:
    # Surnames alone as well: "Tavi Thistledown" in the shared part is neither stored name.
    names = [chart.legal_name, chart.legal_name.split()[-1], chart.chart_number]
    if chart.preferred_name:
        names.append(chart.preferred_name)
    return names


def _fhir_text(chart, parts) -> str:
    bundle = record_fhir_bundle(chart, parts)
    text = bundle.model_dump_json()
    for entry in json.loads(text)["entry"]:
        for content in entry["resource"].get("content", []):
            text += base64.b64decode(content["attachment"]["data"]).decode()
    return text


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _disclosure_html(chart, by) -> str:
    today = chart.organization.today()
    kinds = list(InfoKind.values)
    consent = Consent.objects.create(
        client=chart,
        recipient_kind=RecipientKind.NAMED,
        recipient_name="Eastside Community Health",
        purpose=Purpose.TREATMENT,
        info_kinds=kinds,
        expires_on=today + datetime.timedelta(days=90),
        created_by=by,
        signature_method=SignatureMethod.PAPER,
        signature_authentication=SignatureAuthentication.STAFF_WITNESSED,
        signed_on=today - datetime.timedelta(days=1),
        signature_recorded_at=timezone.now(),
    )
    disclosure = privacy_actions.disclose(
        chart,
        by=by,
        consent=consent,
        recipient_name="Dr. Ana Lee",
        recipient_organization="Eastside Community Health",
        recipient_role="treating_provider",
        purpose=Purpose.TREATMENT,
        kinds=kinds,
        method="fax",
    )
    return render_to_string(DOCUMENT_TEMPLATE, disclosure_context(disclosure)) + disclosure.snapshot


def _renderings(chart, web, clinician) -> dict[str, str]:
    parts = build_parts(chart)
    page = web.get(reverse("clients-detail", args=[chart.pk]))
    assert page.status_code == 200
    now = timezone.now()
    return {
        "chart page": page.content.decode(),
        "record JSON": json.dumps(record_json(chart, parts), ensure_ascii=False),
        "record FHIR": _fhir_text(chart, parts),
        "record PDF": _pdf_text(
            render_document_pdf(client_copy_context(chart, parts, generated_at=now))
        ),
        "record HTML": render_to_string(
            DOCUMENT_TEMPLATE, client_copy_context(chart, parts, generated_at=now)
        ),
        "disclosure": _disclosure_html(chart, clinician),
    }


def test_no_other_member_appears_in_any_rendering_of_a_chart(group_world, login, clinician):
    web = login(clinician)
    people = [*group_world["members"], group_world["drop_in"]]
    for chart in people:
        others = [o for o in people if o.pk != chart.pk]
        for where, text in _renderings(chart, web, clinician).items():
            assert "Tuesday open group" in text, (chart.chart_number, where)
            own = OWN_WORDS.get(chart.chart_number, "saffronwood")
            assert own in text, (chart.chart_number, where)
            for other in others:
                for identity in _identities(other):
                    assert identity not in text, (chart.chart_number, where, identity)
                other_word = OWN_WORDS.get(other.chart_number, "saffronwood")
                assert other_word not in text, (chart.chart_number, where, other_word)
            for word in SHARED_WORDS:
                assert word not in text, (chart.chart_number, where, word)


def test_the_chart_panel_reads_as_group_name_date_own_part(group_world, login, clinician):
    chart = group_world["members"][0]
    html = login(clinician).get(reverse("clients-detail", args=[chart.pk])).content.decode()
    assert "Group: Tuesday open group, Mar 3, 2026" in html
    assert "Own part: spoke about the periwinkle plan." in html


def test_the_portal_download_holds_only_the_own_part(group_world, client_user, login):
    web = login(client_user)
    body = web.get(reverse("privacy-portal-download", args=["json"])).content.decode()
    assert "saffronwood" in body
    for chart in group_world["members"]:
        for identity in _identities(chart):
            assert identity not in body
    assert "Sheltering-mackerel" not in body
