"""gunicorn settings for the web server: ``gunicorn -c python:dailypapers.core.gunicorn_conf``.

Only hooks live here; the command line (``dailypapers run``, the systemd unit) keeps the
rest, so one file serves every layout.
"""

from __future__ import annotations

from gunicorn.arbiter import Arbiter
from gunicorn.workers.base import Worker

from dailypapers.core.metrics import mark_process_dead


def child_exit(server: Arbiter, worker: Worker) -> None:
    """A web worker exited: prometheus-client drops its live gauges (its counts stay)."""
    mark_process_dead(int(worker.pid))  # typed str in the stubs, an int at run time
