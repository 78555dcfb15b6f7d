from django.db import models


class PeriodicTaskRun(models.Model):
    """When a periodic task (`waypoint.worker.periodic.PERIODIC_TASKS`) was last enqueued.

    One row per task path; workers claim a run by a conditional update of `last_run_at`, so two
    workers running side by side enqueue each due run once.
    """

    task_path = models.CharField(max_length=200, unique=True)
    last_run_at = models.DateTimeField()

    def __str__(self):
        return f"{self.task_path} (last {self.last_run_at:%Y-%m-%d %H:%M})"
