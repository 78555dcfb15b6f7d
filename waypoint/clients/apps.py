from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "waypoint.clients"
    label = "clients"
