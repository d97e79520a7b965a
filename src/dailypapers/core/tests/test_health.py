"""/healthz says the process answers; /readyz says whether the database, the cache and the
task queue can be reached, and names the part that cannot (real outages, no mocks)."""

from __future__ import annotations

import json
import time

import pytest
from django.conf import settings as django_settings

from dailypapers.core import health
from dailypapers.testing.outages import (
    add_broken_database,
    break_database,
    closed_redis_url,
    redis_cache_at,
    silent_server,
    unreachable_rq_queues,
)

ON_RQ = django_settings.TASK_BACKEND == "rq"


def _ready(client, **headers) -> tuple[int, dict]:
    response = client.get("/readyz", **headers)
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


# /healthz: no django_db mark, so any database query in it would fail the test.


def test_healthz_answers_ok_without_touching_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies  # no session, no CSRF cookie


def test_probes_answer_with_or_without_a_trailing_slash(client):
    assert client.get("/healthz/").status_code == 200
    assert client.head("/healthz").status_code == 200


def test_probes_answer_a_node_address_that_allowed_hosts_does_not_list(client, settings):
    settings.ALLOWED_HOSTS = ["papers.example.org"]

    assert client.get("/healthz", HTTP_HOST="10.0.0.5:8001").status_code == 200
    # Any other page at that address is refused, as before.
    assert client.get("/about/", HTTP_HOST="10.0.0.5:8001").status_code == 400


def test_probes_over_plain_http_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200


def test_probes_answer_only_reads(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


# /readyz


@pytest.mark.django_db
def test_readyz_lists_every_part_ok_when_all_answer(client):
    status, body = _ready(client)

    assert status == 200
    assert body == {
        "status": "ok",
        "failing": [],
        "checks": {"database": "ok", "cache": "ok", "queue": "ok"},
    }


@pytest.mark.django_db
def test_readyz_names_the_database_when_it_cannot_be_reached(client, monkeypatch, tmp_path):
    break_database(monkeypatch, "default", tmp_path)

    status, body = _ready(client)

    assert status == 503
    assert "database" in body["failing"]
    assert body["checks"]["cache"] == "ok"


@pytest.mark.django_db
def test_readyz_checks_every_configured_database(client, monkeypatch, tmp_path):
    add_broken_database(monkeypatch, "reports", tmp_path)

    status, body = _ready(client)

    assert status == 503
    assert body["failing"] == ["database:reports"]
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_names_the_cache_when_redis_is_down(client, settings):
    settings.CACHES = {"default": redis_cache_at(closed_redis_url())}

    status, body = _ready(client)

    assert status == 503
    assert body["failing"] == ["cache"]
    assert body["checks"]["cache"] == "ConnectionError"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_a_hung_cache_makes_readyz_fail_fast_and_is_not_probed_twice_at_once(
    client, settings, monkeypatch
):
    monkeypatch.setattr(health, "CHECK_TIMEOUT_SECONDS", 0.3)
    with silent_server() as url:
        settings.CACHES = {"default": redis_cache_at(url, timeout=1.5)}
        started = time.monotonic()

        status, body = _ready(client)

        assert time.monotonic() - started < 1.2
        assert status == 503
        assert body["checks"]["cache"] == "no answer within 0.3 s"
        # The first check still waits on the silent server: no second one piles up.
        status, body = _ready(client)
        assert body["checks"]["cache"] == "still no answer to the previous check"
        health._running["cache"].thread.join(5)
    status, body = _ready(client)
    assert body["checks"]["cache"] == "ConnectionError"  # now plainly closed


@pytest.mark.skipif(ON_RQ, reason="the database queue's leg")
@pytest.mark.django_db
def test_readyz_names_the_queue_when_the_task_table_cannot_be_read(
    client, settings, monkeypatch, tmp_path
):
    add_broken_database(monkeypatch, "tasks", tmp_path)
    settings.DATABASE_ROUTERS = ["dailypapers.core.tests.test_health.TasksElsewhere"]

    status, body = _ready(client)

    assert status == 503
    assert "queue" in body["failing"]
    assert body["checks"]["database"] == "ok"


class TasksElsewhere:
    """Routes the task table to the ``tasks`` database alias."""

    def db_for_read(self, model, **hints):
        return "tasks" if model.__name__ == "DBTaskResult" else None


@pytest.mark.skipif(not ON_RQ, reason="the RQ leg runs with TASK_BACKEND=rq")
@pytest.mark.django_db
def test_readyz_names_the_queue_when_the_rq_redis_is_down(client, monkeypatch):
    unreachable_rq_queues(monkeypatch)

    status, body = _ready(client)

    assert status == 503
    assert body["failing"] == ["queue"]
    assert body["checks"]["queue"] == "ConnectionError"
