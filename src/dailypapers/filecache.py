"""The embedded default's cache: files under DATA_DIR, shared by every process.

A local-memory cache gave each gunicorn worker its own rate-limit counters (two workers let
through twice the limit). Django's file cache is shared, but its ``add`` (exists, then
write) and ``incr`` (read, then write) are two steps: two workers counting at once could
both "add" the first attempt or lose an increment. Here both run under an exclusive
``flock`` on one lock file, so counters are exact across processes; plain gets and sets
(cached pages) take no lock.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache


class SharedFileCache(FileBasedCache):
    @contextmanager
    def _locked(self) -> Iterator[None]:
        self._createdir()
        fd = os.open(os.path.join(self._dir, "counters.lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def add(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        with self._locked():
            return super().add(key, value, timeout, version)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        # BaseCache.incr would get, then set with the default timeout; this keeps the key's
        # own expiry (a counter's window is not stretched) and holds the lock throughout.
        with self._locked():
            fname = self._key_to_file(key, version)
            try:
                with open(fname, "rb") as f:
                    expires_at = pickle.load(f)
                    if expires_at is not None and expires_at < time.time():
                        raise ValueError(f"Key '{key}' not found")
                    value = pickle.loads(zlib.decompress(f.read()))
            except (FileNotFoundError, EOFError):
                raise ValueError(f"Key '{key}' not found") from None
            new_value = value + delta
            timeout = None if expires_at is None else max(expires_at - time.time(), 0.001)
            self.set(key, new_value, timeout, version)
            return new_value
