from django.urls import path

from waypoint.privacy import portal, views

urlpatterns = [
    path("clients/<int:pk>/consents/", views.consent_list, name="privacy-consents"),
    path("clients/<int:pk>/consents/new/", views.consent_create, name="privacy-consent-create"),
    path(
        "clients/<int:pk>/consents/<int:consent_pk>/",
        views.consent_detail,
        name="privacy-consent-detail",
    ),
    path(
        "clients/<int:pk>/consents/<int:consent_pk>/edit/",
        views.consent_edit,
        name="privacy-consent-edit",
    ),
    path(
        "clients/<int:pk>/consents/<int:consent_pk>/send/",
        views.consent_send,
        name="privacy-consent-send",
    ),
    path(
        "clients/<int:pk>/consents/<int:consent_pk>/paper/",
        views.consent_paper,
        name="privacy-consent-paper",
    ),
    path(
        "clients/<int:pk>/consents/<int:consent_pk>/scan/",
        views.consent_scan,
        name="privacy-consent-scan",
    ),
    path(
        "clients/<int:pk>/consents/<int:consent_pk>/revoke/",
        views.consent_revoke,
        name="privacy-consent-revoke",
    ),
    path(
        "clients/<int:pk>/consents/<int:consent_pk>/expiry-event/",
        views.consent_expiry_event,
        name="privacy-consent-expiry-event",
    ),
    path("clients/<int:pk>/disclose/", views.disclose, name="privacy-disclose"),
    path(
        "clients/<int:pk>/disclosures/<int:disclosure_pk>/",
        views.disclosure_document,
        name="privacy-disclosure",
    ),
    path(
        "clients/<int:pk>/disclosures/<int:disclosure_pk>/pdf/",
        views.disclosure_pdf,
        name="privacy-disclosure-pdf",
    ),
    path("clients/<int:pk>/disclosures/", views.chart_accounting, name="privacy-chart-accounting"),
    path("clients/<int:pk>/close/", views.chart_close, name="privacy-chart-close"),
    path("clients/<int:pk>/retention/", views.chart_retention, name="privacy-chart-retention"),
    path("clients/<int:pk>/retention/purge/", views.chart_purge, name="privacy-chart-purge"),
    path(
        "clients/<int:pk>/retention/anonymize/",
        views.chart_anonymize,
        name="privacy-chart-anonymize",
    ),
    path("privacy/", views.privacy_settings, name="privacy-settings"),
    path("privacy/disclosures/", views.organization_accounting, name="privacy-accounting"),
    path("privacy/retention/", views.retention_list, name="privacy-retention"),
    path("portal/privacy/", portal.privacy_home, name="privacy-portal"),
    path(
        "portal/privacy/consents/<int:consent_pk>/sign/",
        portal.consent_sign,
        name="privacy-portal-sign",
    ),
    path(
        "portal/privacy/consents/<int:consent_pk>/revoke/",
        portal.consent_revoke,
        name="privacy-portal-revoke",
    ),
    path("portal/privacy/disclosures/", portal.accounting, name="privacy-portal-accounting"),
    path("portal/privacy/record/<str:fmt>/", portal.download, name="privacy-portal-download"),
]
