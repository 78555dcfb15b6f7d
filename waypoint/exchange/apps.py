from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "waypoint.exchange"
    label = "exchange"
    verbose_name = "FHIR exchange"
