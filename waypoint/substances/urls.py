from django.urls import path

from waypoint.substances import views

urlpatterns = [
    path("combinations/", views.check_combination, name="substances-combination"),
]
