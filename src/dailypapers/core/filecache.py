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
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

CULL_INTERVAL_SECONDS = 10
# zlib's fastest level: a page rendered from scratch is stored at once, and level 6 (Django's
# default) took three times as long to compress a paper page for a few per cent less disk.
COMPRESS_LEVEL = 1

if TYPE_CHECKING:

    class _FileBasedCache(FileBasedCache):
        """Django's file cache with the private members used below, which django-stubs
        leaves out (Django 5.2's own signatures)."""

        _dir: str

        def _createdir(self) -> None: ...
        def _key_to_file(self, key: str, version: int | None = None) -> str: ...
        def _cull(self) -> None: ...

else:
    _FileBasedCache = FileBasedCache


class SharedFileCache(_FileBasedCache):
    _last_cull = float("-inf")

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
                    expires_at: float | None = pickle.load(f)
                    if expires_at is not None and expires_at < time.time():
                        raise ValueError(f"Key '{key}' not found")
                    value: int = pickle.loads(zlib.decompress(f.read()))
            except (FileNotFoundError, EOFError):
                raise ValueError(f"Key '{key}' not found") from None
            new_value = value + delta
            # Written in place of set(): set() culls, listing the whole folder each time.
            fd, tmp_path = tempfile.mkstemp(dir=self._dir)
            try:
                with open(fd, "wb") as f:
                    pickle.dump(expires_at, f, self.pickle_protocol)
                    f.write(zlib.compress(pickle.dumps(new_value, self.pickle_protocol)))
                os.replace(tmp_path, fname)
            except BaseException:
                os.remove(tmp_path)
                raise
            return new_value

    def _write_content(self, file: Any, timeout: float | None, value: Any) -> None:
        # Django's own layout (the expiry, then the compressed value): get() reads it as is.
        expiry = self.get_backend_timeout(timeout)
        file.write(pickle.dumps(expiry, self.pickle_protocol))
        file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol), COMPRESS_LEVEL))

    def _cull(self) -> None:
        # Django culls on every set(), listing the folder each time: thousands of cached
        # pages made each write cost milliseconds. Over MAX_ENTRIES for a few seconds is fine.
        now = time.monotonic()
        if now - self._last_cull < CULL_INTERVAL_SECONDS:
            return
        self._last_cull = now
        super()._cull()
