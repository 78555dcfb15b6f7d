from django.urls import path

from waypoint.measures import norms, portal, views

urlpatterns = [
    path("measures/", views.library, name="measures-library"),
    # Before measures/<instrument_id>/, which would take "norms" for an instrument id.
    path("measures/norms/", norms.norm_list, name="measures-norms"),
    path(
        "measures/norms/<int:measurenorm_pk>/remove/",
        norms.norm_remove,
        name="measures-norms-remove",
    ),
    path("measures/norms/<str:instrument_id>/", norms.norm_edit, name="measures-norms-edit"),
    path("measures/<str:instrument_id>/", views.instrument_detail, name="measures-instrument"),
    path(
        "measures/<str:instrument_id>/questionnaire.json",
        views.instrument_questionnaire,
        name="measures-questionnaire",
    ),
    path("clients/<int:pk>/measures/", views.client_measures, name="measures-list"),
    path("clients/<int:pk>/measures/assign/", views.assign_measure, name="measures-assign"),
    path("clients/<int:pk>/measures/schedules/", views.schedule_create, name="measures-schedule"),
    path(
        "clients/<int:pk>/measures/schedules/<int:schedule_pk>/stop/",
        views.schedule_stop,
        name="measures-schedule-stop",
    ),
    path(
        "clients/<int:pk>/measures/record/<str:instrument_id>/",
        views.record_measure,
        name="measures-record",
    ),
    path(
        "clients/<int:pk>/measures/history/<str:instrument_id>/",
        views.measure_history,
        name="measures-history",
    ),
    path("clients/<int:pk>/measures/<int:adm_pk>/", views.measure_detail, name="measures-detail"),
    path(
        "clients/<int:pk>/measures/<int:adm_pk>/correct/",
        views.correct_measure,
        name="measures-correct",
    ),
    path(
        "clients/<int:pk>/measures/<int:adm_pk>/cancel/",
        views.cancel_measure,
        name="measures-cancel",
    ),
    path("clients/<int:pk>/measures/<int:adm_pk>/fhir/", views.measure_fhir, name="measures-fhir"),
    path("portal/measures/<int:adm_pk>/", portal.complete, name="portal-measure"),
    path("portal/measures/<int:adm_pk>/sent/", portal.done, name="portal-measure-done"),
]
