"""Every download names its file through one helper, so no user value can add header parameters."""

import email.message
import pathlib
import re
import urllib.parse

import pytest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from waypoint.clients.models import Client
from waypoint.lib.downloads import attachment, attachment_header, safe_filename
from waypoint.measures import actions as measure_actions

HOSTILE = [
    'a"; filename=evil.html',
    "report\r\nSet-Cookie: session=stolen.csv",
    "report\nX-Injected: 1.csv",
    "../../etc/passwd",
    "..\\..\\boot.ini",
    "name; filename*=UTF-8''evil.html",
    "tab\there\x00nul\x7fdel.pdf",
    "line\u2028separator\u2029.pdf",
]


def _params(header: str) -> list[tuple[str, str]]:
    """The header's parameters as a mail parser (RFC 2231/6266 aware) reads them."""
    message = email.message.Message()
    message["Content-Disposition"] = header
    return message.get_params(header="content-disposition")


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_filenames_make_one_harmless_parameter(name):
    header = attachment_header(name)
    assert "\r" not in header and "\n" not in header and "\x00" not in header
    params = _params(header)
    assert params[0] == ("attachment", "")
    assert [key for key, _ in params[1:]] == ["filename"]  # nothing injected beside it
    filename = params[1][1]
    assert not re.search(r'["\\/;\x00-\x1f\x7f]', filename)
    assert not filename.startswith(".")


def test_the_injection_attempt_stays_inside_the_quoted_name():
    assert (
        attachment_header('a"; filename=evil.html')
        == 'attachment; filename="a__ filename=evil.html"'
    )


def test_unicode_names_get_an_ascii_fallback_and_rfc_6266_filename_star():
    header = attachment_header("Zoë-été-文件.pdf")
    assert header == (
        'attachment; filename="Zoe-ete-__.pdf"; '
        "filename*=utf-8''Zo%C3%AB-%C3%A9t%C3%A9-%E6%96%87%E4%BB%B6.pdf"
    )
    encoded = header.partition("filename*=utf-8''")[2]
    assert urllib.parse.unquote(encoded, errors="strict") == "Zoë-été-文件.pdf"  # exact name


def test_plain_names_pass_unchanged_and_empty_names_get_a_default():
    assert (
        attachment_header("consent-3-signed.pdf") == 'attachment; filename="consent-3-signed.pdf"'
    )
    assert safe_filename("") == "download"
    assert safe_filename("\r\n . ") == "download"
    assert len(safe_filename("x" * 500 + ".json")) == 120
    assert safe_filename("x" * 500 + ".json").endswith(".json")


def test_downloads_are_never_stored():
    response = attachment(HttpResponse("x"), "a.csv")
    assert response["Cache-Control"] == "no-store, private"


def test_no_content_disposition_is_built_outside_the_helper():
    root = pathlib.Path(__file__).resolve().parents[2] / "waypoint"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "downloads.py"
        and re.search(r"Content-Disposition|attachment;", path.read_text(), re.IGNORECASE)
    ]
    assert offenders == []


def test_a_hostile_chart_number_cannot_bend_the_fhir_download(login, clinician, client_chart):
    # A chart number saved before validation existed (the ORM update skips validators;
    # 20 characters at most, as the column allows).
    Client.objects.filter(pk=client_chart.pk).update(chart_number='C"; filename=x.html')
    administration = measure_actions.record_administration(
        client_chart,
        by=clinician,
        instrument_id="phq-9",
        answers=[0, 0, 0, 0, 0, 0, 0, 0, 0],
        administered_at=timezone.now(),
    )
    response = login(clinician).get(
        reverse("measures-fhir", args=[client_chart.pk, administration.pk])
    )
    assert response.status_code == 200
    params = _params(response["Content-Disposition"])
    assert [key for key, _ in params] == ["attachment", "filename"]
    assert params[1][1] == f"C__ filename=x.html-phq-9-{administration.pk}.json"
    assert response["Cache-Control"] == "no-store, private"
