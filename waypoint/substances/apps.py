from django.apps import AppConfig


class SubstancesConfig(AppConfig):
    name = "waypoint.substances"
    label = "substances"
    verbose_name = "Substances and combinations"
