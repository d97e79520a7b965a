"""The scheduler outlives its dependencies: dropped connections and a Redis outage are
logged and retried, and a job whose enqueue failed stays due."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection

from dailypapers.core import scheduling
from dailypapers.core.models import ScheduledJob
from dailypapers.testing.redis_server import PrivateRedis

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ENQUEUED = "enqueued refresh-trending"


@pytest.mark.django_db
def test_a_job_whose_enqueue_fails_stays_due_and_is_queued_on_the_next_pass(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.INGEST_AT_UTC = "01:30"
    scheduling.run_due(NOW)
    due = NOW + timedelta(days=1)
    settings.ARXIV_CATEGORIES = [object()]  # not JSON: the listings task refuses to queue
    with pytest.raises(TypeError):
        scheduling.run_due(due)
    row = ScheduledJob.objects.get(name="ingest-rss-listings")
    assert row.next_run_at <= due, "the failed run is still due"
    assert row.last_run_at is None
    # The other jobs were queued all the same.
    assert ScheduledJob.objects.get(name="refresh-trending").last_run_at == due

    settings.ARXIV_CATEGORIES = ["cs.AI"]
    assert "ingest-rss-listings" in scheduling.run_due(due + timedelta(minutes=1))


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "TASK_BACKEND", "DJANGO_SETTINGS_MODULE"}
    }
    # Refresh trending every pass, so the scheduler queues something about once a second.
    env.update({"DATA_DIR": str(tmp_path), "TRENDING_REFRESH_MINUTES": "0", **extra})
    return env


class Scheduler:
    """`dailypapers scheduler --loop` in a subprocess, its output in a file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dailypapers", "scheduler", "--loop"],
            env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip

    def output(self) -> str:
        return self.log.read_text()

    def wait_for(self, text: str, after: int = 0, timeout: float = 30.0) -> int:
        """Offset just after the first ``text`` past ``after``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.output().find(text, after)
            if found >= 0:
                return found + len(text)
            assert self.process.poll() is None, "the scheduler exited:\n" + self.output()
            time.sleep(0.1)
        raise AssertionError(f"no {text!r} within {timeout} s:\n" + self.output()[-3000:])

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    if server.binary is None:
        pytest.skip("redis-server is not installed")
    server.start()
    yield server
    server.stop()


@pytest.mark.slow
def test_the_scheduler_survives_a_redis_outage_and_queues_again_when_redis_returns(
    tmp_path: Path, private_redis: PrivateRedis
):
    env = _environment(tmp_path, REDIS_URL=private_redis.url, TASK_BACKEND="rq")
    migrate = subprocess.run(
        [sys.executable, "-m", "dailypapers", "migrate", "-v0"], env=env, capture_output=True
    )
    assert migrate.returncode == 0, migrate.stderr
    scheduler = Scheduler(env, tmp_path / "scheduler.log")
    try:
        seen = scheduler.wait_for(ENQUEUED)
        private_redis.stop()
        seen = scheduler.wait_for("retrying in", after=seen)
        time.sleep(3)
        assert scheduler.process.poll() is None, scheduler.output()
        private_redis.start()
        back = time.monotonic()
        scheduler.wait_for(ENQUEUED, after=seen, timeout=15)
        assert time.monotonic() - back <= 10
    finally:
        status = scheduler.stop()
    output = scheduler.output()
    assert status == 0, output
    assert "Traceback" not in output
    assert "scheduler stopped" in output


def _postgres_url() -> str:
    params = connection.settings_dict
    return (
        f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST'] or '127.0.0.1'}:"
        f"{params['PORT'] or 5432}/{params['NAME']}"
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_scheduler_survives_its_database_connection_being_terminated(tmp_path: Path):
    if connection.vendor != "postgresql":
        pytest.skip("a dropped server connection needs PostgreSQL (run with DATABASE_URL)")
    env = _environment(tmp_path, DATABASE_URL=_postgres_url(), TASK_BACKEND="db")
    scheduler = Scheduler(env, tmp_path / "scheduler.log")
    try:
        seen = scheduler.wait_for(ENQUEUED)
        for _ in range(3):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            time.sleep(1)
        assert scheduler.process.poll() is None, scheduler.output()
        after_kills = len(scheduler.output())
        scheduler.wait_for(ENQUEUED, after=max(seen, after_kills), timeout=10)
    finally:
        status = scheduler.stop()
    assert status == 0, scheduler.output()
    assert "Traceback" not in scheduler.output()
