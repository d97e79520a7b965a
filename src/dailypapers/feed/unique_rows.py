"""Membership rows (a paper in a collection, a member following a topic) whose unique
constraint is the only arbiter of "already there", so concurrent clicks never double up."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction


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
