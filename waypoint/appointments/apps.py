from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "waypoint.appointments"
    label = "appointments"
