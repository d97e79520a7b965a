"""GitHub repositories papers link, their stars, and a star count per day."""

from __future__ import annotations

from datetime import datetime

from django.db import models

from dailypapers.papers.models import Paper


class RepositoryQuerySet(models.QuerySet["Repository"]):
    def named(self, owner: str, name: str) -> RepositoryQuerySet:
        return self.filter(key=Repository.key_for(owner, name))


class Repository(models.Model):
    """One repository on github.com; GitHub's names are case-insensitive, so is ``key``."""

    PENDING = "pending"  # never fetched
    OK = "ok"
    GONE = "gone"  # 404, 410 or 451: deleted, made private, or blocked
    FAILED = "failed"  # the last fetch failed (5xx, unreadable); the last stars are kept
    STATUSES = [(PENDING, "Not fetched yet"), (OK, "Fetched"), (GONE, "Gone"),
                (FAILED, "Last fetch failed")]  # fmt: skip

    owner = models.CharField(max_length=100)
    name = models.CharField(max_length=100)
    key = models.CharField(max_length=201, unique=True)  # "owner/name", lower-case
    stars = models.PositiveIntegerField(null=True, blank=True)
    # Stars gained per day lately (refresh.py): the "Trending on GitHub" order.
    stars_per_day = models.FloatField(default=0.0)
    etag = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)  # on GitHub
    fetched_at = models.DateTimeField(null=True, blank=True)  # the last attempt
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    detail = models.CharField(max_length=300, blank=True)  # why the last fetch failed

    objects = RepositoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "repositories"
        indexes = [
            models.Index(fields=["-stars_per_day"], name="repo_stars_per_day_idx"),
            models.Index(fields=["fetched_at"], name="repo_fetched_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.owner}/{self.name}"

    @staticmethod
    def key_for(owner: str, name: str) -> str:
        return f"{owner}/{name}".lower()

    @property
    def url(self) -> str:
        return f"https://github.com/{self.owner}/{self.name}"


class RepoLink(models.Model):
    """A paper's repository: its first GitHub code link (the Hub's ``githubRepo``).

    Several papers may share a repository; a paper has at most one, so lists reach its
    stars through two joins without multiplying rows.
    """

    paper = models.OneToOneField(
        Paper, on_delete=models.CASCADE, primary_key=True, related_name="repo_link"
    )
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="links")

    def __str__(self) -> str:
        return f"{self.paper_id} -> {self.repository_id}"


class StarCount(models.Model):
    """The stars a repository had on a day (UTC): the last fetch of that day wins."""

    repository = models.ForeignKey(
        Repository, on_delete=models.CASCADE, related_name="history", db_index=False
    )
    day = models.DateField()
    stars = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["repository", "day"], name="starcount_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.repository_id} on {self.day}: {self.stars}"


class RefreshState(models.Model):
    """Moments the refresh remembers between runs, by name: "paused-until" (GitHub asked us
    to stop until then)."""

    name = models.CharField(max_length=40, primary_key=True)
    moment = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {self.moment}"

    @classmethod
    def read(cls, name: str) -> datetime | None:
        return cls.objects.filter(name=name).values_list("moment", flat=True).first()

    @classmethod
    def write(cls, name: str, moment: datetime) -> None:
        cls.objects.update_or_create(name=name, defaults={"moment": moment})
