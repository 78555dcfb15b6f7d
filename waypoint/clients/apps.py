from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "waypoint.clients"
    label = "clients"

    def ready(self):
        from waypoint.clients import checks  # noqa: F401  (registers the database checks)
