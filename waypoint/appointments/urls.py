from django.urls import path

from waypoint.appointments import views

urlpatterns = [
    path("clients/<int:pk>/appointments/", views.appointment_list, name="appointments-list"),
    path("clients/<int:pk>/appointments/add/", views.appointment_add, name="appointments-add"),
    path(
        "clients/<int:pk>/appointments/drop-in/",
        views.appointment_drop_in,
        name="appointments-drop-in",
    ),
    path(
        "clients/<int:pk>/appointments/<int:appointment_pk>/",
        views.appointment_edit,
        name="appointments-edit",
    ),
    path(
        "clients/<int:pk>/appointments/reminders/",
        views.reminder_preference,
        name="appointments-reminders",
    ),
    path(
        "portal/appointments/reminders/",
        views.portal_reminders,
        name="appointments-portal-reminders",
    ),
    path("appointments/week/", views.week, name="appointments-week"),
    path("appointments/settings/", views.appointment_settings, name="appointments-settings"),
    path("appointments/feed/", views.feed_settings, name="appointments-feed-settings"),
    path("appointments/feed/<str:secret>.ics", views.feed, name="appointments-feed"),
]
