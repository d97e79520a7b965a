"""One row per paper that a thumbnail was tried for, and the shared request slot."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q, QuerySet

from dailypapers.papers.models import Paper

# A failed fetch (arXiv unreachable, 5xx after the client's retries) is tried again by the
# backlog after this long, up to MAX_ATTEMPTS in all; a fetch still running after
# STALE_AFTER was a worker that died, and is taken over.
RETRY_AFTER = timedelta(hours=24)
MAX_ATTEMPTS = 3
STALE_AFTER = timedelta(hours=1)


class ThumbnailQuerySet(QuerySet["Thumbnail"]):
    def retryable(self, now: datetime) -> ThumbnailQuerySet:
        """Rows a new attempt may take over: failed a while ago, or abandoned mid-fetch."""
        failed = Q(status=Thumbnail.Status.FAILED, attempts__lt=MAX_ATTEMPTS)
        failed &= Q(updated_at__lte=now - RETRY_AFTER)
        stale = Q(status=Thumbnail.Status.FETCHING, updated_at__lte=now - STALE_AFTER)
        return self.filter(failed | stale)

    def counts(self) -> dict[str, int]:
        rows = self.order_by().values_list("status").annotate(n=models.Count("pk"))
        return {status: n for status, n in rows}


class Thumbnail(models.Model):
    class Status(models.TextChoices):
        FETCHING = "fetching"  # claimed: a worker is fetching or rendering it now
        RENDERED = "rendered"
        SKIPPED = "skipped"  # the PDF came but gives no picture (reason says why): final
        FAILED = "failed"  # no PDF came (network, 5xx): tried again later

    # One row per paper, ever: the unique key is what keeps a paper from being fetched twice.
    paper = models.OneToOneField(Paper, on_delete=models.CASCADE, related_name="thumbnail")
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    pdf_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    bytes = models.PositiveIntegerField(null=True, blank=True)  # of the WebP file
    width = models.PositiveSmallIntegerField(null=True, blank=True)
    height = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ThumbnailQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["status", "updated_at"], name="thumbnail_status_idx")]

    def __str__(self) -> str:
        return f"thumbnail of {self.paper_id}: {self.status}"

    @property
    def rendered(self) -> bool:
        return self.status == self.Status.RENDERED


class RequestSlot(models.Model):
    """When the last request to a host started, in microseconds since the epoch: every
    process reserves the next start here (gate.py), so together they keep one interval."""

    name = models.CharField(max_length=100, unique=True)
    last_start_us = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return self.name
