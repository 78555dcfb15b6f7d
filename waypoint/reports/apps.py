from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "waypoint.reports"
    label = "reports"
    verbose_name = "Reports and exports"
