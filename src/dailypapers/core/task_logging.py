"""A task's log lines carry its own id and name, and the request id of the request that queued it.

django-tasks stores only a task's arguments, so the request id travels beside it: when a
task is queued while a request id is known (a request, or a task itself queued by one), the
enqueuing process logs ``queued task <id> (<name>)`` (a line carrying the request id) and
keeps ``task id -> request id`` in the shared cache. The worker, on ``task_started``, sets
the task id and name and the remembered request id for the lines the task writes (including
django-tasks' own "Task id=… state=SUCCESSFUL" line, with the traceback of a failure), and
puts them back on ``task_finished``. Tasks queued by a task inherit the request id, so a digest
run's chunks are found from the request that started it.

The cache is the shared one every worker reads (the file cache under DATA_DIR, or Redis when
scaled out: the same requirement as rate limits). Losing an entry (cache down, evicted) loses
only the request id on the task's lines; the ``queued task`` line still links the two ids.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from django_tasks import TaskResult
from django_tasks import signals as django_tasks_signals
from django_tasks.signals import task_enqueued, task_finished, task_started

from dailypapers.core import logcontext
from dailypapers.core.cache_guard import cache_get, report_cache_error

logger = logging.getLogger("dailypapers.tasks")
# Long enough for a queue backed up over a weekend; the entry is tiny.
REMEMBER_SECONDS = 7 * 24 * 3600
_restore: dict[str, list[Any]] = {}


def _cache_key(task_id: str) -> str:
    return f"task-request:{task_id}"


def remember_request(task_result: TaskResult[Any], **_: object) -> None:
    request_id = logcontext.request_id.get()
    if request_id is None:
        return
    logger.info("queued task %s (%s)", task_result.id, task_result.task.name)
    try:
        cache.set(_cache_key(task_result.id), request_id, REMEMBER_SECONDS)
    except Exception as exc:  # noqa: BLE001 - the request id is a convenience, not a dependency
        report_cache_error("set", exc)


def enter_task(task_result: TaskResult[Any], **_: object) -> None:
    # With the immediate backend the task runs inside the request: its id is known already.
    request_id = logcontext.request_id.get() or cache_get(_cache_key(task_result.id))
    _restore[task_result.id] = [
        logcontext.task_id.set(task_result.id),
        logcontext.task_name.set(task_result.task.name),
        logcontext.request_id.set(request_id),
    ]
    logger.info("task %s (%s) started", task_result.id, task_result.task.module_path)


def leave_task(task_result: TaskResult[Any], **_: object) -> None:
    # Connected after django-tasks' own "Task id=… state=…" line, which thus keeps the ids.
    tokens = _restore.pop(task_result.id, [])
    for variable, token in zip(
        (logcontext.task_id, logcontext.task_name, logcontext.request_id), tokens, strict=False
    ):
        try:
            variable.reset(token)
        except ValueError:  # set in another context (RQ reports from a callback): clear
            variable.set(None)


def connect() -> None:
    # django-tasks' own "started" line runs before ours could set the ids: ours replaces it.
    task_started.disconnect(django_tasks_signals.log_task_started)
    task_enqueued.connect(remember_request, dispatch_uid="dailypapers-task-request")
    task_started.connect(enter_task, dispatch_uid="dailypapers-task-started")
    task_finished.connect(leave_task, dispatch_uid="dailypapers-task-finished")
