"""Path converters shared by every URLconf.

``<id:…>`` replaces Django's ``<int:…>`` for database ids: at most 18 ASCII digits, so any
id a URL can carry fits a signed 64-bit column. A longer number never reaches a query (on
SQLite it overflowed into a 500; on PostgreSQL it is out of the column's range): it is
simply no such page, a 404.
"""

from __future__ import annotations

ID_PATTERN = "[0-9]{1,18}"


class IdConverter:
    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)
