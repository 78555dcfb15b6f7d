from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "waypoint.audit"
    label = "audit"

    def ready(self):
        from waypoint.audit import signals  # noqa: F401
