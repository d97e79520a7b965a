"""What a log line is about: the request, and the task, whose work wrote it.

Context variables rather than thread locals: each gunicorn thread, each task run and each
test gets its own value, and the formatters (core/logformat.py) read them for every record.
"""

from __future__ import annotations

from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
task_id: ContextVar[str | None] = ContextVar("task_id", default=None)
task_name: ContextVar[str | None] = ContextVar("task_name", default=None)


def current() -> dict[str, str]:
    """The context fields known now, by the names they have in a JSON log line."""
    fields = {"request_id": request_id.get(), "task_id": task_id.get(), "task": task_name.get()}
    return {name: value for name, value in fields.items() if value}
