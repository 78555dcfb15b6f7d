from django.urls import path

from waypoint.groups import views

urlpatterns = [
    path("groups/", views.group_list, name="groups-list"),
    path("groups/new/", views.group_add, name="groups-add"),
    path("groups/<int:therapygroup_pk>/", views.group_detail, name="groups-detail"),
    path("groups/<int:therapygroup_pk>/edit/", views.group_edit, name="groups-edit"),
    path("groups/<int:therapygroup_pk>/members/", views.group_members, name="groups-members"),
    path(
        "groups/<int:therapygroup_pk>/members/<int:membership_pk>/leave/",
        views.member_leave,
        name="groups-member-leave",
    ),
    path(
        "groups/<int:therapygroup_pk>/sessions/new/", views.session_add, name="groups-session-add"
    ),
    path(
        "groups/<int:therapygroup_pk>/sessions/<int:groupsession_pk>/",
        views.session_detail,
        name="groups-session",
    ),
]
