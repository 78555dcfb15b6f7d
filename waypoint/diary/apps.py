from django.apps import AppConfig
from django.db.models.signals import post_migrate


def build_missing_running_totals(sender, using="default", **kwargs):
    """After `waypoint migrate`: a database that has diary days but no running totals (one
    migrated from before diary/0003) gets them built once, so any-window reports are right at
    once. Runs with the current models, after every migration, never inside one."""
    from django.db import connections

    from waypoint.diary.models import DayRollup, RunningTotal
    from waypoint.diary.rollups import rebuild_rollups

    tables = set(connections[using].introspection.table_names())
    if not {DayRollup._meta.db_table, RunningTotal._meta.db_table} <= tables:
        return  # a partial migrate (`waypoint migrate audit 0002`): not there yet
    if DayRollup.objects.using(using).exists() and not RunningTotal.objects.using(using).exists():
        rebuild_rollups()


class DiaryConfig(AppConfig):
    name = "waypoint.diary"
    label = "diary"

    def ready(self):
        post_migrate.connect(build_missing_running_totals, sender=self)
