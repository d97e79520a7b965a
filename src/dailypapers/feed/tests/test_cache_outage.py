"""With the shared cache (Redis) gone, pages and API reads are served uncached, not 500."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from dailypapers.accounts.models import User
from dailypapers.feed.models import Vote
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import store_paper
from dailypapers.testing.redis_server import PrivateRedis

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/papers/2501.00001/",
    "/trending/",
    "/api/v1/papers/2501.00001",
    "/api/v1/trending",
    "/api/daily_papers",
]


@pytest.fixture
def redis_cache(tmp_path: Path, settings) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    if server.binary is None:
        pytest.skip("redis-server is not installed")
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 60
    yield server
    server.stop()


@pytest.fixture
def papers() -> None:
    store_paper("2501.00001", date(2025, 1, 6), title="Graph networks")
    store_paper("2501.00002", date(2025, 1, 6), title="Sparse attention")
    Paper.objects.update(trending_score=1.0)


def test_pages_and_api_reads_answer_200_uncached_while_redis_is_down(
    client, papers, redis_cache: PrivateRedis, caplog
):
    for path in PAGES:  # cached while Redis is up
        assert client.get(path).status_code == 200, path
    redis_cache.stop()
    with caplog.at_level(logging.WARNING, logger="dailypapers.cache"):
        for path in PAGES:
            response = client.get(path)
            assert response.status_code == 200, path
            assert response.get("X-Page-Cache") != "hit", path
    assert any("cache unavailable" in record.getMessage() for record in caplog.records)

    redis_cache.start()  # back: stored again, and replayed
    client.get("/trending/")
    assert client.get("/trending/")["X-Page-Cache"] == "hit"


def test_a_members_for_you_page_answers_200_while_redis_is_down(
    client, papers, redis_cache: PrivateRedis
):
    member = User.objects.create_user("ada@example.org", password="pw-123-long")
    Vote.objects.create(user=member, paper=Paper.objects.get(arxiv_id="2501.00002"))
    client.force_login(member)
    redis_cache.stop()
    assert client.get("/for-you/").status_code == 200
    assert client.get("/api/v1/for-you").status_code == 200
