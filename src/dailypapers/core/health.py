"""/healthz (the process answers) and /readyz (it can serve: database, cache, task queue).

Both are answered by ``HealthProbeMiddleware``, first in MIDDLEWARE, before anything else
looks at the request: a load balancer or systemd probe reaches a node by its own address
(``Host: 10.0.0.5:8001``, plain http), which ALLOWED_HOSTS and SECURE_SSL_REDIRECT would
otherwise answer with a 400 or a redirect. Neither needs a session, a cookie or the page
cache, and neither is rate limited: a probe every few seconds must never be refused.

/healthz touches nothing but the process. /readyz runs each check in a thread of its own
with a deadline (CHECK_TIMEOUT_SECONDS), so a database or Redis that hangs rather than
refuses makes the answer a quick 503 instead of a stuck worker; a check still hanging from
the previous probe is reported as failing without starting another. The body names each part
and says ``ok`` or why not, in a word: the details, which name hosts and paths, go to the log.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers

from dailypapers.core import dbprobe, taskqueue

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 3.0
OK = "ok"


def _part_name(kind: str, alias: str) -> str:
    return kind if alias == "default" else f"{kind}:{alias}"


def check_database(alias: str) -> None:
    """A new connection reads a table every migrated database has."""
    dbprobe.query_table(alias, MigrationRecorder.Migration._meta.db_table)


def check_cache(alias: str) -> None:
    """A value written to the cache reads back (rate limits and the page cache need both)."""
    cache = caches.create_connection(alias)
    key = f"readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, OK, timeout=30)
        if cache.get(key) != OK:
            raise RuntimeError("a value written to the cache did not read back")
        cache.delete(key)
    finally:
        cache.close()


def check_queue() -> None:
    taskqueue.ping(CHECK_TIMEOUT_SECONDS)


def readiness_checks() -> dict[str, Callable[[], None]]:
    """Every part /readyz checks, by the name it reports."""
    checks: dict[str, Callable[[], None]] = {}
    for alias in connections.settings:
        checks[_part_name("database", alias)] = partial(check_database, alias)
    for alias in settings.CACHES:
        checks[_part_name("cache", alias)] = partial(check_cache, alias)
    checks["queue"] = check_queue
    return checks


class _Probe:
    """One check running in a thread of its own; ``error`` is what it raised, if anything."""

    def __init__(self, name: str, check: Callable[[], None]) -> None:
        self.check = check
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name=f"readyz-{name}", daemon=True)

    def _run(self) -> None:
        try:
            self.check()
        except BaseException as exc:  # reported, whatever it is
            self.error = exc


_running: dict[str, _Probe] = {}
_running_lock = threading.Lock()


def _start(name: str, check: Callable[[], None]) -> _Probe | str:
    with _running_lock:
        previous = _running.get(name)
        if previous is not None and previous.thread.is_alive():
            return "still no answer to the previous check"
        probe = _running[name] = _Probe(name, check)
        probe.thread.start()
    return probe


def run_checks(timeout: float | None = None) -> dict[str, str]:
    """Each part's name -> "ok" or a short reason, all within ``timeout`` seconds."""
    deadline = CHECK_TIMEOUT_SECONDS if timeout is None else timeout
    ends_at = time.monotonic() + deadline
    started = {name: _start(name, check) for name, check in readiness_checks().items()}
    results: dict[str, str] = {}
    for name, probe in started.items():
        if isinstance(probe, str):
            results[name] = probe
            continue
        # The checks run side by side: each join waits only for what is left of the deadline.
        probe.thread.join(max(0.0, ends_at - time.monotonic()))
        if probe.thread.is_alive():
            results[name] = f"no answer within {deadline:g} s"
        elif probe.error is not None:
            results[name] = type(probe.error).__name__
            logger.warning("readiness: %s is failing: %s", name, probe.error)
        else:
            results[name] = OK
    return results


def _answer(body: str, status: int, content_type: str) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type=content_type)
    add_never_cache_headers(response)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def healthz(request: HttpRequest) -> HttpResponse:
    return _answer("ok\n", 200, "text/plain; charset=utf-8")


def readyz(request: HttpRequest) -> HttpResponse:
    results = run_checks()
    failing = sorted(name for name, result in results.items() if result != OK)
    body = {"status": "failing" if failing else OK, "failing": failing, "checks": results}
    response = _answer(json.dumps(body) + "\n", 503 if failing else 200, "application/json")
    # run_checks logged each failure with its details; Django's "Service Unavailable"
    # error line on every probe would only repeat it.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": healthz,
    "/readyz": readyz,
}


class HealthProbeMiddleware:
    """Answers /healthz and /readyz (with or without a trailing slash) before any other
    middleware: no host check, no HTTPS redirect, no session, no cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        probe = PROBES.get(request.path_info.rstrip("/") or "/")
        if probe is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return probe(request)
