from django.urls import path

from waypoint.reports import views

urlpatterns = [
    path("clients/<int:pk>/progress-report.pdf", views.progress_pdf, name="reports-progress-pdf"),
    path("portal/progress-report.pdf", views.portal_progress_pdf, name="reports-portal-progress"),
    path("portal/record/pdf/", views.portal_record_pdf, name="reports-portal-record-pdf"),
    path("portal/record/zip/", views.portal_record_zip, name="reports-portal-record-zip"),
    path("reports/program/", views.program, name="reports-program"),
    path("reports/program/pdf/", views.program_pdf, name="reports-program-pdf"),
    path("exports/<int:job_pk>/", views.export_detail, name="reports-export"),
    path("exports/<int:job_pk>/status/", views.export_status, name="reports-export-status"),
    path("exports/<int:job_pk>/retry/", views.export_retry, name="reports-export-retry"),
    path("exports/<int:job_pk>/download/", views.export_download, name="reports-export-download"),
]
