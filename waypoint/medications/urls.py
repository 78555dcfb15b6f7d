from django.urls import path

from waypoint.medications import views

urlpatterns = [
    path("clients/<int:pk>/medications/", views.medication_list, name="medications-list"),
    path("clients/<int:pk>/medications/add/", views.medication_add, name="medications-add"),
    path(
        "clients/<int:pk>/medications/<int:medication_pk>/edit/",
        views.medication_edit,
        name="medications-edit",
    ),
    path(
        "clients/<int:pk>/medications/diagnoses/add/",
        views.diagnosis_add,
        name="medications-diagnosis-add",
    ),
    path(
        "clients/<int:pk>/medications/allergies/add/",
        views.allergy_add,
        name="medications-allergy-add",
    ),
    path(
        "clients/<int:pk>/medications/coordination/add/",
        views.coordination_add,
        name="medications-coordination-add",
    ),
    path("portal/medications/", views.portal_medications, name="medications-portal"),
]
