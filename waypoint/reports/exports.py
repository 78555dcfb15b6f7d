"""What each export kind makes: bytes, a content type and a file name, with progress reported.

Called by the worker (`reports.tasks.run_export`) for the long exports, never in a request.
Each builder takes the job and a `progress(done, of)` callback and returns
`(body, content_type, filename)`.
"""

import datetime

from django.template.loader import render_to_string
from django.utils import timezone

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
    parts = records.build_parts(client, progress=lambda done, of: progress(done, of + 1))
    now = timezone.now()
    body = render_document_pdf(client_copy_context(client, parts, generated_at=now))
    stamp = client.organization.local_date(now).isoformat()
    return body, "application/pdf", f"my-record-{stamp}.pdf"


BUILDERS = {
    ExportKind.PROGRAM_PDF: program_pdf,
    ExportKind.RECORD_PDF: record_pdf,
}
