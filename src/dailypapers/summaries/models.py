"""One automatic summary per paper, and what it was made from."""

from __future__ import annotations

from django.db import models

from dailypapers.papers.models import Paper

EXTRACTIVE = "extractive"
MODEL_PREFIX = "model:"


class AutoSummary(models.Model):
    """Key phrases and a short summary of a paper, made by a machine (labelled so on pages).

    ``content_hash`` is the paper's own ``content_hash`` when the row was made: a row whose
    hash differs from the paper's is stale and is made again (store.py). ``method`` is
    "extractive" (lib/extractive.py) or "model:NAME" when an operator's endpoint wrote the
    summary (abstractive.py); ``model_asked`` says which model was asked about which version
    ("NAME@v3"), so that no version is sent twice.
    """

    paper = models.OneToOneField(
        Paper, on_delete=models.CASCADE, primary_key=True, related_name="auto_summary"
    )
    keywords = models.JSONField(default=list)
    summary = models.TextField()
    method = models.CharField(max_length=120, default=EXTRACTIVE)
    content_hash = models.CharField(max_length=32)
    version = models.PositiveSmallIntegerField(null=True, blank=True)
    model_asked = models.CharField(max_length=140, blank=True)
    made_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"summary of {self.paper_id} ({self.method})"

    @property
    def by_model(self) -> bool:
        return self.method.startswith(MODEL_PREFIX)
