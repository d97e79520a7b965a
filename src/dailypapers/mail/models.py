"""Outgoing email waiting for (or done with) the task queue: one row per message to send."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class QueuedEmail(models.Model):
    """One email to send, rendered only when it is sent.

    ``builder`` names the function (a dotted path) that renders it from this row, so the
    queue needs no import of the parts that send mail. ``object_id`` is whatever that
    function looks up (a user, a subscriber); ``address`` is for mail that goes to a typed
    address (a password reset); ``argument`` chooses between variants of one builder.
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        SENDING = "sending"
        SENT = "sent"
        SKIPPED = "skipped"  # nothing left to send when its turn came
        FAILED = "failed"  # given up on: the member is told and can ask again

    builder = models.CharField(max_length=200)
    object_id = models.BigIntegerField(null=True, blank=True)
    address = models.EmailField(max_length=254, blank=True)
    argument = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["builder", "object_id"], name="mail_queued_builder_obj")]

    def __str__(self) -> str:
        return f"{self.builder.rsplit('.', 1)[-1]} #{self.pk} ({self.status})"

    @property
    def pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.SENDING)
