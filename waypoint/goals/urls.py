from django.urls import path

from waypoint.goals import views

urlpatterns = [
    path("clients/<int:pk>/goals/", views.goal_list, name="goals-list"),
    path("clients/<int:pk>/goals/add/", views.goal_add, name="goals-add"),
    path("clients/<int:pk>/goals/<int:goal_pk>/edit/", views.goal_edit, name="goals-edit"),
]
