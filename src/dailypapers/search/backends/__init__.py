"""The search backend of each database, chosen here and nowhere else (see common.py)."""

from __future__ import annotations

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

from dailypapers.search.backends.common import SearchBackend
from dailypapers.search.backends.postgres import PostgresSearch
from dailypapers.search.backends.sqlite import SqliteSearch


def current(connection: BaseDatabaseWrapper | None = None) -> SearchBackend | None:
    """The backend of ``connection`` (the default one when None); None where search has none."""
    if connection is None:
        connection = default_connection
    if connection.vendor == "sqlite":
        return SqliteSearch(connection)
    if connection.vendor == "postgresql":
        return PostgresSearch(connection)
    return None
