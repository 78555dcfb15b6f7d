from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "waypoint.plans"
    label = "plans"
