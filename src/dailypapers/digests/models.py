"""Subscribers, digest runs, one delivery row per (subscriber, run), and papers sent.

The invariants live in the database: one subscriber per address, one run per hour slot,
one delivery per subscriber and run, and a paper recorded once per subscriber, so no
worker, however many or however killed, can send a paper or a run's digest twice.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower

from dailypapers.digests.schedule import DAILY, WEEKLY
from dailypapers.papers.models import Paper


def new_link_key() -> str:
    return secrets.token_urlsafe(12)


_new_link_key = new_link_key  # the name migration 0001 refers to


class DigestRunQuerySet(QuerySet["DigestRun"]):
    def with_delivery_counts(self) -> DigestRunQuerySet:
        """Each run with its deliveries counted by outcome, in the run's own query:
        ``sent``, ``failed`` (given up: refused for good, or out of attempts), ``retrying``
        (a try failed for now, another is due), ``waiting`` (not tried yet, or being sent),
        ``empty`` (nothing new: no mail) and ``cancelled`` (the subscriber left first);
        newest first."""

        state = Delivery.State

        def count(condition: Q) -> Count:
            return Count("deliveries", filter=condition)

        return self.annotate(
            sent=count(Q(deliveries__state=state.SENT)),
            failed=count(Q(deliveries__state=state.FAILED)),
            retrying=count(Q(deliveries__state=state.PENDING, deliveries__attempts__gt=0)),
            waiting=count(
                Q(deliveries__state=state.PENDING, deliveries__attempts=0)
                | Q(deliveries__state=state.SENDING)
            ),
            empty=count(Q(deliveries__state=state.EMPTY)),
            cancelled=count(Q(deliveries__state=state.CANCELLED)),
        ).order_by("-slot")  # Meta.ordering is not applied to a grouped query


@dataclass(frozen=True)
class BounceFigures:
    subscribed: int  # confirmed and not unsubscribed (paused and stopped ones included)
    bouncing: int  # of those, whose last digest was refused as undeliverable
    stopped: int  # of those, whose mail stopped after DIGEST_MAX_BOUNCES refusals in a row

    @property
    def rate(self) -> float | None:
        """``bouncing`` as a share of ``subscribed``; None when nobody is subscribed."""
        return self.bouncing / self.subscribed if self.subscribed else None

    @property
    def percent(self) -> float | None:
        return None if self.rate is None else self.rate * 100


class SubscriberQuerySet(QuerySet["Subscriber"]):
    def subscribed(self) -> SubscriberQuerySet:
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    def bounce_figures(self) -> BounceFigures:
        """``bounce_count`` counts refusals of the address in a row (an accepted digest sets
        it back to 0), so a subscriber with one or more is bouncing now."""
        figures = self.subscribed().aggregate(
            subscribed=Count("pk"),
            bouncing=Count("pk", filter=Q(bounce_count__gt=0) | Q(bounced_at__isnull=False)),
            stopped=Count("pk", filter=Q(bounced_at__isnull=False)),
        )
        return BounceFigures(**figures)


class Subscriber(models.Model):
    class Content(models.TextChoices):
        TRENDING = "trending", "Trending papers"
        TOPICS = "topics", "Chosen topics or categories"
        PERSONAL = "personal", "Personal recommendations (signed-in members)"

    class Frequency(models.TextChoices):
        DAILY = DAILY, "Daily"
        WEEKLY = WEEKLY, "Weekly"

    email = models.EmailField()  # stored lower-case
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="digest_subscriptions",
    )
    frequency = models.CharField(max_length=10, choices=Frequency, default=DAILY)
    send_hour = models.PositiveSmallIntegerField(default=8)  # local hour, 0-23
    time_zone = models.CharField(max_length=64, default="UTC")
    weekday = models.PositiveSmallIntegerField(default=0)  # Monday 0; weekly digests only
    content = models.CharField(max_length=10, choices=Content, default=Content.TRENDING)
    categories = models.JSONField(default=list, blank=True)  # e.g. ["cs.LG", "cs.CL"]
    topic_ids = models.JSONField(default=list, blank=True)  # feed Topic ids, when topics exist
    top_n = models.PositiveSmallIntegerField(default=10)
    paused = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # Permanent SMTP failures in a row; at DIGEST_MAX_BOUNCES mail to the address stops.
    bounce_count = models.PositiveSmallIntegerField(default=0)
    bounced_at = models.DateTimeField(null=True, blank=True)
    # When the next digest is due (UTC, on the hour); null while unconfirmed or stopped.
    next_due_at = models.DateTimeField(null=True, blank=True)
    # The newest announcement day already covered by a digest: the next one starts after it.
    covered_until = models.DateField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    # Part of every signed link: changing it (on unsubscribe) retires the old links.
    link_key = models.CharField(max_length=32, default=new_link_key)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(send_hour__lte=23), name="subscriber_send_hour_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="subscriber_weekday_valid"
            ),
        ]
        indexes = [models.Index(fields=["next_due_at"], name="subscriber_due_idx")]

    def __str__(self) -> str:
        return self.email

    @property
    def receives_mail(self) -> bool:
        return (
            self.confirmed_at is not None
            and self.unsubscribed_at is None
            and self.bounced_at is None
            and not self.paused
        )


class DigestRun(models.Model):
    """All the digests due in one UTC hour; created once per slot, resumed until done."""

    slot = models.DateTimeField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The newest announcement day when the run began: digests cover papers up to it.
    latest_day = models.DateField(null=True, blank=True)
    planned = models.PositiveIntegerField(default=0)
    planning_done = models.BooleanField(default=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Seconds spent in each phase, summed over the workers (bench/digest.py reports them).
    select_seconds = models.FloatField(default=0.0)
    rank_seconds = models.FloatField(default=0.0)
    render_seconds = models.FloatField(default=0.0)
    send_seconds = models.FloatField(default=0.0)
    record_seconds = models.FloatField(default=0.0)

    objects = DigestRunQuerySet.as_manager()

    class Meta:
        ordering = ["-slot"]

    def __str__(self) -> str:
        return f"digest run {self.slot:%Y-%m-%d %H:00} UTC"


class Delivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"  # claimed by a worker; SMTP may or may not have accepted it
        SENT = "sent"
        EMPTY = "empty"  # nothing new to send: no email
        FAILED = "failed"
        CANCELLED = "cancelled"  # the subscriber left, paused or bounced before it went

    run = models.ForeignKey(DigestRun, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)  # which worker holds it
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    paper_ids = models.JSONField(default=list, blank=True)  # what the digest held, in order
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "run"], name="delivery_once_per_run"),
        ]
        indexes = [
            models.Index(fields=["run", "state", "next_attempt_at"], name="delivery_due_idx"),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.subscriber_id} in run {self.run_id}: {self.state}"


class SentPaper(models.Model):
    """A paper that went to a subscriber: it is never sent to them again."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="sent_papers", db_index=False
    )
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+", db_index=False)
    # No index: rows are looked up by subscriber, and a run writes a great many of them.
    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "paper"], name="sentpaper_once"),
        ]

    def __str__(self) -> str:
        return f"paper {self.paper_id} to {self.subscriber_id}"
