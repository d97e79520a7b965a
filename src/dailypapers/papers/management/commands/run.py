"""`dailypapers run`: the whole service on one machine — web server, task worker, scheduler.

Used by `make run`. It checks the port, migrates, optionally imports a sample file (once:
an unchanged file is skipped), then starts the three processes and keeps them running: a
child that exits is restarted with backoff, a few times a minute at most (papers/supervisor.py).
Ctrl-C or SIGTERM stops all of them, giving the worker time to finish its message in flight.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from argparse import ArgumentParser
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from dailypapers.core.metrics import reset_multiprocess_dir
from dailypapers.core.models import ScheduledJob
from dailypapers.core.webserver import gunicorn_command
from dailypapers.mail.outbox import where_mail_goes
from dailypapers.papers import sample_import, worker_recovery
from dailypapers.papers.models import Paper
from dailypapers.papers.supervisor import Child, RestartLimitReached, Supervisor


def stop_grace() -> float:
    """Seconds children get to stop: a message in flight may wait for SMTP that long."""
    return max(15.0, float(settings.EMAIL_TIMEOUT) + 5.0)


def arxiv_reachable(timeout: float = 3.0) -> bool:
    parts = urlsplit(settings.ARXIV_RSS_URL)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            return True
    except OSError:
        return False


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


class Command(BaseCommand):
    help = "Run the web server, the task worker and the scheduler together (Ctrl-C stops all)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--sample", type=Path, help="import this JSON-lines file first")
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument(
            "--max-restarts", type=int, default=5,
            help="restarts of one child within --restart-window before everything stops",
        )  # fmt: skip
        parser.add_argument("--restart-window", type=float, default=60.0, help="seconds")

    def _children(self, options: dict[str, Any]) -> list[Child]:
        cli = [sys.executable, "-m", "dailypapers"]
        run_pid = os.getpid()

        def worker(generation: int) -> list[str]:
            if settings.TASK_BACKEND == "rq":
                # --with-scheduler: tasks queued with run_after (email and digest retries)
                # wait in RQ's scheduled registry until a scheduler moves them.
                return [*cli, "rqworker", "--with-scheduler", "--job-class", "django_tasks_rq.Job",
                        "default"]  # fmt: skip
            worker_id = worker_recovery.worker_id(run_pid, generation)
            return [*cli, "db_worker", "--no-reload", "--interval", "1", "--worker-id", worker_id]

        web = gunicorn_command(f"{options['host']}:{options['port']}", options["web_workers"])
        return [
            Child("web", lambda _generation: web),
            Child("worker", worker),
            Child("scheduler", lambda _generation: [*cli, "scheduler", "--loop"]),
        ]

    def _say(self, line: str) -> None:
        self.stderr.write(line)
        self.stderr.flush()

    def _before_start(self, child: Child) -> None:
        """Before a worker starts: take back what a dead one held, and check digests now.

        Best effort: with the database down (the reason the worker died, perhaps) the
        worker starts anyway, and the next digest check or lease does the same later.
        """
        if child.name != "worker" or settings.TASK_BACKEND != "db":
            return
        run_pid, live = os.getpid(), None  # no generation of ours is alive at this point
        try:
            worker_recovery.reclaim_tasks(
                lambda worker: worker_recovery.dead_run_worker(worker, run_pid, live)
            )
            # The digest check takes back deliveries a dead worker left "sending" (claims.py).
            ScheduledJob.objects.filter(name="check-digests").update(next_run_at=datetime.now(UTC))
        except DatabaseError as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            self.stderr.write(f"could not take back the dead worker's tasks yet: {first}")
            connections.close_all()

    def _collect_static(self) -> None:
        try:
            call_command("collectstatic", interactive=False, verbosity=0)
        except OSError as exc:
            manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
            if not manifest.exists():
                raise CommandError(
                    f"cannot collect static files into {settings.STATIC_ROOT}: {exc.strerror}"
                ) from None
            self.stdout.write(
                f"collectstatic failed ({exc.strerror}); serving the static files collected before"
            )

    def _import_sample(self, sample: Path) -> None:
        if not sample.is_file():
            raise CommandError(f"SAMPLE file not found: {sample}")
        if Paper.objects.exists() and sample_import.already_imported(sample):
            self.stdout.write(f"{sample} is imported already (unchanged): skipping the import")
            return
        call_command("ingest", "jsonl", str(sample))
        sample_import.remember(sample)

    def banner(self, url: str) -> list[str]:
        """The lines printed once everything runs (one line per fact, easy to extend)."""
        return [f"dailypapers is running at {url}  (Ctrl-C stops)", where_mail_goes()]

    def handle(self, *args: Any, **options: Any) -> None:
        if port_in_use(options["host"], options["port"]):
            raise CommandError(
                f"port {options['port']} is in use: try make run PORT={options['port'] + 1}"
                f" (or dailypapers run --port {options['port'] + 1})"
            )
        call_command("migrate", interactive=False, verbosity=0)
        self._collect_static()
        if settings.METRICS_TOKEN:
            # Every child writes its metrics here from now on; counts start from zero.
            reset_multiprocess_dir(settings.METRICS_MULTIPROC_DIR)
        if options["sample"]:
            self._import_sample(options["sample"])
        count = Paper.objects.count()
        if settings.TASK_BACKEND != "immediate" and arxiv_reachable():
            from dailypapers.papers.tasks import ingest_listings

            ingest_listings.enqueue(list(settings.ARXIV_CATEGORIES))
            self.stdout.write(
                f"fetching today's arXiv listings for {' '.join(settings.ARXIV_CATEGORIES)}"
            )
        else:
            self.stdout.write(f"offline: arXiv is unreachable, serving the {count:,} papers stored")

        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        os.environ["PORT"] = str(options["port"])  # the children's default SITE_URL
        supervisor = Supervisor(
            self._children(options),
            say=self._say,
            max_restarts=options["max_restarts"],
            window=options["restart_window"],
            before_start=self._before_start,
        )
        supervisor.start()
        url = f"http://{options['host']}:{options['port']}/"
        for line in self.banner(url):
            self.stdout.write(self.style.SUCCESS(line))
        self.stdout.flush()

        failed = ""
        while not stopping:
            try:
                supervisor.check()
            except RestartLimitReached as exc:
                failed = str(exc)
                break
            time.sleep(0.3)
        grace = stop_grace()
        killed = supervisor.stop(grace)
        if failed:
            raise CommandError(f"stopped: {failed}")
        if killed:
            raise CommandError(
                f"stopped, but the {' and '.join(killed)} did not stop within {grace:.0f} s"
                " and had to be killed (its work is taken back at the next start)"
            )
        self.stdout.write("stopped")
