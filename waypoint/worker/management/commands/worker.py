import logging
import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands import db_worker

from waypoint.worker.periodic import enqueue_due


class Command(BaseCommand):
    help = (
        "Run background tasks (emails, rebuilds) and enqueue the periodic ones; "
        "Ctrl-C stops it after the task at hand. See docs/deployment.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait between looks for new tasks (default 1)",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Enqueue the periodic tasks that are due, run every queued task, then exit",
        )

    def handle(self, *, interval, batch, verbosity, **options):
        if interval < 0:
            raise CommandError("--interval must be zero or more seconds")
        if not isinstance(task_backends["default"], DatabaseBackend):
            raise CommandError(
                "the default TASKS backend is not django_tasks_db.DatabaseBackend: "
                "tasks already run where they are enqueued, there is nothing for a worker to do"
            )
        # The database backend's own worker runs the queue; this loop adds the periodic tasks.
        db_worker.Command(stdout=self.stdout._out, stderr=self.stderr._out).configure_logging(
            verbosity
        )
        worker = db_worker.Worker(
            queue_names=["*"],
            excluded_queue_names=[],
            interval=0,
            batch=True,  # each run() drains the queue and returns, so periodic tasks get a turn
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
        )
        signals = [signal.SIGINT, signal.SIGTERM] + (
            [signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else []
        )
        previous = {sig: signal.getsignal(sig) for sig in signals}
        worker.configure_signals()  # first Ctrl-C: finish the current task, then stop
        try:
            while True:
                close_old_connections()
                enqueue_due()
                worker.run()
                if batch or not worker.running:
                    return
                if verbosity < 2:  # "starting"/"no more tasks" once a second is noise
                    logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
                time.sleep(interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
