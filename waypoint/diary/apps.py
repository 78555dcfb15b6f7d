from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "waypoint.diary"
    label = "diary"
