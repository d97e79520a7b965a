"""The embedded default's shared file cache: counters that keep their window."""

from __future__ import annotations

import time

import pytest

from dailypapers.core.filecache import SharedFileCache


@pytest.fixture
def cache(tmp_path) -> SharedFileCache:
    return SharedFileCache(str(tmp_path), {})


def test_add_then_incr_counts_and_a_missing_key_is_a_value_error(cache):
    assert cache.add("n", 1, 60) and not cache.add("n", 1, 60)
    assert [cache.incr("n") for _ in range(3)] == [2, 3, 4]
    with pytest.raises(ValueError):
        cache.incr("missing")


def test_incr_keeps_the_keys_own_expiry(cache):
    cache.add("n", 1, 1)
    cache.incr("n")
    time.sleep(1.2)
    assert cache.get("n") is None
    with pytest.raises(ValueError):
        cache.incr("n")
