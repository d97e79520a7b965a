"""/api/v1 for discovery: topics, their papers, and a member's "For you" list.

Topic lists page with the usual opaque cursors. A topic's papers come from the search
engine in slices, so their cursor is a signed position in the topic's order. "For you"
answers for the member behind the request (their API token, or the site's session) and
401 for anyone else; ``for_you_items`` is the one function behind it, for other callers.
Following a topic is a member write (token, or session plus CSRF token).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core import signing
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from ninja import Field, Query, Router, Schema

from dailypapers.accounts.models import User
from dailypapers.api.auth import MEMBER, member_of
from dailypapers.api.cursors import InvalidCursor, cursor_page
from dailypapers.api.queries import api_papers_in_order
from dailypapers.api.schemas import ErrorOut, PaperOut, absolute
from dailypapers.core.api_errors import ApiError
from dailypapers.feed.models import Topic
from dailypapers.feed.recommend import recommend_for_user
from dailypapers.feed.topics import (
    TopicError,
    follow,
    is_following,
    search_topics,
    topic_ids,
    unfollow,
    with_follower_counts,
)

router = Router(tags=["v1 (discovery)"])

MAX_LIMIT = 100
DEFAULT_LIMIT = 50
FOR_YOU_MAX = 100
CURSOR_SALT = "dailypapers.api.topic-papers"
# 414: an address past middleware.MAX_URI_LENGTH (long query strings) is refused before any view.
ERRORS: dict[int, Any] = {400: ErrorOut, 404: ErrorOut, 414: ErrorOut, 429: ErrorOut}

Limit = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page")
Cursor = Query(None, description="next_cursor of the previous page")


class TopicOut(Schema):
    slug: str
    name: str
    query: str = Field(description="Search syntax, as in the search box; empty for none")
    categories: list[str] = Field(description="A paper in any of these counts")
    description: str
    featured: bool
    followers: int
    created_at: datetime
    url: str = Field(description="The topic's page here")
    papers_url: str
    rss_url: str | None
    atom_url: str | None

    @staticmethod
    def resolve_featured(obj: Topic) -> bool:
        return obj.is_featured

    @staticmethod
    def resolve_followers(obj: Topic) -> int:
        return int(getattr(obj, "follower_count", 0))

    @staticmethod
    def resolve_url(obj: Topic, context: dict[str, Any] | None) -> str:
        return absolute(context, reverse("feed:topic", args=[obj.slug]))

    @staticmethod
    def resolve_papers_url(obj: Topic, context: dict[str, Any] | None) -> str:
        return absolute(context, reverse("api:v1_topic_papers", args=[obj.slug]))

    @staticmethod
    def resolve_rss_url(obj: Topic, context: dict[str, Any] | None) -> str | None:
        return _feed_url(context, obj, "rss")

    @staticmethod
    def resolve_atom_url(obj: Topic, context: dict[str, Any] | None) -> str | None:
        return _feed_url(context, obj, "atom")


def _feed_url(context: dict[str, Any] | None, topic: Topic, fmt: str) -> str | None:
    try:
        return absolute(context, reverse("feeds:topic", args=[topic.slug, fmt]))
    except NoReverseMatch:
        return None


class TopicDetailOut(TopicOut):
    following: bool | None = Field(
        description="Whether the calling member follows it; null without a member"
    )


class TopicPageOut(Schema):
    items: list[TopicOut]
    next_cursor: str | None


class TopicPapersOut(Schema):
    topic: TopicOut
    sort: str
    total: int = Field(description="Papers in the topic (the search engine stops at 1,000)")
    total_is_estimate: bool
    items: list[PaperOut]
    next_cursor: str | None


class RecommendationOut(Schema):
    paper: PaperOut
    score: float = Field(description="Higher is better; only the order means anything")
    reason: str = Field(description='e.g. "because you upvoted …", "trending in cs.LG"')


class ForYouOut(Schema):
    items: list[RecommendationOut]


class FollowOut(Schema):
    topic: str
    following: bool
    followers: int


def _topic(slug: str) -> Topic:
    found = with_follower_counts(Topic.objects.filter(slug=slug)).first()
    if found is None:
        raise ApiError(404, "topic_not_found", f"No topic {slug[:60]} is stored here.")
    return found


@router.get("/topics", response={200: TopicPageOut, **ERRORS}, url_name="v1_topics")
def topics(
    request: HttpRequest,
    q: str = Query("", description="Words of the name, query or description"),
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> dict[str, Any]:
    """Every topic, featured ones first, then by name."""
    listed: QuerySet[Topic] = with_follower_counts(search_topics(q)).order_by(
        "-is_featured", "name", "pk"
    )
    try:
        page = cursor_page(listed, cursor, limit)
    except InvalidCursor as exc:
        raise ApiError(400, "invalid_cursor", str(exc)) from None
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/topics/{slug}", response={200: TopicDetailOut, **ERRORS}, url_name="v1_topic")
def topic(request: HttpRequest, slug: str) -> Topic:
    """One topic, and whether the calling member follows it."""
    found = _topic(slug)
    member = member_of(request)
    found.following = is_following(member.pk, found.pk) if member is not None else None
    return found


def _offset(cursor: str | None, slug: str, sort: str) -> int:
    if not cursor:
        return 0
    try:
        payload = signing.loads(cursor, salt=CURSOR_SALT)
    except signing.BadSignature:
        raise ApiError(400, "invalid_cursor", "This cursor is not one we issued.") from None
    if not isinstance(payload, dict) or payload.get("t") != slug or payload.get("s") != sort:
        raise ApiError(400, "invalid_cursor", "This cursor belongs to another list or order.")
    offset = payload.get("o")
    if not isinstance(offset, int) or offset < 0:
        raise ApiError(400, "invalid_cursor", "This cursor is damaged.")
    return offset


@router.get(
    "/topics/{slug}/papers", response={200: TopicPapersOut, **ERRORS}, url_name="v1_topic_papers"
)
def topic_papers(
    request: HttpRequest,
    slug: str,
    sort: Literal["newest", "trending"] = "newest",
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> dict[str, Any]:
    """The topic's papers, as on its page: newest first, or rising now."""
    found = _topic(slug)
    offset = _offset(cursor, slug, sort)
    try:
        papers = topic_ids(found, sort=sort, offset=offset, limit=limit + 1)
    except TopicError as exc:
        raise ApiError(400, "topic_query_refused", str(exc)) from None
    ids = papers.ids[:limit]
    next_cursor = None
    if len(papers.ids) > limit:
        next_cursor = signing.dumps({"t": slug, "s": sort, "o": offset + limit}, salt=CURSOR_SALT)
    return {
        "topic": found,
        "sort": sort,
        "total": papers.total,
        "total_is_estimate": papers.total_is_estimate,
        "items": api_papers_in_order(ids),
        "next_cursor": next_cursor,
    }


def for_you_items(member: User, limit: int) -> list[dict[str, Any]]:
    """A member's recommendations as API items (paper, score, reason), best first."""
    picks = recommend_for_user(member.pk, limit=limit)
    papers = {paper.pk: paper for paper in api_papers_in_order([pick.paper_id for pick in picks])}
    return [
        {"paper": papers[pick.paper_id], "score": pick.score, "reason": pick.reason}
        for pick in picks
        if pick.paper_id in papers
    ]


@router.get("/for-you", response={200: ForYouOut, 401: ErrorOut, **ERRORS}, url_name="v1_for_you")
def for_you(
    request: HttpRequest,
    limit: int = Query(20, ge=1, le=FOR_YOU_MAX, description="How many papers"),
) -> dict[str, Any]:
    """Recent papers picked for the calling member, each with its reason. Needs an API token
    (``Authorization: Bearer …``) or the site's session."""
    member = member_of(request)
    if member is None:
        raise ApiError(401, "not_signed_in", "Send your API token, or sign in on the site.")
    return {"items": for_you_items(member, limit)}


# Following and unfollowing share one address, answer and error set; only the method differs.
FOLLOW_ROUTE: dict[str, Any] = {
    "auth": MEMBER,
    "response": {200: FollowOut, **{code: ErrorOut for code in (400, 401, 403, 404, 414, 429)}},
    "url_name": "v1_topic_follow",
}


def _set_following(request: HttpRequest, slug: str, following: bool) -> dict[str, Any]:
    found = _topic(slug)
    change = follow if following else unfollow
    change(request.auth.pk, found.pk)  # type: ignore[attr-defined]  # ninja sets auth (MEMBER)
    followers = with_follower_counts(Topic.objects.filter(pk=found.pk)).first()
    count = int(getattr(followers, "follower_count", 0))
    return {"topic": found.slug, "following": following, "followers": count}


@router.put("/topics/{slug}/follow", **FOLLOW_ROUTE)
def follow_topic(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Follow a topic (again is fine: nothing changes)."""
    return _set_following(request, slug, True)


@router.delete("/topics/{slug}/follow", **FOLLOW_ROUTE)
def unfollow_topic(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Stop following a topic (again is fine)."""
    return _set_following(request, slug, False)
