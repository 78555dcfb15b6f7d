"""What each export kind makes: bytes, a content type and a file name, with progress reported.

Called by the worker (`reports.tasks.run_export`) for the long exports, never in a request.
Each builder takes the job and a `progress(done, of)` callback and returns
`(body, content_type, filename)`.
"""

import datetime
import io
import zipfile

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from waypoint.privacy import records
from waypoint.privacy.documents import client_copy_context, render_document_pdf, render_pdf
from waypoint.reports.models import ExportKind
from waypoint.reports.program import program_report


def program_pdf(job, progress):
    first = datetime.date.fromisoformat(job.params["first"])
    last = datetime.date.fromisoformat(job.params["last"])

    def report_progress(done, of):
        progress(done, of + 1)  # the PDF rendering is the last step

    report = program_report(job.organization, first=first, last=last, progress=report_progress)
    html = render_to_string(
        "reports/program_document.html",
        {"report": report, "generated_at": timezone.now(), "for_pdf": True},
    )
    body = render_pdf(html)
    return body, "application/pdf", f"program-outcomes-{first}-to-{last}.pdf"


def record_pdf(job, progress):
    """The client's own record as a PDF (the portal's "Download your record")."""
    client = job.client
    # A record is English whoever asks (as the JSON and FHIR downloads: privacy.portal.download).
    with translation.override("en"):
        parts = records.build_parts(client, progress=lambda done, of: progress(done, of + 1))
        now = timezone.now()
        body = render_document_pdf(client_copy_context(client, parts, generated_at=now))
    stamp = client.organization.local_date(now).isoformat()
    return body, "application/pdf", f"my-record-{stamp}.pdf"


def _language(job) -> str:
    """The language the person used when they asked (`params["language"]`), if Waypoint has it."""
    code = job.params.get("language", "")
    return code if code in dict(settings.LANGUAGES) else "en"


def record_zip(job, progress):
    """Everything in one file: the record's PDF, JSON and FHIR copies and a README.txt.

    The record files are the same English copies as the separate downloads; the README, which
    says what each file is, is in the person's language. Built in memory: a record's three
    copies, compressed, are a few megabytes at most.
    """
    client = job.client
    now = timezone.now()
    stamp = client.organization.local_date(now).isoformat()
    with translation.override("en"):
        parts = records.build_parts(client, progress=lambda done, of: progress(done, of + 2))
        files = {
            f"my-record-{stamp}.json": records.record_json_text(client, parts).encode(),
            f"my-record-fhir-{stamp}.json": records.record_fhir_text(client, parts).encode(),
        }
        files[f"my-record-{stamp}.pdf"] = render_document_pdf(
            client_copy_context(client, parts, generated_at=now)
        )
    progress(len(records.RECORD_PARTS) + 1, len(records.RECORD_PARTS) + 2)
    with translation.override(_language(job)):
        readme = render_to_string(
            "reports/record_readme.txt",
            {"organization": client.organization.name, "made_on": stamp, "stamp": stamp},
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # Windows' Notepad and phones read UTF-8 text best with CRLF line ends and a BOM.
        archive.writestr("README.txt", "\ufeff" + readme.replace("\n", "\r\n"))
        for name in sorted(files):
            archive.writestr(name, files[name])
    return buffer.getvalue(), "application/zip", f"my-record-{stamp}.zip"


BUILDERS = {
    ExportKind.PROGRAM_PDF: program_pdf,
    ExportKind.RECORD_PDF: record_pdf,
    ExportKind.RECORD_ZIP: record_zip,
}
