from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "waypoint.goals"
    label = "goals"
