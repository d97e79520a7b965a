"""`dailypapers scheduler [--loop]`: enqueue recurring jobs when they are due.

With ``--loop`` it runs until SIGTERM and outlives its dependencies: a dropped database
connection (a PostgreSQL restart, ``pg_terminate_backend``) or a Redis outage is logged in
one line and retried after a pause that doubles up to ``MAX_BACKOFF``; the loop never exits
on such an error.
"""

from __future__ import annotations

import logging
import signal
import threading
from argparse import ArgumentParser
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections

from dailypapers.core.scheduling import next_wakeup, run_due

logger = logging.getLogger("dailypapers.scheduler")
MAX_SLEEP = 60.0  # wake up at least this often, to pick up changed schedules
FIRST_BACKOFF = 1.0  # seconds before the first retry after an error, doubling
MAX_BACKOFF = 8.0  # a dependency that comes back is used again within this time


def describe(exc: BaseException) -> str:
    """One line: the error's class and its first line of text."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


class Command(BaseCommand):
    help = "Enqueue the recurring jobs that are due (daily ingest, …); --loop keeps running."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running until SIGTERM")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["loop"]:
            self._enqueue_due()
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        backoff = FIRST_BACKOFF
        while not stop.is_set():
            try:
                # Drop connections that broke or outlived their age, as a request would.
                close_old_connections()
                pause = self._enqueue_due()
                backoff = FIRST_BACKOFF
            except Exception as exc:  # noqa: BLE001 - any failure is retried; see docstring
                logger.error("scheduler: %s; retrying in %.0f s", describe(exc), backoff)
                # A connection that failed mid-transaction is useless: open a fresh one.
                connections.close_all()
                pause, backoff = backoff, min(backoff * 2, MAX_BACKOFF)
            stop.wait(timeout=pause)
        self.stdout.write("scheduler stopped")

    def _enqueue_due(self) -> float:
        """Queue what is due; the seconds until the next job is due (1 to MAX_SLEEP)."""
        now = datetime.now(UTC)
        for name in run_due(now):
            self.stdout.write(f"{now:%Y-%m-%d %H:%M:%S} UTC enqueued {name}")
        self.stdout.flush()
        pause = (next_wakeup(now) - datetime.now(UTC)).total_seconds()
        return min(max(pause, 1.0), MAX_SLEEP)
