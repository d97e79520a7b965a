"""The paper store: papers, their authors and categories, and harvest checkpoints."""

from __future__ import annotations

from django.db import models
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Lower

from dailypapers.lib.arxiv.ids import abs_url, pdf_url
from dailypapers.papers.querysets import PaperQuerySet
from dailypapers.papers.title_key import TitleKey


class Author(models.Model):
    name = models.CharField(max_length=300)
    # Lower-case, accent-free, whitespace-collapsed: "C. Balázs" and "C. Bal\'azs" are one author.
    key = models.CharField(max_length=300, unique=True)

    def __str__(self) -> str:
        return self.name


class Paper(models.Model):
    arxiv_id = models.CharField(max_length=40, unique=True)
    version = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.TextField()
    abstract = models.TextField(blank=True)
    # Display names in order, kept on the paper so list pages need no join; the
    # PaperAuthor rows below serve author pages.
    author_names = models.JSONField(default=list, blank=True)
    primary_category = models.CharField(max_length=40, blank=True)
    categories = models.CharField(max_length=400, blank=True)  # space-separated, primary first
    comments = models.TextField(blank=True)
    journal_ref = models.TextField(blank=True)
    doi = models.CharField(max_length=200, blank=True)
    report_no = models.TextField(blank=True)
    license = models.CharField(max_length=200, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    announced_on = models.DateField(null=True, blank=True)
    # True when the day was estimated from the submission time because no listing said;
    # a real listing day always replaces an estimate.
    announced_on_estimated = models.BooleanField(default=False)
    code_links = models.JSONField(default=list, blank=True)
    has_code = models.BooleanField(default=False)  # code_links is not empty; a feed filter
    # Community counters, kept exact by the feed app (F() increments beside unique votes)
    # and recounted by the periodic trending job; the score is explained on the About page.
    upvote_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    trending_score = models.FloatField(default=0.0)
    # Digest of the stored content: re-importing identical input changes nothing.
    content_hash = models.CharField(max_length=32)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    authors: models.ManyToManyField[Author, PaperAuthor] = models.ManyToManyField(
        Author, through="PaperAuthor", related_name="papers"
    )

    objects = PaperQuerySet.as_manager()

    # Not columns: what a list sets on the items it shows, for feed/paper_item.html, which
    # reads each only where set. mark_voted() sets voted; "For you" a reason; search a snippet.
    voted: bool
    reason: str
    snippet: str

    class Meta:
        indexes = [
            models.Index(fields=["announced_on", "arxiv_id"], name="paper_day_idx"),
            models.Index(fields=["primary_category", "announced_on"], name="paper_primary_cat_idx"),
            models.Index(fields=["submitted_at"], name="paper_submitted_idx"),
            models.Index(fields=["-trending_score"], name="paper_trending_idx"),
            models.Index(fields=["announced_on", "-upvote_count"], name="paper_day_votes_idx"),
            # Pasting a title or a DOI into search finds the paper (search/lookup.py).
            models.Index(TitleKey("title"), name="paper_title_key_idx"),
            models.Index(Lower("doi"), name="paper_doi_lower_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.arxiv_id}: {self.title[:60]}"

    @property
    def category_list(self) -> list[str]:
        return self.categories.split()

    @property
    def versioned_id(self) -> str:
        return f"{self.arxiv_id}v{self.version}" if self.version else self.arxiv_id

    @property
    def abs_url(self) -> str:
        return abs_url(self.arxiv_id)

    @property
    def pdf_url(self) -> str:
        return pdf_url(self.arxiv_id)


class PaperAuthor(models.Model):
    # Both lookups are served by the composite indexes below; single-column FK indexes
    # would only slow the bulk import down.
    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="authorships", db_index=False
    )
    author = models.ForeignKey(
        Author, on_delete=models.CASCADE, related_name="authorships", db_index=False
    )
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "position"], name="paperauthor_unique_position"
            ),
        ]
        indexes = [models.Index(fields=["author", "paper"], name="paperauthor_author_idx")]

    def __str__(self) -> str:
        return f"author {self.author_id} #{self.position} of {self.paper_id}"


class PaperCategory(models.Model):
    """One row per (paper, category), cross-lists included, so category pages use an index."""

    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="category_rows", db_index=False
    )
    category = models.CharField(max_length=40)
    announced_on = models.DateField(null=True, blank=True)  # copied from the paper for the index

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["paper", "category"], name="papercategory_unique"),
        ]
        indexes = [models.Index(fields=["category", "announced_on"], name="papercategory_day_idx")]

    def __str__(self) -> str:
        return f"{self.paper_id} in {self.category}"


class HarvestState(models.Model):
    """Where an incremental harvest stands, so a killed one resumes and the next one continues.

    ``key`` names the harvest, e.g. "oai:cs:arXiv". While a harvest runs, ``resumption_token``
    holds the token of the next page to fetch; it is cleared when the list is complete, and
    ``harvested_until`` moves to the ``until`` date of that harvest.
    """

    key = models.CharField(max_length=200, unique=True)
    window_from = models.DateField(null=True, blank=True)
    window_until = models.DateField(null=True, blank=True)
    resumption_token = models.TextField(blank=True)
    pages_done = models.PositiveIntegerField(default=0)
    harvested_until = models.DateField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.key


class IngestRunQuerySet(QuerySet["IngestRun"]):
    def latest_per_source(self) -> list[IngestRun]:
        """The newest finished run of each source (api, oai, rss, jsonl), by source name.

        Two scans of a table with a row per ingest (a correlated subquery would rescan it
        for every row)."""
        newest = self.order_by().values("source").annotate(last=Max("finished_at"))
        wanted = Q()
        for row in newest:
            wanted |= Q(source=row["source"], finished_at=row["last"])
        if not wanted:
            return []
        runs: dict[str, IngestRun] = {}
        for run in self.filter(wanted).order_by("source", "-pk"):
            runs.setdefault(run.source, run)  # two runs that ended at the same instant
        return list(runs.values())


class IngestRun(models.Model):
    """One finished ingest, for the status page and for operators."""

    source = models.CharField(max_length=40)
    detail = models.CharField(max_length=400, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    objects = IngestRunQuerySet.as_manager()

    class Meta:
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.source} at {self.finished_at:%Y-%m-%d %H:%M}"
