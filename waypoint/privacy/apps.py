from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "waypoint.privacy"
    label = "privacy"
