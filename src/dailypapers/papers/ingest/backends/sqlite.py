"""The ingest's raw writes on SQLite: ``executemany`` (in-process, no round trips)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.db import connection

from dailypapers.papers.ingest.backends.common import pairs_in_chunks

# During a bulk import, SQLite moves the write-ahead log into the database every this many
# pages (64 MiB) instead of every 1,000 (4 MiB, the default). Each such checkpoint waits
# for two fsyncs; at the default a full import of the shared file waited for about 200.
# No corruption risk either way (WAL, synchronous=NORMAL); a power cut can lose the
# transactions since the last checkpoint, which with this setting may be a few more.
BULK_CHECKPOINT_PAGES = 16_384


class SqliteWrites:
    @contextmanager
    def bulk_session(self) -> Iterator[None]:
        """A rarer WAL checkpoint (see BULK_CHECKPOINT_PAGES), the previous one restored after."""
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            previous = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA wal_autocheckpoint = {previous}")

    def adapt_datetime(self, value: datetime | None) -> Any:
        return connection.ops.adapt_datetimefield_value(value)  # naive UTC text, as Django

    def adapt_date(self, value: date | None) -> Any:
        return connection.ops.adapt_datefield_value(value)

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def ids_by(self, table: str, column: str, values: list[str]) -> dict[str, int]:
        return pairs_in_chunks(table, column, "id", values)

    def insert_missing_authors(self, table: str, names_by_key: dict[str, str]) -> None:
        with connection.cursor() as cursor:
            # ON CONFLICT works on SQLite >= 3.24.
            cursor.executemany(
                f"INSERT INTO {table} (name, key) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING",
                list(zip(names_by_key.values(), names_by_key, strict=True)),
            )
