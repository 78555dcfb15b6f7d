from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ApiConfig(AppConfig):
    name = "waypoint.api"
    label = "api"
    verbose_name = "HTTP API"

    def ready(self):
        from waypoint.api import checks

        # Sent once per app after each migrate; the sender filter makes it once per migrate.
        post_migrate.connect(checks.create_cache_tables, sender=self, dispatch_uid="cache-tables")
