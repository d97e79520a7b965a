"""`dailypapers serve`: the web server alone, for systemd units and other supervisors.

It becomes gunicorn (exec, same process id, so systemd's stop signal reaches gunicorn's
master directly) with the flags `dailypapers run` uses. The system checks run first, as for
every command: a process-local cache (core.E001) stops it before any request is served.
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from dailypapers.core.webserver import gunicorn_command


class Command(BaseCommand):
    help = "Run the web server (gunicorn) in the foreground: the production entry point."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--bind", default="127.0.0.1:8000", help="host:port or unix:/path/to/socket"
        )
        parser.add_argument("--web-workers", type=int, default=2, help="gunicorn processes")
        parser.add_argument("--threads", type=int, default=4, help="threads per process")

    def handle(self, *args: Any, **options: Any) -> None:
        command = gunicorn_command(options["bind"], options["web_workers"], options["threads"])
        self.stdout.write(f"serving on {options['bind']}: {' '.join(command[1:])}")
        self.stdout.flush()
        os.execv(command[0], command)
