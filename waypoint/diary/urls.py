from django.urls import path

from waypoint.diary import views

urlpatterns = [
    path("clients/<int:pk>/diary/", views.diary_list, name="diary-list"),
    path("clients/<int:pk>/diary/add/", views.entry_add, name="diary-add"),
    path("clients/<int:pk>/diary/no-use/", views.no_use, name="diary-no-use"),
    path("clients/<int:pk>/diary/<int:entry_pk>/edit/", views.entry_edit, name="diary-edit"),
    path("clients/<int:pk>/diary/<int:entry_pk>/delete/", views.entry_delete, name="diary-delete"),
    path("clients/<int:pk>/diary/timeline/", views.timeline_followback, name="diary-tlfb"),
    path("clients/<int:pk>/diary/anchors/add/", views.anchor_add, name="diary-anchor-add"),
    path(
        "clients/<int:pk>/diary/anchors/<int:anchor_pk>/delete/",
        views.anchor_delete,
        name="diary-anchor-delete",
    ),
    path("reports/outcomes/", views.report, name="diary-report"),
    path("settings/diary/", views.diary_settings, name="diary-settings"),
    path("portal/diary/", views.checkin, name="diary-checkin"),
    path("portal/diary/no-use/", views.portal_no_use, name="diary-portal-no-use"),
    path("portal/diary/week/", views.week, name="diary-week"),
    path(
        "portal/diary/<int:entry_pk>/delete/",
        views.portal_entry_delete,
        name="diary-portal-delete",
    ),
]
