"""One query on a fresh connection, for readiness checks.

A fresh connection sees what a new worker would (a persistent one may still be open to a
database that no longer accepts any), and it leaves the caller's thread's connection alone.
"""

from __future__ import annotations

from pathlib import Path

from django.db import connections


def query_table(alias: str, table: str) -> None:
    """Raise unless a new connection of ``alias`` can read a row of ``table``."""
    settings_dict = connections.settings[alias]
    name = str(settings_dict.get("NAME") or "")
    if (
        settings_dict["ENGINE"] == "django.db.backends.sqlite3"
        and name
        and name != ":memory:"
        and not name.startswith("file:")
        and not Path(name).exists()
    ):
        # Connecting would quietly create an empty database in its place.
        raise FileNotFoundError(f"the SQLite database {name} is missing")
    connection = connections.create_connection(alias)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            cursor.fetchall()
    finally:
        connection.close()
