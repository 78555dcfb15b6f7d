from django.urls import path

from waypoint.clients import portal, views

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("clients/", views.client_list, name="clients-list"),
    path("clients/new/", views.client_create, name="clients-create"),
    path("clients/unassigned/", views.unassigned_charts, name="clients-unassigned"),
    path("clients/<int:pk>/", views.client_detail, name="clients-detail"),
    path("clients/<int:pk>/edit/", views.client_edit, name="clients-edit"),
    path("clients/<int:pk>/care-team/", views.care_team_edit, name="clients-care-team"),
    path("clients/<int:pk>/admit/", views.episode_admit, name="clients-admit"),
    path("clients/<int:pk>/discharge/", views.episode_discharge, name="clients-discharge"),
    path("clients/<int:pk>/contacts/add/", views.contact_add, name="clients-contact-add"),
    path("clients/<int:pk>/history/", views.client_history, name="clients-history"),
    path("clients/<int:pk>/access-log/", views.client_access_log, name="clients-access-log"),
    path("clients/<int:pk>/print/", views.client_print, name="clients-print"),
    path(
        "clients/<int:pk>/alerts/<int:alert_pk>/acknowledge/",
        views.alert_acknowledge,
        name="clients-alert-acknowledge",
    ),
    path("portal/", portal.portal_home, name="portal-home"),
]
