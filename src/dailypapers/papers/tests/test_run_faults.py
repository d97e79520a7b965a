"""`dailypapers run` keeps its children running (bounded restarts), refuses a busy port in
one line, skips a sample file it imported already, and takes back a dead worker's tasks."""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management.base import OutputWrapper

from dailypapers.papers import sample_import, worker_recovery
from dailypapers.papers.management.commands.run import Command as RunCommand
from dailypapers.papers.models import Paper
from dailypapers.testing.redis_server import free_port

SAMPLE = Path(__file__).parent / "fixtures" / "kaggle_five_papers.jsonl"


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "TASK_BACKEND", "DJANGO_SETTINGS_MODULE"}
    }
    env.update({"DATA_DIR": str(tmp_path), "ARXIV_RSS_URL": "http://127.0.0.1:9/rss"})
    return env


def test_a_port_in_use_is_one_line_naming_port_and_nothing_starts(tmp_path: Path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "dailypapers", "run", "--port", str(port)],
            env=_environment(tmp_path), capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode != 0
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert f"port {port} is in use" in lines[0] and f"PORT={port + 1}" in lines[0]
    assert not (tmp_path / "dailypapers.sqlite3").exists(), "stopped before migrating"


@pytest.mark.django_db
def test_an_unchanged_sample_is_not_imported_again_and_a_changed_one_is(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    sample = tmp_path / "sample.jsonl"
    shutil.copy(SAMPLE, sample)
    command = RunCommand(stdout=OutputWrapper(io.StringIO()))
    command._import_sample(sample)
    imported = Paper.objects.count()
    assert imported > 0
    assert sample_import.already_imported(sample)

    Paper.objects.all().delete()  # would come back, were the file imported again
    Paper.objects.create(arxiv_id="2501.99999", title="Kept", content_hash="x")
    started = time.perf_counter()
    command._import_sample(sample)
    assert time.perf_counter() - started < 0.5
    assert Paper.objects.count() == 1, "skipped"

    with sample.open("a") as handle:  # a changed file imports again
        handle.write("\n")
    command._import_sample(sample)
    assert Paper.objects.count() == imported + 1


@pytest.mark.django_db
def test_a_task_left_running_by_a_dead_worker_is_queued_again_then_failed(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from dailypapers.feed.tasks import refresh_trending

    result = refresh_trending.enqueue()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead_worker = worker_recovery.worker_id(gone.pid, 1)
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(dead_worker)

    def is_dead(worker: str) -> bool:
        return worker_recovery.dead_run_worker(worker, os.getpid(), None)

    assert worker_recovery.reclaim_tasks(is_dead) == (1, 0)
    row.refresh_from_db()
    assert row.status == "READY"
    row.claim(worker_recovery.worker_id(os.getpid(), 2))  # died again, under this run
    assert worker_recovery.reclaim_tasks(is_dead) == (0, 1)
    row.refresh_from_db()
    assert row.status == "FAILED"
    # A live worker's row is left alone.
    live = DBTaskResult.objects.get(pk=refresh_trending.enqueue().id)
    live.claim(worker_recovery.worker_id(os.getpid(), 3))
    assert worker_recovery.reclaim_tasks(
        lambda worker: worker_recovery.dead_run_worker(worker, os.getpid(), 3)
    ) == (0, 0)


def _children_of(pid: int) -> dict[str, int]:
    found = {}
    for name, pattern in (("scheduler", "scheduler --loop"), ("worker", "db_worker")):
        out = subprocess.run(
            ["pgrep", "-P", str(pid), "-f", pattern], capture_output=True, text=True
        )
        if out.stdout.split():
            found[name] = int(out.stdout.split()[0])
    return found


def _wait_for_child(pid: int, name: str, other_than: int = 0, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _children_of(pid).get(name)
        if found and found != other_than:
            return found
        time.sleep(0.2)
    raise AssertionError(f"no {name} child of {pid}")


@pytest.mark.slow
def test_run_restarts_a_killed_child_then_stops_in_one_line_when_it_keeps_dying(tmp_path: Path):
    port = free_port()
    log = tmp_path / "run.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "dailypapers", "run", "--port", str(port), "--web-workers", "1",
         "--max-restarts", "2", "--restart-window", "60"],
        env=_environment(tmp_path), stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        scheduler = _wait_for_child(process.pid, "scheduler", timeout=60)
        os.kill(scheduler, signal.SIGKILL)
        restarted = _wait_for_child(process.pid, "scheduler", other_than=scheduler)
        assert process.poll() is None
        assert "the scheduler exited with status -9; restarting it" in log.read_text()
        # The worker keeps dying: two restarts, then everything stops.
        worker = _wait_for_child(process.pid, "worker")
        for _ in range(3):
            os.kill(worker, signal.SIGKILL)
            if _ == 2:
                break
            worker = _wait_for_child(process.pid, "worker", other_than=worker)
        status = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
    output = log.read_text()
    assert status != 0, output
    last = output.strip().splitlines()[-1]
    assert "stopped: the worker exited 3 times within 60 s" in last, output
    assert "Traceback" not in output
    for pid in (restarted,):
        assert not Path(f"/proc/{pid}").exists() or _zombie(pid)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True
