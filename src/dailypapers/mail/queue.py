"""Recording an email to send, so that no request waits on SMTP.

A caller records what to send (``queue``) inside its own transaction; the task runs after
the commit, claims the row, renders the message and sends it (delivery.py), retrying
temporary failures. The builder named on the row makes the message when it is sent, so a
message always shows the state of things at that moment.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.mail import EmailMessage
from django.db import transaction

from dailypapers.mail.models import QueuedEmail
from dailypapers.mail.tasks import enqueue

Builder = Callable[[QueuedEmail], list[EmailMessage]]


def _path(builder: Builder | str) -> str:
    return builder if isinstance(builder, str) else f"{builder.__module__}.{builder.__qualname__}"


def queue(
    builder: Builder | str, *, object_id: int | None = None, address: str = "", argument: str = ""
) -> QueuedEmail:
    """Record an email to send and queue its task for when the transaction commits."""
    row = QueuedEmail.objects.create(
        builder=_path(builder), object_id=object_id, address=address, argument=argument
    )
    transaction.on_commit(lambda: enqueue(row.pk))
    return row


def latest(builder: Builder | str, object_id: int) -> QueuedEmail | None:
    return (
        QueuedEmail.objects.filter(builder=_path(builder), object_id=object_id)
        .order_by("-pk")
        .first()
    )
