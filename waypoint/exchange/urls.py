from django.urls import path

from waypoint.exchange import views

urlpatterns = [
    path("clients/<int:pk>/fhir.json", views.export_bundle, name="exchange-export"),
    path("clients/import/fhir/", views.import_bundle, name="exchange-import"),
]
