"""Log lines: one JSON object a line with LOG_FORMAT=json, request ids, tasks' ids."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.core.management import call_command

from dailypapers.core import logcontext
from dailypapers.core.logformat import JsonFormatter, TextFormatter
from dailypapers.core.request_id import HEADER, accepted_request_id
from dailypapers.core.urlsecrets import REDACTED

SECRET = "Zx9secretTOKENvalue_-123"


def _emit(formatter: logging.Formatter, record: logging.LogRecord) -> str:
    return formatter.format(record)


def _record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord(
        "dailypapers.test", logging.WARNING, __file__, 1, message, args, None
    )
    record.__dict__.update(extra)
    return record


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Every record, as the JSON line the console handler would write at that moment."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def _records(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_json_line_has_time_level_logger_message_and_context():
    token = logcontext.request_id.set("abc123")
    try:
        line = _emit(JsonFormatter(), _record("%s papers", 3, source="arxiv"))
    finally:
        logcontext.request_id.reset(token)
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "dailypapers.test"
    assert entry["message"] == "3 papers" and entry["request_id"] == "abc123"
    assert entry["source"] == "arxiv" and entry["time"].endswith("+00:00")


def test_an_exception_is_folded_into_the_same_json_line():
    try:
        raise ValueError("first\nsecond")
    except ValueError:
        record = _record("failed")
        record.exc_info = __import__("sys").exc_info()
    line = _emit(JsonFormatter(), record)
    assert "\n" not in line
    assert "ValueError: first\nsecond" in json.loads(line)["exception"]


@pytest.mark.parametrize("formatter", [JsonFormatter(), TextFormatter()])
def test_both_formats_redact_secrets_in_any_message(formatter):
    line = _emit(formatter, _record("fetching /digests/unsubscribe/%s/ ?token=%s", SECRET, SECRET))
    assert SECRET not in line and REDACTED in line
    if isinstance(formatter, JsonFormatter):
        json.loads(line)  # still valid JSON after redaction


def test_the_text_line_names_the_request_and_task():
    tokens = [logcontext.request_id.set("r1"), logcontext.task_id.set("t1")]
    try:
        line = _emit(TextFormatter(), _record("hello"))
    finally:
        logcontext.task_id.reset(tokens[1])
        logcontext.request_id.reset(tokens[0])
    assert "[request_id=r1 task_id=t1]: hello" in line


@pytest.mark.parametrize(
    ("presented", "kept"),
    [
        ("0f3c9a2b5d7e4f61a8b9c0d1e2f3a4b5", True),
        ("Root=1-67891233-abcdef012345678912345678", True),
        ("has space", False),
        ("line\nbreak", False),
        ("x" * 129, False),
        ("", False),
        ("../../etc", False),
    ],
)
def test_a_presented_request_id_is_kept_only_when_sane(presented, kept):
    assert (accepted_request_id(presented) == presented) is kept


@pytest.mark.django_db
def test_every_response_carries_its_request_id_and_the_requests_lines_too(client, log_lines):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="support-ticket-42")
    assert response.status_code == 404 and response[HEADER] == "support-ticket-42"
    not_found = [r for r in _records(log_lines) if r["logger"] == "django.request"]
    assert not_found and not_found[0]["request_id"] == "support-ticket-42"
    fresh = client.get("/no-such-page/", HTTP_X_REQUEST_ID="bad id")
    assert fresh[HEADER] != "bad id" and len(fresh[HEADER]) == 32
    assert logcontext.request_id.get() is None  # cleared once the response is closed


def _subscribe(client, request_id: str) -> None:
    response = client.post(
        "/digests/subscribe/",
        {"email": "ids@example.com", "frequency": "daily", "content": "trending", "top_n": 10},
        HTTP_X_REQUEST_ID=request_id,
    )
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)  # the worker closes connections between tasks
def test_a_task_queued_by_a_request_logs_that_requests_id_in_the_database_worker(
    client, settings, log_lines
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _subscribe(client, "subscribe-db-1")
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    records = _records(log_lines)
    queued = next(r for r in records if str(r["message"]).startswith("queued task"))
    task_lines = [r for r in records if r.get("task") == "send_queued_email"]
    assert queued["request_id"] == "subscribe-db-1"
    assert task_lines and {r["request_id"] for r in task_lines} == {"subscribe-db-1"}
    assert {r["task_id"] for r in task_lines} == {str(queued["message"]).split()[2]}
    assert any("state=SUCCESSFUL" in str(r["message"]) for r in task_lines)
    assert logcontext.task_id.get() is None  # put back after the task


@pytest.mark.django_db(transaction=True)  # queued on commit, inside the request
def test_a_task_run_at_once_logs_inside_its_request(client, settings, log_lines):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    _subscribe(client, "subscribe-now-1")
    task_lines = [r for r in _records(log_lines) if r.get("task") == "send_queued_email"]
    assert task_lines and {r["request_id"] for r in task_lines} == {"subscribe-now-1"}


@pytest.mark.skipif(
    __import__("django.conf").conf.settings.TASK_BACKEND != "rq",
    reason="the RQ leg runs with TASK_BACKEND=rq",
)
@pytest.mark.django_db(transaction=True)  # queued on commit, inside the request
def test_a_task_queued_by_a_request_logs_that_requests_id_in_an_rq_worker(client, log_lines):
    import django_rq
    from rq import SimpleWorker

    queue = django_rq.get_queue("default")
    queue.empty()
    _subscribe(client, "subscribe-rq-1")
    worker = django_rq.get_worker(
        "default", job_class="django_tasks_rq.Job", worker_class=SimpleWorker
    )
    worker.work(burst=True)
    task_lines = [r for r in _records(log_lines) if r.get("task") == "send_queued_email"]
    assert task_lines and {r["request_id"] for r in task_lines} == {"subscribe-rq-1"}
