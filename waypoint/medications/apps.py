from django.apps import AppConfig


class MedicationsConfig(AppConfig):
    name = "waypoint.medications"
    label = "medications"
