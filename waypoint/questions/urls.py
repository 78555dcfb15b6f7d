from django.urls import path

from waypoint.questions import views

urlpatterns = [
    path("questions/", views.question_list, name="questions-list"),
    path("questions/ask/", views.ask, name="questions-ask"),
    path("questions/ask/received/", views.thanks, name="questions-thanks"),
    path("questions/queue/", views.queue, name="questions-queue"),
    path("questions/queue/<int:pk>/", views.moderate, name="questions-moderate"),
    path("questions/queue/<int:pk>/reject/", views.reject, name="questions-reject"),
    path(
        "questions/queue/<int:pk>/handled/", views.urgent_handled, name="questions-urgent-handled"
    ),
    path("questions/queue/<int:pk>/urgent/", views.mark_urgent, name="questions-mark-urgent"),
    path("questions/queue/<int:pk>/publish/", views.publish, name="questions-publish"),
    path("questions/<int:pk>/", views.detail, name="questions-detail"),
    path("questions/<int:pk>/vote/", views.vote, name="questions-vote"),
]
