"""The client's record, everything in one file: a ZIP made on the worker with the readable PDF,
the JSON, the FHIR bundle and a README in the person's language."""

import io
import json
import zipfile

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.reports.models import ExportJob, ExportKind, ExportStatus

pytestmark = pytest.mark.django_db

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


def _zip(web, capture, **headers):
    with capture(execute=True):
        response = web.post(reverse("reports-portal-record-zip"), **headers)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.kind, job.status) == (ExportKind.RECORD_ZIP, ExportStatus.DONE)
    download = web.get(reverse("reports-export-download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"].startswith('attachment; filename="my-record-')
    return job, zipfile.ZipFile(io.BytesIO(download.content))


def test_the_zip_holds_the_three_copies_and_a_readme(
    login, client_user, client_chart, django_capture_on_commit_callbacks
):
    web = login(client_user)
    job, archive = _zip(web, django_capture_on_commit_callbacks)
    assert archive.testzip() is None
    names = archive.namelist()
    stamp = job.filename.removeprefix("my-record-").removesuffix(".zip")
    assert sorted(names) == sorted(
        [
            "README.txt",
            f"my-record-{stamp}.pdf",
            f"my-record-{stamp}.json",
            f"my-record-fhir-{stamp}.json",
        ]
    )
    assert archive.read(f"my-record-{stamp}.pdf").startswith(b"%PDF")
    record = json.loads(archive.read(f"my-record-{stamp}.json"))
    assert record["format"] == "waypoint-client-record"
    assert record["demographics"]["legal_name"] == "Robin Quillfeather"
    assert record["chart_number"] == client_chart.chart_number
    bundle = Bundle.model_validate_json(archive.read(f"my-record-fhir-{stamp}.json"))
    assert "Patient" in {e.resource.__resource_type__ for e in bundle.entry}
    readme = archive.read("README.txt").decode("utf-8-sig")
    assert readme.startswith(f"Your record at {client_chart.organization.name}")
    assert f"my-record-fhir-{stamp}.json" in readme and "FHIR R4B" in readme
    assert "\r\n" in readme
    # Asked for and downloaded, both audited against the chart, by Robin.
    events = AuditEvent.objects.filter(object_type="reports.exportjob").order_by("id")
    assert [(e.action, e.detail["step"], e.detail["kind"], e.actor_id) for e in events] == [
        (AuditAction.EXPORT, "requested", "record_zip", client_user.pk),
        (AuditAction.EXPORT, "downloaded", "record_zip", client_user.pk),
    ]
    assert {e.client_id for e in events} == {client_chart.pk}


def test_the_readme_is_in_the_persons_language_and_the_record_stays_english(
    login, client_user, client_chart, django_capture_on_commit_callbacks
):
    web = login(client_user)
    job, archive = _zip(web, django_capture_on_commit_callbacks, **ES)
    assert job.params == {"language": "es"}
    readme = archive.read("README.txt").decode("utf-8-sig")
    assert readme.startswith(f"Su expediente en {client_chart.organization.name}")
    assert "Your record at" not in readme
    stamp = job.filename.removeprefix("my-record-").removesuffix(".zip")
    record = json.loads(archive.read(f"my-record-{stamp}.json"))
    assert record["demographics"]["legal_name"] == "Robin Quillfeather"
    page = web.get(reverse("reports-export", args=[job.pk]), **ES).content.decode()
    assert "Su expediente, todo en un archivo (ZIP)" in page


def test_the_privacy_page_offers_the_zip(login, client_user):
    body = login(client_user).get(reverse("privacy-portal")).content.decode()
    assert f'action="{reverse("reports-portal-record-zip")}"' in body
    assert "Everything in one file (ZIP)" in body


def test_only_the_client_asks_for_their_zip(login, client, clinician, admin):
    url = reverse("reports-portal-record-zip")
    assert client.post(url).status_code == 302  # anonymous: to sign in
    assert login(clinician).post(url).status_code == 403
    assert login(admin).post(url).status_code == 403
    assert not ExportJob.objects.exists()


def test_the_zip_is_post_only(login, client_user):
    assert login(client_user).get(reverse("reports-portal-record-zip")).status_code == 405
