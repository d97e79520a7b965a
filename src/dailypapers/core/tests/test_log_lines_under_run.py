"""Under `dailypapers run`, every process's log lines follow LOG_FORMAT and name no secret.

One real `run` per format (gunicorn, db_worker or rqworker on the RQ leg, scheduler): the
secret-bearing addresses are requested, a digest subscription queues its confirmation email,
and the log then shows the access lines redacted, and the email task's lines carrying the
subscribing request's id.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from dailypapers.papers.tests.test_run_command import free_port
from dailypapers.tests.security.test_logs import SECRET, SECRET_PATHS, SECRET_QUERIES

pytestmark = pytest.mark.slow

SECRET_ADDRESSES = SECRET_PATHS + SECRET_QUERIES
SUBSCRIBE_REQUEST_ID = "subscribe-req-0001"


def _start(tmp_path: Path, log_format: str) -> tuple[subprocess.Popen[str], int, Path]:
    port = free_port()
    # SQLite under tmp_path; on the RQ leg the worker is an rqworker on the leg's Redis.
    dropped = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    if settings.TASK_BACKEND != "rq":
        dropped |= {"REDIS_URL", "TASK_BACKEND"}
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update(
        {
            "DATA_DIR": str(tmp_path),
            "ARXIV_RSS_URL": "http://127.0.0.1:9/rss",
            "LOG_FORMAT": log_format,
            "PYTHONUNBUFFERED": "1",
        }
    )
    log = tmp_path / "run.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "dailypapers", "run", "--port", str(port), "--web-workers", "1"],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 90
    while "is running at" not in log.read_text():
        assert process.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)
    return process, port, log


def _get(opener: urllib.request.OpenerDirector, url: str, **headers: str) -> str:
    for _ in range(50):
        try:
            with opener.open(urllib.request.Request(url, headers=headers), timeout=5) as response:
                return str(response.read().decode())
        except urllib.error.HTTPError as exc:
            return str(exc.read().decode())
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"no answer from {url}")


def _subscribe(base: str) -> None:
    """The subscribe form (CSRF-exempt: it is the page's only form) queues an email."""
    body = urllib.parse.urlencode(
        {"email": "log@example.com", "frequency": "daily", "content": "trending", "top_n": "10"}
    ).encode()
    request = urllib.request.Request(
        f"{base}/digests/subscribe/", data=body, headers={"X-Request-ID": SUBSCRIBE_REQUEST_ID}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def _wait_for(log: Path, pattern: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not re.search(pattern, log.read_text(), re.MULTILINE):
        assert time.monotonic() < deadline, f"{pattern!r} never logged:\n{log.read_text()}"
        time.sleep(0.3)


def _exercise(tmp_path: Path, log_format: str) -> str:
    process, port, log = _start(tmp_path, log_format)
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener()
    try:
        for address in SECRET_ADDRESSES:
            _get(opener, base + address, Referer=base + address)
        _subscribe(base)
        # The email task, run by the db_worker, ends with a line naming the request.
        _wait_for(log, rf"^(?=.*{SUBSCRIBE_REQUEST_ID})(?=.*send_queued_email state=SUCCESSFUL)")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    return log.read_text()


def test_json_lines_from_gunicorn_worker_and_django_name_requests_and_hide_secrets(tmp_path):
    output = _exercise(tmp_path, "json")
    assert SECRET not in output
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    # Lines that are not JSON are `run`'s own console messages, never a log record.
    for line in output.splitlines():
        if not line.startswith("{"):
            assert not line.startswith((" ", "Traceback", "[")), line
    access = [r for r in records if r["logger"] == "gunicorn.access"]
    assert {r["method"] for r in access} >= {"GET", "POST"}
    paths = {r["path"] for r in access}
    assert "/feeds/for-you/[redacted]/rss" in paths
    assert "/api/v1/papers?token=[redacted]" in paths
    assert all(r.get("request_id") for r in access), access
    assert any(r["logger"] == "gunicorn.error" for r in records)
    assert all({"time", "level", "logger", "message"} <= r.keys() for r in records)
    # The POST's access line, and the worker's lines for the email it queued, share its id.
    post = next(r for r in access if r["method"] == "POST")
    assert post["request_id"] == SUBSCRIBE_REQUEST_ID
    queued = [r for r in records if r["message"].startswith("queued task")]
    assert queued and queued[0]["request_id"] == SUBSCRIBE_REQUEST_ID
    task_lines = [r for r in records if r.get("task") and r.get("task_id")]
    email_lines = [r for r in task_lines if "send_queued_email" in r["task"]]
    assert email_lines, records
    assert all(r["request_id"] == SUBSCRIBE_REQUEST_ID for r in email_lines)
    assert {r["task_id"] for r in email_lines} == {queued[0]["message"].split()[2]}


def test_text_lines_hide_every_secret_and_show_the_request_id(tmp_path):
    output = _exercise(tmp_path, "text")
    assert SECRET not in output
    assert "/feeds/for-you/[redacted]/rss" in output
    assert "/api/v1/papers?token=[redacted]" in output
    access_post = [ln for ln in output.splitlines() if '"POST /digests/subscribe/' in ln]
    assert access_post and access_post[0].endswith(SUBSCRIBE_REQUEST_ID)
    assert re.search(rf"request_id={SUBSCRIBE_REQUEST_ID} task_id=\S+ task=\S*send_queued_email",
                     output)  # fmt: skip
