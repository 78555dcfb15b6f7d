from django.urls import path

from waypoint.notes import views

urlpatterns = []
