from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "waypoint.clinics"
    label = "clinics"
