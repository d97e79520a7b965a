"""Paper vectors for the semantic layer. The keyword index has no model: it lives beside
papers_paper (see backends/ and migrations/), and apps.py relies on this module existing for
Django to send post_migrate, which repairs the SQLite triggers after a table rebuild.
"""

from __future__ import annotations

from django.db import models

from dailypapers.papers.models import Paper


class PaperEmbedding(models.Model):
    """One vector per paper, of the embedder named in ``model``.

    Vectors of different models are never compared: when the configured model changes,
    ``dailypapers embed`` replaces the old ones, and until then the old ones are ignored.
    ``vector`` holds float16 values (little-endian): half the bytes of float32, and cosine
    rankings move by far less than the differences between papers.
    """

    paper = models.OneToOneField(
        Paper, on_delete=models.CASCADE, primary_key=True, related_name="embedding"
    )
    model = models.CharField(max_length=200)
    dim = models.PositiveSmallIntegerField()
    vector = models.BinaryField()
    # What was embedded, so a changed title or abstract is embedded again.
    content_hash = models.CharField(max_length=32)
    embedded_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Answers "the newest vector of this model" at once (vectors.py checks it often).
        indexes = [models.Index(fields=["model", "embedded_at"], name="embedding_model_time_idx")]

    def __str__(self) -> str:
        return f"{self.paper_id} ({self.model})"


class KeywordChange(models.Model):
    """One change to a paper's searchable text, logged by triggers (keyword_log.py) in the
    transaction that made it: the embedded keyword index catches up by these."""

    seq = models.BigAutoField(primary_key=True)
    # Not a foreign key: a deleted paper's row stays, so the index learns to drop it.
    paper_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.seq}: {self.paper_id}"
