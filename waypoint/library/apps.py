from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "waypoint.library"
    label = "library"
    verbose_name = "Public library"
