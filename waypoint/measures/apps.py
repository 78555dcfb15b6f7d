from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "waypoint.measures"
    label = "measures"
