"""The `dailypapers` console script: every operator task, as Django management commands.

A configuration mistake or an I/O failure the operator must fix (PostgreSQL unreachable, a
read-only data folder, a full disk) ends the command with one line saying what and where,
not a traceback; ``--traceback`` shows the traceback as well.
"""

from __future__ import annotations

import os
import sys

from dailypapers.lib.env import EnvError


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def describe_failure(exc: BaseException) -> str | None:
    """The one line for an error worth one line, else None (a bug: keep the traceback)."""
    from django.db import DatabaseError

    if isinstance(exc, EnvError):
        return f"configuration error: {exc}"
    if isinstance(exc, DatabaseError):
        text = _first_line(exc)
        if "disk is full" in text or "No space left" in text:
            return f"the disk holding the database is full: {text}"
        if "readonly database" in text or "read-only" in text:
            return f"the database is read-only: {text}"
        return f"database error: {text}"
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or _first_line(exc)}{where}"
    return None


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
    from django.core.management import execute_from_command_line

    args = argv if argv is not None else sys.argv[1:]
    try:
        execute_from_command_line(["dailypapers", *args])
    except Exception as exc:
        line = describe_failure(exc)
        if line is None or "--traceback" in args:
            raise
        print(f"dailypapers: {line}", file=sys.stderr)
        sys.exit(2 if isinstance(exc, EnvError) else 1)


if __name__ == "__main__":
    main()
