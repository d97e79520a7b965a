"""Cursor pagination over any ordered queryset (keyset pagination).

A cursor holds the ordering values of the last item a page returned; the next page is the
rows that come after those values in the queryset's own order. Unlike page numbers, a page
boundary does not move when papers are added or votes change the order in front of it, and
a deep page costs no more than the first.

The order is read from the queryset itself, so the feed query functions stay the single
definition of each sort. Every order must end in a unique column (they all end in the arXiv
id or the primary key) so that "after" is well defined. A nullable column must say where its
nulls go (``F(...).desc(nulls_last=True)``); SQLite and PostgreSQL disagree otherwise.

Cursors are signed: a client cannot forge one that makes us run an odd query, and one made
for another order (another sort, another endpoint) is refused rather than misread.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core import signing
from django.db.models import F, Model, Q, QuerySet
from django.db.models.expressions import OrderBy

SALT = "dailypapers.api.cursor"


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class OrderKey:
    name: str  # a field, "pk" or an annotation
    descending: bool
    nulls: str = ""  # "first", "last", or "" for a column that holds no nulls


@dataclass(frozen=True, slots=True)
class CursorPage:
    items: list[Any]
    next_cursor: str | None


def order_keys(queryset: QuerySet) -> list[OrderKey]:
    keys: list[OrderKey] = []
    for term in queryset.query.order_by or queryset.model._meta.ordering:
        if isinstance(term, str):
            keys.append(OrderKey(term.lstrip("-"), term.startswith("-")))
        elif isinstance(term, OrderBy) and isinstance(term.expression, F):
            nulls = "first" if term.nulls_first else "last" if term.nulls_last else ""
            keys.append(OrderKey(term.expression.name, term.descending, nulls))
        else:
            raise ValueError(f"cannot paginate over the ordering term {term!r}")
    if not keys:
        raise ValueError("cursor pagination needs an ordered queryset")
    return keys


def _fingerprint(keys: list[OrderKey]) -> str:
    text = ",".join(f"{'-' if key.descending else ''}{key.name}:{key.nulls}" for key in keys)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _value_of(row: Model, name: str) -> Any:
    value: Any = row
    for part in name.split("__"):
        value = getattr(value, part)
    return value


def _encode(value: Any) -> Any:
    # JSON has no dates; tag them so they decode to the type the database compares.
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "t" in value:
            return datetime.fromisoformat(value["t"])
        if "d" in value:
            return date.fromisoformat(value["d"])
        raise ValueError("unknown tagged value")
    return value


def encode_cursor(keys: list[OrderKey], row: Model) -> str:
    values = [_encode(_value_of(row, key.name)) for key in keys]
    return signing.dumps({"o": _fingerprint(keys), "v": values}, salt=SALT, compress=True)


def decode_cursor(keys: list[OrderKey], token: str) -> list[Any]:
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise InvalidCursor("This cursor is not one we issued.") from None
    if not isinstance(payload, dict) or payload.get("o") != _fingerprint(keys):
        raise InvalidCursor("This cursor belongs to another list or sort order.")
    values = payload.get("v")
    if not isinstance(values, list) or len(values) != len(keys):
        raise InvalidCursor("This cursor is damaged.")
    try:
        return [_decode(value) for value in values]
    except (ValueError, TypeError):
        raise InvalidCursor("This cursor is damaged.") from None


def _equal(key: OrderKey, value: Any) -> Q:
    return Q(**{f"{key.name}__isnull": True}) if value is None else Q(**{key.name: value})


def _beyond(key: OrderKey, value: Any) -> Q | None:
    """Rows strictly after ``value`` on this key alone; None when there are none."""
    if value is None:
        # Nulls come last (nothing after them) or first (every non-null comes after).
        return Q(**{f"{key.name}__isnull": False}) if key.nulls == "first" else None
    if isinstance(value, bool):
        # False sorts before True. Spelled as equality, which an Exists() annotation (the
        # feed's "featured") compiles to plainly, rather than as < or >.
        if key.descending:
            return Q(**{key.name: False}) if value else None
        return None if value else Q(**{key.name: True})
    lookup = "lt" if key.descending else "gt"
    beyond = Q(**{f"{key.name}__{lookup}": value})
    if key.nulls == "last":
        beyond |= Q(**{f"{key.name}__isnull": True})
    return beyond


def after(keys: list[OrderKey], values: list[Any]) -> Q:
    """The rows that sort after ``values``: (k1 > v1) or (k1 = v1 and k2 > v2) or …"""
    condition = Q(pk__in=[])  # matches nothing, for the case where nothing comes after
    for position, key in enumerate(keys):
        beyond = _beyond(key, values[position])
        if beyond is None:
            continue
        for earlier, earlier_value in zip(keys[:position], values[:position], strict=True):
            beyond &= _equal(earlier, earlier_value)
        condition |= beyond
    return condition


def cursor_page(queryset: QuerySet, cursor: str | None, limit: int) -> CursorPage:
    """Up to ``limit`` rows after ``cursor`` (from the start without one), and the next cursor.

    Raises InvalidCursor for a cursor this order did not issue.
    """
    keys = order_keys(queryset)
    if cursor:
        queryset = queryset.filter(after(keys, decode_cursor(keys, cursor)))
    rows = list(queryset[: limit + 1])  # one more than asked says whether a next page exists
    if len(rows) <= limit:
        return CursorPage(rows, None)
    rows = rows[:limit]
    return CursorPage(rows, encode_cursor(keys, rows[-1]))
