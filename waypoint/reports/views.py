"""Reports pages: progress reports (chart and portal), the program outcome report, export jobs.

Export jobs are only ever looked up within `ExportJob.objects.for_user(request.user)`: a job
somebody else asked for is a 404, indistinguishable from one that does not exist.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.views.decorators.http import require_GET, require_POST

from waypoint.accounts.decorators import client_required, permission_required, staff_required
from waypoint.accounts.roles import Permission
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.clients.access import get_client_for_user, portal_client_for_user
from waypoint.lib.csvstream import stream_csv
from waypoint.lib.dbrouter import reads_from_replica
from waypoint.lib.downloads import attachment
from waypoint.reports import actions
from waypoint.reports.forms import PeriodForm
from waypoint.reports.models import RECORD_KINDS, ExportJob, ExportKind
from waypoint.reports.program import PAIRS, csv_rows, program_report
from waypoint.reports.progress import CLIENT, CLINICIAN


def _pdf(body: bytes, filename: str) -> HttpResponse:
    return attachment(HttpResponse(body, content_type="application/pdf"), filename)


@require_GET
@staff_required
def progress_pdf(request, pk):
    """The clinician version, from the chart (care team use; audited as PRINT)."""
    client = get_client_for_user(request.user, pk, page="progress report").client
    body = actions.progress_report_pdf(client, by=request.user, audience=CLINICIAN, request=request)
    stamp = client.organization.today().isoformat()
    return _pdf(body, f"progress-{client.chart_number}-{stamp}.pdf")


@require_GET
@client_required
def portal_progress_pdf(request):
    """The client version, from the portal (their own record; audited as EXPORT)."""
    client = portal_client_for_user(request.user, page="progress report")
    body = actions.progress_report_pdf(client, by=request.user, audience=CLIENT, request=request)
    return _pdf(body, f"my-progress-{client.organization.today().isoformat()}.pdf")


def _portal_record(request, kind, params=None):
    client = portal_client_for_user(request.user, page="download record")
    return redirect(actions.request_export(kind, by=request.user, client=client, params=params))


@require_POST
@client_required
def portal_record_pdf(request):
    """The client's whole record as a PDF, made on the worker (large charts take a while)."""
    return _portal_record(request, ExportKind.RECORD_PDF)


@require_POST
@client_required
def portal_record_zip(request):
    """Everything in one file: the record's PDF, JSON and FHIR copies and a README, as a ZIP."""
    # The README inside is written in the language the person reads the portal in.
    return _portal_record(
        request, ExportKind.RECORD_ZIP, params={"language": translation.get_language()}
    )


@reads_from_replica
@require_GET
@permission_required(Permission.VIEW_PROGRAM_REPORTS)
def program(request):
    """The program outcome report: a page, `?format=csv` (streamed), and a PDF on the worker."""
    organization = request.user.organization
    form = PeriodForm(request.GET or None, today=organization.today())
    if form.is_bound and not form.is_valid():
        return TemplateResponse(
            request, "reports/program.html", {"form": form, "report": None}, status=400
        )
    first, last = form.period()
    report = program_report(organization, first=first, last=last)
    period = {"first": first.isoformat(), "last": last.isoformat()}
    if request.GET.get("format") == "csv":
        record(
            by=request.user,
            action=AuditAction.EXPORT,
            object_type="program_report",
            object_label="Program outcome report",
            detail={"format": "csv", **period},
        )
        return stream_csv(csv_rows(report), f"program-outcomes-{first}-to-{last}.csv")
    record(
        by=request.user,
        action=AuditAction.VIEW,
        object_type="program_report",
        object_label="Program outcome report",
        detail=period,
    )
    return TemplateResponse(
        request,
        "reports/program.html",
        {"form": form, "report": report, "period": period, "pairs": PAIRS},
    )


@require_POST
@permission_required(Permission.VIEW_PROGRAM_REPORTS)
def program_pdf(request):
    organization = request.user.organization
    form = PeriodForm(request.POST, today=organization.today())
    if not form.is_valid():
        return TemplateResponse(
            request, "reports/program.html", {"form": form, "report": None}, status=400
        )
    first, last = form.period()
    job = actions.request_export(
        ExportKind.PROGRAM_PDF,
        by=request.user,
        params={"first": first.isoformat(), "last": last.isoformat()},
    )
    return redirect(job)


def _own_job(request, job_pk) -> ExportJob:
    """The job, for the person who asked for it and still has the right to that kind of export.

    The right is the first request's, checked again on every look (a permission or a chart may
    have been taken away since): the program report needs VIEW_PROGRAM_REPORTS, a record export
    the chart's own portal account.
    """
    job = get_object_or_404(ExportJob.objects.for_user(request.user), pk=job_pk)
    if job.kind == ExportKind.PROGRAM_PDF and not request.user.can(Permission.VIEW_PROGRAM_REPORTS):
        raise Http404("No such export")
    if (
        job.kind in RECORD_KINDS
        and portal_client_for_user(request.user, page="export").pk != job.client_id
    ):
        raise Http404("No such export")
    return job


@require_GET
@login_required
def export_detail(request, job_pk):
    job = _own_job(request, job_pk)
    return TemplateResponse(request, "reports/export.html", {"job": job})


@require_GET
@login_required
def export_status(request, job_pk):
    """The progress fragment that the export page polls with htmx until the file is ready."""
    job = _own_job(request, job_pk)
    return TemplateResponse(request, "reports/_export_status.html", {"job": job})


@require_POST
@login_required
def export_retry(request, job_pk):
    """ "Try again" on a failed (or expired) export: a new job of the same kind and period."""
    job = _own_job(request, job_pk)
    if not job.can_retry():  # still running, or the file is waiting: nothing to ask again
        return redirect(job)
    return redirect(actions.retry_export(job, by=request.user))


@require_GET
@login_required
def export_download(request, job_pk):
    job = _own_job(request, job_pk)
    if not job.is_downloadable():
        raise Http404("This export is not ready or has expired")
    body = actions.download_export(job, by=request.user)
    return attachment(HttpResponse(body, content_type=job.content_type), job.filename)
