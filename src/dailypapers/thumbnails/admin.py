from __future__ import annotations

from django.contrib import admin

from dailypapers.thumbnails.models import Thumbnail


@admin.register(Thumbnail)
class ThumbnailAdmin(admin.ModelAdmin[Thumbnail]):
    """What became of each paper's thumbnail; deleting a row lets the backlog try it again."""

    list_display = ["paper", "status", "reason", "attempts", "pages", "bytes", "updated_at"]
    list_filter = ["status"]
    search_fields = ["paper__arxiv_id", "reason"]
    list_select_related = ["paper"]
    raw_id_fields = ["paper"]
    readonly_fields = ["created_at", "updated_at"]
