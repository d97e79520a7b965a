"""The ingest's raw writes on PostgreSQL: ``COPY`` and array ``unnest``, one statement per
table per batch, where psycopg's ``executemany`` would send a statement per row."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.db import connection


class PostgresWrites:
    @contextmanager
    def bulk_session(self) -> Iterator[None]:
        yield  # nothing to tune: COPY already writes a batch in one statement

    def adapt_datetime(self, value: datetime | None) -> Any:
        return value  # psycopg and COPY take Python values as they are

    def adapt_date(self, value: date | None) -> Any:
        return value

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """COPY FROM STDIN, with psycopg's errors turned into Django's (IntegrityError…).

        JSON goes as text: COPY parses it into jsonb.
        """
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(sql) as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def ids_by(self, table: str, column: str, values: list[str]) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {column}, id FROM {table} WHERE {column} = ANY(%s)", [values])
            return dict(cursor.fetchall())

    def insert_missing_authors(self, table: str, names_by_key: dict[str, str]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (name, key) SELECT * FROM unnest(%s::text[], %s::text[]) "
                "ON CONFLICT (key) DO NOTHING",
                [list(names_by_key.values()), list(names_by_key)],
            )
