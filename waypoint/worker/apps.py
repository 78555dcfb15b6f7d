from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "waypoint.worker"
    label = "worker"
    verbose_name = "Background worker"
