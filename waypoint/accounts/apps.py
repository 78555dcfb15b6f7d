from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "waypoint.accounts"
    label = "accounts"

    def ready(self):
        from waypoint.accounts import signals, twofactor  # noqa: F401
