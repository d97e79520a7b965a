"""Rows a unique constraint guards: membership rows (a paper in a collection, a member
following a topic), where the constraint is the only arbiter of "already there" so
concurrent clicks never double up, and slugs, numbered until one is free."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction


def free_slug(base: str, taken: set[str]) -> str:
    """``base`` when no one has it, else the first of ``base-2``, ``base-3``, … that is free."""
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def insert_once(model: type[models.Model], **fields: Any) -> bool:
    """Insert the row; False when it was there already (the unique constraint says so)."""
    try:
        # The savepoint lets a caller's transaction carry on after a refused INSERT.
        with transaction.atomic():
            model._default_manager.create(**fields)
    except IntegrityError:
        return False
    return True


def delete_rows(model: type[models.Model], **fields: Any) -> bool:
    """Delete the matching rows; False when there were none."""
    deleted, _ = model._default_manager.filter(**fields).delete()
    return bool(deleted)
