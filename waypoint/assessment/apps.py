from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "waypoint.assessment"
    label = "assessment"
