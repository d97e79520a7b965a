"""The JSON shapes of the API: our own /api/v1, and the Hugging Face-compatible routes.

v1 items are read straight from Paper rows through resolvers, so an endpoint returns rows
and these classes decide what a client sees. The Hugging Face shapes use that site's
camelCase names on purpose: the huggingface_hub client parses exactly these keys.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.urls import reverse
from ninja import Field, Schema
from pydantic import SerializerFunctionWrapHandler, model_serializer

from dailypapers.accounts.models import User
from dailypapers.papers.models import Author, Paper
from dailypapers.repos.api import HubRepoFields
from dailypapers.summaries.schema import AutoSummaryFields


def absolute(context: dict[str, Any] | None, path: str) -> str:
    request = (context or {}).get("request")
    return request.build_absolute_uri(path) if request is not None else path


# -- errors --------------------------------------------------------------------------------


class ErrorDetail(Schema):
    code: str = Field(description="Stable and machine-readable, e.g. not_found, invalid_cursor")
    message: str = Field(description="For people; the wording may change")


class ErrorOut(Schema):
    error: ErrorDetail


# -- v1 ------------------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    name: str
    handle: str = Field(description="Public and unique: the profile is /u/<handle>/")

    @staticmethod
    def resolve_name(obj: User) -> str:
        return obj.public_name


class SubmissionOut(Schema):
    feed_day: date = Field(description="The day whose feed the member put the paper on")
    submitted_at: datetime
    submitted_by: MemberOut | None = Field(description="null once the account is deleted")


class PaperOut(AutoSummaryFields):  # ai_summary, ai_keywords
    arxiv_id: str
    title: str
    abstract: str
    authors: list[str] = Field(description="Display names in paper order")
    categories: list[str] = Field(description="arXiv categories, primary first")
    primary_category: str
    announced_on: date | None = Field(description="The arXiv listing day")
    submitted_at: datetime | None = Field(description="When arXiv received version 1")
    updated_at: datetime | None = Field(description="When arXiv received the latest version")
    version: int | None
    upvotes: int
    comments: int
    trending_score: float
    has_code: bool
    code_links: list[str]
    featured: bool = Field(description="A curator featured it on this day (day lists only)")
    url: str = Field(description="The paper's page here")
    arxiv_url: str
    pdf_url: str
    submission: SubmissionOut | None

    @staticmethod
    def resolve_authors(obj: Paper) -> list[str]:
        return list(obj.author_names)

    @staticmethod
    def resolve_categories(obj: Paper) -> list[str]:
        return obj.category_list

    @staticmethod
    def resolve_upvotes(obj: Paper) -> int:
        return obj.upvote_count

    @staticmethod
    def resolve_comments(obj: Paper) -> int:
        return obj.comment_count

    @staticmethod
    def resolve_featured(obj: Paper) -> bool:
        return bool(getattr(obj, "featured", False))

    @staticmethod
    def resolve_url(obj: Paper, context: dict[str, Any] | None) -> str:
        return absolute(context, reverse("feed:paper", args=[obj.arxiv_id]))

    @staticmethod
    def resolve_arxiv_url(obj: Paper) -> str:
        return obj.abs_url

    @staticmethod
    def resolve_submission(obj: Paper) -> Any:
        return getattr(obj, "submission", None)


class AuthorOut(Schema):
    id: int
    name: str
    url: str = Field(description="The author's page here")

    @staticmethod
    def resolve_url(obj: Author, context: dict[str, Any] | None) -> str:
        return absolute(context, reverse("feed:author", args=[obj.pk]))


class PaperDetailOut(PaperOut):
    author_profiles: list[AuthorOut] = Field(description="The authors with their pages here")
    arxiv_comments: str = Field(description="The authors' comments field on arXiv")
    journal_ref: str
    doi: str
    report_no: str
    license: str
    bibtex: str
    bibtex_url: str

    @staticmethod
    def resolve_author_profiles(obj: Paper) -> list[Author]:
        return getattr(obj, "author_profiles", [])

    @staticmethod
    def resolve_arxiv_comments(obj: Paper) -> str:
        return obj.comments

    @staticmethod
    def resolve_bibtex_url(obj: Paper, context: dict[str, Any] | None) -> str:
        return absolute(context, reverse("exports:paper_bibtex", args=[obj.arxiv_id]))


class PaperPageOut(Schema):
    items: list[PaperOut]
    next_cursor: str | None = Field(description="?cursor= of the next page; null at the end")


class DayOut(PaperPageOut):
    day: date
    sort: str
    category: str | None
    has_code: bool


class TrendingOut(PaperPageOut):
    category: str | None
    has_code: bool


class AuthorPageOut(PaperPageOut):
    author: AuthorOut


class CollectionOut(Schema):
    name: str
    slug: str
    description: str
    created_at: datetime
    owner: MemberOut
    url: str
    bibtex_url: str


class CollectionPageOut(PaperPageOut):
    collection: CollectionOut


class SearchHitOut(PaperOut):
    snippet: str = Field(
        description="HTML: escaped text with the matched words in <mark>; empty when none"
    )

    @staticmethod
    def resolve_snippet(obj: Paper) -> str:
        return str(getattr(obj, "snippet", ""))


class SearchPageOut(Schema):
    items: list[SearchHitOut]
    next_cursor: str | None = Field(description="?cursor= of the next page; null at the end")
    total: int = Field(description="Papers matching, counted up to total_limit")
    total_capped: bool = Field(description="More papers match than total counts")
    sort: str = Field(description="The order used (relevance needs words to rank by)")
    mode: str = Field(description="How results were ranked: keyword, semantic or hybrid")
    notes: list[str] = Field(description="How the query was read, worth showing to people")
    bibtex_url: str = Field(description="BibTeX of this page of results")


class RelatedOut(Schema):
    paper: str = Field(description="The arXiv id the list is related to")
    items: list[PaperOut]


# -- v1 writes (a member's token) ----------------------------------------------------------


class SubmitIn(Schema):
    arxiv_id: str = Field(description="An arXiv id or abs/PDF link", max_length=200)


class SubmissionResultOut(Schema):
    paper: PaperOut
    feed_day: date
    fetched: bool = Field(description="The paper was fetched from arXiv just now")


class VoteOut(Schema):
    arxiv_id: str
    upvoted: bool = Field(description="The member's upvote stands after this request")
    changed: bool = Field(description="false when the request found it already so")
    upvotes: int


class CollectionIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=2000)
    is_public: bool = False


class CollectionItemIn(Schema):
    arxiv_id: str = Field(description="An arXiv id or abs/PDF link", max_length=200)


class MyCollectionOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    is_public: bool
    created_at: datetime
    papers: int = Field(description="How many papers it holds")
    url: str = Field(description="Its page here (private ones open only for their owner)")

    @staticmethod
    def resolve_papers(obj: Any) -> int:
        return int(getattr(obj, "paper_count", 0))

    @staticmethod
    def resolve_url(obj: Any, context: dict[str, Any] | None) -> str:
        return absolute(context, reverse("community:collection", args=[obj.owner_id, obj.slug]))


class MyCollectionsOut(Schema):
    items: list[MyCollectionOut]


class CollectionItemOut(Schema):
    collection: str = Field(description="The collection's slug")
    arxiv_id: str
    added: bool = Field(description="false when it was already there")


class ImportMatchOut(Schema):
    label: str = Field(description="The entry's key (BibTeX) or id (CSL JSON)")
    arxiv_id: str
    matched_by: str = Field(description="arXiv id, DOI or title")


class ImportMissOut(Schema):
    label: str
    title: str
    reason: str


class ImportReportOut(Schema):
    file_format: str = Field(description="BibTeX or CSL JSON")
    collection: str = Field(description="Slug of the collection the papers were saved to")
    added: int = Field(description="Papers new to the collection")
    already_there: int
    matched: list[ImportMatchOut]
    unmatched: list[ImportMissOut]


# -- Hugging Face-compatible ---------------------------------------------------------------
# Times are strings in the Hub's own format ("2025-01-08T09:30:00.000000Z"), which is the one
# format huggingface_hub's parse_datetime accepts; six digits keep stored times exact.


class HfUser(Schema):
    user: str = Field(description="The member's handle here (the Hub's username)")
    fullname: str = Field(description="The member's public name")
    type: str = "user"


class HfAuthor(Schema):
    name: str
    hidden: bool = False
    status: str | None = Field(
        None, description='"claimed_verified" when a member\'s claim to be this author is approved'
    )
    statusLastChangedAt: str | None = Field(None, description="When the claim was approved")
    user: HfUser | None = Field(None, description="The member who is this author")

    @model_serializer(mode="wrap")
    def _claimed_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # The Hub sends status and user only for claimed authors; so do we.
        return {key: value for key, value in handler(self).items() if value is not None}


class HfPaper(HubRepoFields):
    id: str = Field(description="arXiv id")
    authors: list[HfAuthor]
    publishedAt: str = Field(
        description="When arXiv received version 1, else the earliest date stored (never null)"
    )
    submittedOnDailyAt: str | None = Field(description="When the paper joined the daily feed")
    submittedOnDailyBy: HfUser | None
    title: str
    summary: str
    upvotes: int
    numComments: int
    discussionId: str
    githubRepo: str | None = None
    ai_summary: str = Field("", description="An automatic one- or two-sentence summary")
    ai_keywords: list[str] = Field(default_factory=list, description="Automatic key phrases")


class HfDailyPaper(Schema):
    paper: HfPaper
    summary: str = Field("", description="The abstract, as in paper.summary")
    ai_summary: str = ""
    ai_keywords: list[str] = Field(default_factory=list)
    publishedAt: str = Field(description="When the paper joined the daily feed")
    title: str
    numComments: int
    submittedBy: HfUser | None
    isAuthorParticipating: bool = Field(
        False, description="An author, by an approved claim, submitted or comments on the paper"
    )
    thumbnail: str = Field(
        description="Absolute URL of page 1's picture (a placeholder until rendered)"
    )
    mediaUrls: list[str] = Field(default_factory=list, description="The rendered thumbnail, if any")
