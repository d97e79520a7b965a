"""`dailypapers run`: the whole service on one machine — web server, task worker, scheduler.

Used by `make run`. It migrates, optionally imports a sample file, then starts the three
processes and stops all of them cleanly on Ctrl-C (or when one of them dies).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from dailypapers.mail.outbox import where_mail_goes
from dailypapers.papers.models import Paper

STOP_GRACE = 10.0


def arxiv_reachable(timeout: float = 3.0) -> bool:
    parts = urlsplit(settings.ARXIV_RSS_URL)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            return True
    except OSError:
        return False


class Command(BaseCommand):
    help = "Run the web server, the task worker and the scheduler together (Ctrl-C stops all)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--sample", type=Path, help="import this JSON-lines file first")
        parser.add_argument("--web-workers", type=int, default=2)

    def _processes(self, options: dict[str, Any]) -> dict[str, list[str]]:
        cli = [sys.executable, "-m", "dailypapers"]
        if settings.TASK_BACKEND == "rq":
            worker = [*cli, "rqworker", "--job-class", "django_tasks_rq.Job", "default"]
        else:
            worker = [*cli, "db_worker", "--no-reload", "--interval", "1"]
        web = [
            sys.executable, "-m", "gunicorn", "dailypapers.wsgi",
            "--bind", f"{options['host']}:{options['port']}",
            "--workers", str(options["web_workers"]), "--threads", "4",
            "--access-logfile", "-", "--graceful-timeout", "5",
            # gunicorn's bare 414 starts at 4094; the app's styled one answers below this.
            "--limit-request-line", "8190",
            "--logger-class", "dailypapers.logredact.GunicornLogger",
        ]  # fmt: skip
        return {"web": web, "worker": worker, "scheduler": [*cli, "scheduler", "--loop"]}

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if options["sample"]:
            if not options["sample"].is_file():
                raise CommandError(f"SAMPLE file not found: {options['sample']}")
            call_command("ingest", "jsonl", str(options["sample"]))
        count = Paper.objects.count()
        if settings.TASK_BACKEND != "immediate" and arxiv_reachable():
            from dailypapers.papers.tasks import ingest_listings

            ingest_listings.enqueue(list(settings.ARXIV_CATEGORIES))
            self.stdout.write(
                f"fetching today's arXiv listings for {' '.join(settings.ARXIV_CATEGORIES)}"
            )
        else:
            self.stdout.write(f"offline: arXiv is unreachable, serving the {count:,} papers stored")

        children: dict[str, subprocess.Popen] = {}
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        os.environ["PORT"] = str(options["port"])  # the children's default SITE_URL
        for name, command in self._processes(options).items():
            children[name] = subprocess.Popen(command, start_new_session=True)
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"dailypapers is running at {url}  (Ctrl-C stops)"))
        self.stdout.write(where_mail_goes())

        failed = ""
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    failed = f"{name} exited with status {child.returncode}"
                    stopping = True
            time.sleep(0.3)
        self._stop_all(children)
        if failed:
            raise CommandError(f"stopped because the {failed}")
        self.stdout.write("stopped")

    def _stop_all(self, children: dict[str, subprocess.Popen]) -> None:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
