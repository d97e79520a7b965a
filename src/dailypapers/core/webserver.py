"""How the web server is started: one gunicorn command line for `run`, `serve` and systemd.

`dailypapers run` starts it as a child beside the worker and the scheduler; `dailypapers
serve` (the production entry point, deploy/systemd/dailypapers-web.service) replaces itself
with it. Both go through ``gunicorn_command`` so the flags cannot drift apart.
"""

from __future__ import annotations

import sys

from django.conf import settings

# Caches that live inside one process: with several processes (gunicorn workers, task
# workers, a second node) each keeps its own counts and pages, so rate limits multiply and
# a change said by one process (vectors.changed, a cleared page) never reaches the others.
PROCESS_LOCAL_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)


def process_local_cache() -> str:
    """The default cache's backend when it is process-local, else ""."""
    backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    return backend if backend in PROCESS_LOCAL_CACHES else ""


# gunicorn's default access line plus the request id the app answered with.
ACCESS_LOG_FORMAT = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s'
)


def gunicorn_command(bind: str, workers: int, threads: int = 4) -> list[str]:
    """The gunicorn command line serving the site on ``bind`` (host:port or unix:PATH)."""
    return [
        sys.executable, "-m", "gunicorn", "dailypapers.wsgi",
        "--bind", bind,
        "--workers", str(workers), "--threads", str(threads),
        "--access-logfile", "-", "--graceful-timeout", "5",
        # gunicorn's bare 414 starts at 4094; the app's styled one answers below this.
        "--limit-request-line", "8190",
        "--logger-class", "dailypapers.core.logredact.GunicornLogger",
        "--access-logformat", ACCESS_LOG_FORMAT,
        # Its child_exit hook tells prometheus-client a worker is gone (METRICS_TOKEN).
        "--config", "python:dailypapers.core.gunicorn_conf",
    ]  # fmt: skip
