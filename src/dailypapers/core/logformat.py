"""Log lines: ``LOG_FORMAT=text`` (the default, for people) or ``json`` (one object a line).

Every process logs through these formatters: the web workers (Django's records and gunicorn's
error and access logs, see core/logredact.GunicornLogger), the task workers (db_worker,
rqworker) and the scheduler. A JSON line holds time, level, logger, message, the request id
and the task id and name when known (core/logcontext.py), any ``extra=`` fields, and the
exception text folded into the same line. Both formats pass the finished line through
``redact``, so a secret path or query token reaches no log whichever logger wrote it.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from dailypapers.core import logcontext
from dailypapers.core.urlsecrets import redact
from dailypapers.lib.env import env_choice

LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "taskName"}
)


def log_format() -> str:
    return env_choice("LOG_FORMAT", "text", LOG_FORMATS)


def _context(record: logging.LogRecord) -> dict[str, str]:
    """The request and task of the line; values passed with ``extra=`` win."""
    fields = logcontext.current()
    for name in ("request_id", "task_id", "task"):
        value = getattr(record, name, None)
        if isinstance(value, str) and value:
            fields[name] = value
    return fields


class TextFormatter(logging.Formatter):
    """The classic line, with ``[request_id=… task=…]`` when the line belongs to one."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = _context(record)
        if fields:
            tags = " ".join(f"{name}={value}" for name, value in fields.items())
            head, _, rest = line.partition(": ")
            line = f"{head} [{tags}]: {rest}"
        return redact(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per record, always on one line (newlines in values are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(_context(record))
        for name, value in vars(record).items():
            if value is not None and name not in _RECORD_ATTRIBUTES and name not in entry:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return redact(json.dumps(entry, default=str, ensure_ascii=False))


def formatter() -> logging.Formatter:
    """The formatter LOG_FORMAT asks for (settings.LOGGING and gunicorn's handlers use it)."""
    return JsonFormatter() if log_format() == "json" else TextFormatter()
