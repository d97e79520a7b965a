"""Admin for the community: submissions, comments, collections, curation, votes and claims.

Changes that move a paper's counters go through the same services as the site (or are
followed by ``refresh_papers``), so the admin never leaves counts or scores stale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from dailypapers.feed.community.services.claims import ClaimRefused, decide
from dailypapers.feed.community.services.comments import set_hidden
from dailypapers.feed.markdown import render_markdown
from dailypapers.feed.models import (
    AuthorClaim,
    Collection,
    CollectionItem,
    Comment,
    CommentFlag,
    Curation,
    Submission,
    Topic,
    Vote,
)
from dailypapers.feed.topics import TopicError, clean_categories, clean_query
from dailypapers.feed.trending import refresh_papers

if TYPE_CHECKING:
    # django-stubs' name for "a model instance carrying these annotate() columns".
    from django_stubs_ext import WithAnnotations


class _ItemCount(TypedDict):
    item_count: int


class _Followers(TypedDict):
    followers: int


class ReadOnlyMixin:
    """A list to look at: rows are written by the site, not by hand."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("paper", "submitted_by", "feed_day", "submitted_at")
    list_filter = ("feed_day",)
    search_fields = ("=paper__arxiv_id", "paper__title", "submitted_by__email")
    raw_id_fields = ("paper", "submitted_by")
    list_select_related = ("paper", "submitted_by")
    date_hierarchy = "feed_day"

    def save_model(self, request: HttpRequest, obj: Submission, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        refresh_papers([obj.paper_id])  # being submitted changes the trending score

    def delete_model(self, request: HttpRequest, obj: Submission) -> None:
        paper_id = obj.paper_id
        super().delete_model(request, obj)
        refresh_papers([paper_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        paper_ids = list(queryset.values_list("paper_id", flat=True))
        super().delete_queryset(request, queryset)
        refresh_papers(paper_ids)


class CommentFlagInline(ReadOnlyMixin, admin.TabularInline):
    model = CommentFlag
    fields = ("user", "reason", "created_at")
    readonly_fields = fields
    extra = 0


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = (
        "excerpt", "author", "paper", "created_at", "flag_count", "is_hidden", "is_deleted",
    )  # fmt: skip
    list_filter = ("is_hidden", "is_deleted", "created_at")
    search_fields = ("body", "author__email", "=paper__arxiv_id")
    list_select_related = ("author", "paper")
    raw_id_fields = ("paper", "author", "parent")
    readonly_fields = (
        "paper", "author", "parent", "body_html", "created_at", "edited_at", "is_deleted",
        "flag_count",
    )  # fmt: skip
    fields = readonly_fields[:3] + ("body", "is_hidden") + readonly_fields[3:]
    inlines = [CommentFlagInline]
    actions = ["hide", "unhide"]
    ordering = ("-created_at",)

    @admin.display(description="comment")
    def excerpt(self, comment: Comment) -> str:
        if comment.is_deleted:
            return "[deleted]"
        return comment.body if len(comment.body) <= 80 else f"{comment.body[:79]}…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments are written by members on the site

    def save_model(self, request: HttpRequest, obj: Comment, form, change: bool) -> None:
        # The stored HTML is what pages show: an edited body must be rendered again.
        obj.body_html = render_markdown(obj.body)
        super().save_model(request, obj, form, change)
        refresh_papers([obj.paper_id])  # is_hidden may have changed the comment count

    def delete_model(self, request: HttpRequest, obj: Comment) -> None:
        paper_id = obj.paper_id
        super().delete_model(request, obj)
        refresh_papers([paper_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        paper_ids = list(queryset.values_list("paper_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        refresh_papers(paper_ids)

    @admin.action(description="Hide the selected comments")
    def hide(self, request: HttpRequest, queryset: QuerySet) -> None:
        changed = sum(set_hidden(comment, True) for comment in queryset)
        self.message_user(request, f"Hid {changed} comment(s).", messages.SUCCESS)

    @admin.action(description="Show the selected comments again")
    def unhide(self, request: HttpRequest, queryset: QuerySet) -> None:
        changed = sum(set_hidden(comment, False) for comment in queryset)
        self.message_user(request, f"Unhid {changed} comment(s).", messages.SUCCESS)


class CollectionItemInline(admin.TabularInline):
    model = CollectionItem
    raw_id_fields = ("paper",)
    extra = 0


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "is_public", "paper_count", "created_at")
    list_filter = ("is_public",)
    search_fields = ("name", "owner__email")
    raw_id_fields = ("owner",)
    list_select_related = ("owner",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CollectionItemInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description="papers", ordering="item_count")
    def paper_count(self, collection: WithAnnotations[Collection, _ItemCount]) -> int:
        return collection.item_count


@admin.register(Curation)
class CurationAdmin(admin.ModelAdmin):
    list_display = ("paper", "day", "state", "curator", "note")
    list_filter = ("state", "day")
    search_fields = ("=paper__arxiv_id", "paper__title", "note")
    raw_id_fields = ("paper",)
    readonly_fields = ("curator", "created_at")
    list_select_related = ("paper", "curator")
    date_hierarchy = "day"

    def save_model(self, request: HttpRequest, obj: Curation, form, change: bool) -> None:
        # The admin site lets only signed-in staff this far; the assert tells the type checker.
        assert request.user.is_authenticated
        obj.curator = request.user  # the last person to decide answers for the decision
        super().save_model(request, obj, form, change)


@admin.register(Vote)
class VoteAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("user", "paper", "created_at")
    search_fields = ("=paper__arxiv_id", "user__email")
    list_select_related = ("user", "paper")
    date_hierarchy = "created_at"
    show_full_result_count = False


class TopicAdminForm(forms.ModelForm):
    """The site's own rules for a topic's query and categories hold in the admin too."""

    class Meta:
        model = Topic
        fields = (
            "name", "slug", "query", "categories", "description", "is_featured", "created_by",
        )  # fmt: skip

    def clean_query(self) -> str:
        try:
            return clean_query(self.cleaned_data.get("query") or "")
        except TopicError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_categories(self) -> list[str]:
        value = self.cleaned_data.get("categories") or []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise forms.ValidationError('A list of category names, e.g. ["cs.LG", "stat.ML"].')
        try:
            return clean_categories(value)
        except TopicError as error:
            raise forms.ValidationError(str(error)) from None


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    form = TopicAdminForm
    list_display = ("name", "slug", "query", "is_featured", "follower_count", "created_by")
    list_filter = ("is_featured",)
    search_fields = ("name", "slug", "query", "description")
    raw_id_fields = ("created_by",)
    list_select_related = ("created_by",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(followers=Count("follows"))

    @admin.display(description="followers", ordering="followers")
    def follower_count(self, topic: WithAnnotations[Topic, _Followers]) -> int:
        return topic.followers


@admin.register(AuthorClaim)
class AuthorClaimAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Claims to look at; decided with the actions, through the same rules as /staff/claims/."""

    list_display = ("name", "paper", "member", "status", "created_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("=paper__arxiv_id", "name", "member__handle", "member__email")
    list_select_related = ("paper", "member", "decided_by")
    actions = ("approve", "reject")

    def _decide(self, request: HttpRequest, queryset: QuerySet, approve: bool) -> None:
        done = 0
        for claim_id in queryset.filter(status=AuthorClaim.PENDING).values_list("pk", flat=True):
            try:
                decide(claim_id, request.user, approve=approve)  # type: ignore[arg-type]
            except ClaimRefused as refused:
                self.message_user(request, f"Claim {claim_id}: {refused}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, f"{'Approved' if approve else 'Rejected'} {done} claim(s).")

    @admin.action(description="Approve the selected pending claims")
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description="Reject the selected pending claims")
    def reject(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, approve=False)
