"""Admin for the paper store: look papers up; their content belongs to ingest.

Everything arXiv gave us is read-only here, because the next import would silently
overwrite a hand edit; the community counters are derived and recounted by the trending job.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from dailypapers.papers.models import IngestRun, Paper

CONTENT_FIELDS = (
    "arxiv_id", "version", "title", "abstract", "author_names", "primary_category",
    "categories", "comments", "journal_ref", "doi", "report_no", "license", "submitted_at",
    "updated_at", "announced_on", "announced_on_estimated", "code_links", "has_code",
)  # fmt: skip
DERIVED_FIELDS = (
    "upvote_count", "comment_count", "trending_score", "content_hash", "first_seen_at",
    "changed_at",
)  # fmt: skip


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = (
        "arxiv_id", "short_title", "primary_category", "announced_on", "has_code",
        "upvote_count", "comment_count",
    )  # fmt: skip
    # arxiv_id first and exact: an id pasted into the box finds its paper without a scan.
    search_fields = ("=arxiv_id", "title")
    list_filter = ("primary_category", "announced_on", "has_code")
    date_hierarchy = "announced_on"
    readonly_fields = CONTENT_FIELDS + DERIVED_FIELDS
    fieldsets = (
        (None, {"fields": CONTENT_FIELDS}),
        ("Community and bookkeeping", {"fields": DERIVED_FIELDS}),
    )
    ordering = ("-announced_on", "-arxiv_id")
    show_full_result_count = False  # COUNT(*) over every paper on each page view is slow

    @admin.display(description="title", ordering="title")
    def short_title(self, paper: Paper) -> str:
        return paper.title if len(paper.title) <= 90 else f"{paper.title[:89]}…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # papers come from arXiv (ingest or /submit/), never from a blank form


@admin.register(IngestRun)
class IngestRunAdmin(admin.ModelAdmin):
    """What each import did, for operators; written by ingest only."""

    list_display = ("source", "detail", "finished_at", "new", "updated", "skipped", "error")
    list_filter = ("source",)
    date_hierarchy = "finished_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: IngestRun | None = None) -> bool:
        return False
