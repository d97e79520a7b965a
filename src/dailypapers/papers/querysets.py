"""How parts ask for papers: the idioms list pages, the API and search share, in one place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import F, QuerySet

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    from dailypapers.papers.models import Paper

# What a list item shows; the abstract is needed for its first lines. The submitter's
# columns are what User.public_name and the profile link (the handle) read: a column left
# out here would cost one query per item (the query-count tests on the home page would
# notice). The submission and votes are the feed's relations to Paper; the automatic
# summary, the thumbnail row and the GitHub repository are the summaries, thumbnails and
# repos apps' one-to-one rows. All are named here by their related names, so papers imports
# no app above it and a list stays one query.
LIST_COLUMNS = (
    "arxiv_id", "title", "abstract", "author_names", "primary_category", "categories",
    "code_links", "has_code", "announced_on", "upvote_count", "comment_count", "trending_score",
    "submission__feed_day", "submission__submitted_at",
    "submission__submitted_by__display_name", "submission__submitted_by__is_active",
    "submission__submitted_by__handle",
    "auto_summary__summary", "auto_summary__keywords", "auto_summary__method",
    "thumbnail__status", "thumbnail__updated_at",
)  # fmt: skip
SUBMITTER = "submission__submitted_by"
# The paper's GitHub repository (the repos app's RepoLink, one per paper at most): list rows
# get its stars as ``github_stars`` (None without one), read by repos/_card.html; a single
# paper joins the whole row. Two one-to-one joins in the paper's own query either way.
REPOSITORY = "repo_link__repository"
GITHUB_STARS = f"{REPOSITORY}__stars"
# The summaries app's automatic summary (its related name), shown on cards and in the API.
AUTO_SUMMARY = "auto_summary"
# The thumbnails app's row of the paper (its status and render time): what cards and the
# API show of it, joined like the submission.
THUMBNAIL = "thumbnail"


class PaperQuerySet(QuerySet["Paper"]):
    def listed(self) -> PaperQuerySet:
        """Load what a list item shows, the submitter included, in the list's own query."""
        return (
            self.select_related(SUBMITTER, AUTO_SUMMARY, THUMBNAIL)
            .only(*LIST_COLUMNS)
            .annotate(github_stars=F(GITHUB_STARS))
        )

    def with_submitter(self) -> PaperQuerySet:
        """Every column of the paper, its submission, the submitter, its automatic summary,
        its thumbnail row and its GitHub repository (stars included), in one query."""
        return self.select_related(SUBMITTER, AUTO_SUMMARY, THUMBNAIL, REPOSITORY)

    def voted_by(self, user: AbstractBaseUser | AnonymousUser) -> PaperQuerySet:
        """The papers this member upvoted; none for a signed-out visitor."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(votes__user=user.pk)

    def in_order(self, ids: Sequence[int]) -> list[Paper]:
        """The rows with these ids, in the order of ``ids``, in one query.

        Search, topics and recommendations rank ids elsewhere; the queryset says which
        columns to load. A paper deleted meanwhile (or outside the queryset) is left out.
        """
        rows = {paper.pk: paper for paper in self.filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]
