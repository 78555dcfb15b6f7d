from django.urls import path

from waypoint.clinics import views

urlpatterns = [
    path("helplines/", views.helpline_directory, name="helplines"),
]
