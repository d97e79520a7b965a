"""Cache calls that never fail a request: the cache is an optimisation, not a dependency.

With the shared cache down (Redis stopped or unreachable) a read is a miss, a write is
skipped, and the caller takes its uncached path; one log line per process says so, at most
every ``LOG_EVERY_SECONDS``, so an outage does not flood the log.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import cache

logger = logging.getLogger("dailypapers.cache")
LOG_EVERY_SECONDS = 30.0
_last_logged = 0.0


def report_cache_error(operation: str, exc: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= LOG_EVERY_SECONDS or _last_logged == 0.0:
        _last_logged = now
        first_line = (str(exc).strip().splitlines() or [""])[0]
        logger.warning(
            "cache unavailable (%s: %s: %s); serving uncached",
            operation,
            type(exc).__name__,
            first_line,
        )


def cache_get(key: str, default: Any = None) -> Any:
    try:
        return cache.get(key, default)
    except Exception as exc:  # noqa: BLE001 - any cache failure is a miss
        report_cache_error("get", exc)
        return default


def cache_set(key: str, value: Any, timeout: float | None) -> bool:
    """True when stored."""
    try:
        cache.set(key, value, timeout)
        return True
    except Exception as exc:  # noqa: BLE001
        report_cache_error("set", exc)
        return False


def cache_add(key: str, value: Any, timeout: float | None) -> bool | None:
    """True when added, False when the key existed, None when the cache is unreachable."""
    try:
        return cache.add(key, value, timeout)
    except Exception as exc:  # noqa: BLE001
        report_cache_error("add", exc)
        return None


def cache_delete(key: str) -> None:
    try:
        cache.delete(key)
    except Exception as exc:  # noqa: BLE001
        report_cache_error("delete", exc)
