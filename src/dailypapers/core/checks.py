"""System checks of the deployment: run by every management command (`run`, `serve`,
`migrate`, `check`) before it does anything."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error

from dailypapers.core.webserver import process_local_cache

PROCESS_LOCAL_CACHE = "core.E001"


def shared_cache_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """The default cache must be shared by every process of the site.

    Even one node runs several processes (gunicorn workers, the task worker, the
    scheduler): rate limits, the page cache and "vectors changed" notices only hold when
    they all see one cache. Settings come from the environment, which can only choose the
    shared file cache or Redis; a process-local cache means a settings module overrode them.
    """
    backend = process_local_cache()
    if not backend:
        return []
    return [
        Error(
            f"the default cache ({backend}) lives inside one process, but the site always"
            " runs several (web workers, task workers, the scheduler, other nodes): rate"
            " limits would count per process and cached pages would not be invalidated"
            " across them.",
            hint="Leave CACHES to the settings (the shared file cache under DATA_DIR), or set"
            " REDIS_URL; several nodes need REDIS_URL. See docs/deploy.md.",
            id=PROCESS_LOCAL_CACHE,
        )
    ]
