"""What the ingest's write backends share: their interface and the batching of IN lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Any, Protocol

from django.db import connection

# SQLite's oldest supported builds allow 999 parameters per statement.
IN_CHUNK = 500


def chunks(items: Sequence, size: int = IN_CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def pairs_in_chunks(table: str, key: str, value: str, keys: Sequence[str]) -> dict[Any, Any]:
    """``key -> value`` of the rows whose ``key`` is one of ``keys``, IN_CHUNK keys a query."""
    found: dict[Any, Any] = {}
    with connection.cursor() as cursor:
        for chunk in chunks(keys):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT {key}, {value} FROM {table} WHERE {key} IN ({marks})", chunk)
            found.update(cursor.fetchall())
    return found


class IngestWrites(Protocol):
    """The raw writes of an ingest batch in the cheapest form one database offers.

    Callers hold the transaction; every method works on the default connection.
    """

    def bulk_session(self) -> AbstractContextManager[None]:
        """Connection settings for a bulk import, restored after."""
        ...

    def adapt_datetime(self, value: datetime | None) -> Any:
        """A time as the raw statements send it."""
        ...

    def adapt_date(self, value: date | None) -> Any:
        """A day as the raw statements send it."""
        ...

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Insert these rows; a duplicate key raises Django's IntegrityError."""
        ...

    def ids_by(self, table: str, column: str, values: list[str]) -> dict[str, int]:
        """The id of each row whose ``column`` holds one of ``values``, by that value."""
        ...

    def insert_missing_authors(self, table: str, names_by_key: dict[str, str]) -> None:
        """Insert these authors, skipping keys already stored (safe against a concurrent run)."""
        ...
