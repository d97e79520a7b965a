"""`dailypapers scheduler [--loop]`: enqueue recurring jobs when they are due."""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand

from dailypapers.papers.scheduling import next_wakeup, run_due

MAX_SLEEP = 60.0  # wake up at least this often, to pick up changed schedules


class Command(BaseCommand):
    help = "Enqueue the recurring jobs that are due (daily ingest, …); --loop keeps running."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running until SIGTERM")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if options["loop"]:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        while True:
            now = datetime.now(UTC)
            for name in run_due(now):
                self.stdout.write(f"{now:%Y-%m-%d %H:%M:%S} UTC enqueued {name}")
            if not options["loop"]:
                return
            pause = (next_wakeup(now) - datetime.now(UTC)).total_seconds()
            if stop.wait(timeout=min(max(pause, 1.0), MAX_SLEEP)):
                self.stdout.write("scheduler stopped")
                return
