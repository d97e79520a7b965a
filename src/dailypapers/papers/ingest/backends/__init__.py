"""The ingest's write backend of the database in use, chosen here and nowhere else."""

from __future__ import annotations

from django.db import connection

from dailypapers.papers.ingest.backends.common import IngestWrites
from dailypapers.papers.ingest.backends.postgres import PostgresWrites
from dailypapers.papers.ingest.backends.sqlite import SqliteWrites

# Stateless (they write through the default connection), so one of each serves every call:
# paper_values asks for one per paper, in the parsing processes of a bulk import.
_POSTGRES = PostgresWrites()
_SQLITE = SqliteWrites()


def current() -> IngestWrites:
    """PostgreSQL's COPY and unnest, else the portable executemany path (SQLite)."""
    return _POSTGRES if connection.vendor == "postgresql" else _SQLITE
