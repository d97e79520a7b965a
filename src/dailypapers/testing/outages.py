"""Real outages for health tests: a database, a cache or a task queue that cannot be reached.

Nothing is mocked: each helper points a part at a place where it really fails (a SQLite file
that was removed, a PostgreSQL or Redis port nobody listens on, a port that accepts and never
answers), through the same settings production reads, and pytest's monkeypatch puts it back.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from dailypapers.testing.redis_server import free_port


def break_database(monkeypatch: pytest.MonkeyPatch, alias: str, tmp_path: Path) -> None:
    """New connections of ``alias`` fail: its SQLite file is gone, or nothing listens on its
    PostgreSQL port. Connections already open (the test's own) are left as they are."""
    settings_dict = connections.settings[alias]
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        removed = tmp_path / "removed.sqlite3"
        removed.write_bytes(b"")
        removed.unlink()
        monkeypatch.setitem(settings_dict, "NAME", str(removed))
    else:
        monkeypatch.setitem(settings_dict, "HOST", "127.0.0.1")
        monkeypatch.setitem(settings_dict, "PORT", str(free_port()))


def add_broken_database(monkeypatch: pytest.MonkeyPatch, alias: str, tmp_path: Path) -> None:
    """A second database alias, a copy of the default's, that cannot be reached."""
    copy: dict[str, Any] = {**connections.settings["default"]}
    copy["OPTIONS"] = {**copy.get("OPTIONS", {})}
    copy["TEST"] = {**copy.get("TEST", {})}
    monkeypatch.setitem(connections.settings, alias, copy)
    break_database(monkeypatch, alias, tmp_path)


def closed_redis_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


def redis_cache_at(url: str, timeout: float = 2.0) -> dict[str, Any]:
    """A CACHES entry for Redis at ``url`` with short socket timeouts."""
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
    }


@contextmanager
def silent_server() -> Iterator[str]:
    """A TCP port that accepts connections and never answers: a hung server. Yields its
    redis:// URL."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"


def unreachable_rq_queues(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every RQ queue points at a Redis port nobody listens on."""
    from django_rq.settings import QUEUES

    for name, config in list(QUEUES.items()):
        monkeypatch.setitem(QUEUES, name, {**config, "URL": closed_redis_url()})
