from django.urls import path

from waypoint.notes import views

urlpatterns = [
    path("clients/<int:pk>/notes/", views.note_list, name="notes-list"),
    path("clients/<int:pk>/notes/new/", views.note_add, name="notes-add"),
    path("clients/<int:pk>/notes/<int:note_pk>/", views.note_detail, name="notes-detail"),
    path("clients/<int:pk>/notes/<int:note_pk>/edit/", views.note_edit, name="notes-edit"),
    path("clients/<int:pk>/notes/<int:note_pk>/sign/", views.note_sign, name="notes-sign"),
    path(
        "clients/<int:pk>/notes/<int:note_pk>/addendum/",
        views.note_addendum,
        name="notes-addendum",
    ),
    path("clients/<int:pk>/notes/<int:note_pk>/delete/", views.note_delete, name="notes-delete"),
    path("clients/<int:pk>/notes/<int:note_pk>/cosign/", views.note_cosign, name="notes-cosign"),
    path("clients/<int:pk>/notes/<int:note_pk>/return/", views.note_return, name="notes-return"),
    path("supervision/", views.supervision_queue, name="notes-supervision"),
    path(
        "supervision/<int:supervisee_pk>/notes/",
        views.supervision_notes,
        name="notes-supervision-notes",
    ),
    path("notes/settings/", views.note_settings, name="notes-settings"),
    path("notes/formats/new/", views.template_add, name="notes-template-add"),
    path(
        "notes/formats/<int:notetemplate_pk>/active/",
        views.template_toggle,
        name="notes-template-toggle",
    ),
]
