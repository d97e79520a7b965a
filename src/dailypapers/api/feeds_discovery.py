"""RSS 2.0 and Atom feeds of discovery: a topic, a saved search, a member's "For you".

Entries are the same as every other feed's (feeds.PaperFeed); these lists come as ids in
order from the topic, search and recommendation functions, so ``items`` loads them in that
order. The "For you" feed sits behind a secret address (feed/personal_feed.py): feed readers
cannot sign in, and its answers are marked private so no shared cache keeps them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode

from dailypapers.accounts.models import User
from dailypapers.api.conditional import allow_any_origin, with_validators
from dailypapers.api.feeds import ENTRIES, FORMATS, PaperFeed, _in_both_formats, xml_safe
from dailypapers.api.queries import api_papers_in_order
from dailypapers.feed.models import Topic
from dailypapers.feed.personal_feed import user_for_feed_token
from dailypapers.feed.recommend import recommend_for_user
from dailypapers.feed.topics import TopicError, topic_ids
from dailypapers.lib.query import QueryError, canonical_category, parse
from dailypapers.papers.models import Paper
from dailypapers.search.engine import search

QUERY_CHARS = 500


class _OrderedFeed(PaperFeed):
    def ids(self, obj: Any) -> list[int]:
        raise NotImplementedError

    def items(self, obj: Any) -> list[Paper]:
        return api_papers_in_order(self.ids(obj)[:ENTRIES])


class TopicFeed(_OrderedFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Topic:
        return get_object_or_404(Topic, slug=slug)

    def title(self, obj: Topic) -> str:
        return f"{settings.SITE_NAME}: {xml_safe(obj.name)}"

    def description(self, obj: Topic) -> str:
        return (
            xml_safe(obj.description) or f"Papers of the topic {xml_safe(obj.name)}, newest first."
        )

    def link(self, obj: Topic) -> str:
        return reverse("feed:topic", args=[obj.slug])

    def ids(self, obj: Topic) -> list[int]:
        try:
            return topic_ids(obj, sort="newest", limit=ENTRIES).ids
        except TopicError:
            return []  # a stored query the search engine now refuses holds no papers


class SavedSearch:
    """A search as its feed's query string carries it: ?q=…&category=…&code=1."""

    def __init__(self, request: HttpRequest) -> None:
        self.q = request.GET.get("q", "")[:QUERY_CHARS]
        self.category = request.GET.get("category", "").strip()[:40]
        self.has_code = request.GET.get("code") == "1"

    def params(self) -> str:
        values = {"q": self.q, "category": self.category, "code": "1" if self.has_code else ""}
        return urlencode({key: value for key, value in values.items() if value})

    def label(self) -> str:
        parts = [self.q.strip() or "everything"]
        if self.category:
            parts.append(f"in {self.category}")
        if self.has_code:
            parts.append("with code")
        return xml_safe(" ".join(parts))

    def ids(self) -> list[int]:
        found = search(
            self.q,
            category=self.category or None,
            has_code=True if self.has_code else None,
            sort="newest",
            per_page=ENTRIES,
        )
        if found.error:
            raise ValueError(found.error)
        return found.papers


class SearchFeed(_OrderedFeed):
    def get_object(self, request: HttpRequest) -> SavedSearch:
        return SavedSearch(request)

    def title(self, obj: SavedSearch) -> str:
        return f"{settings.SITE_NAME}: search for {obj.label()}"

    def description(self, obj: SavedSearch) -> str:
        return f"The newest papers matching {obj.label()}."

    def link(self, obj: SavedSearch) -> str:
        params = obj.params()
        return reverse("search:search") + (f"?{params}&sort=newest" if params else "")

    def ids(self, obj: SavedSearch) -> list[int]:
        return obj.ids()


class ForYouFeed(_OrderedFeed):
    description_template = "feed/discovery/for_you_entry.html"

    def get_object(self, request: HttpRequest, token: str) -> User:
        member = user_for_feed_token(token)
        if member is None:
            raise Http404("No feed at this address (was it regenerated?)")
        self._reasons: dict[int, str] = {}
        return member

    def title(self, obj: User) -> str:
        return f"{settings.SITE_NAME}: for you"

    def description(self, obj: User) -> str:
        return "Recent papers picked from your upvotes, collections and topics."

    def link(self, obj: User) -> str:
        return reverse("feed:for_you")

    def ids(self, obj: User) -> list[int]:
        picks = recommend_for_user(obj.pk, limit=ENTRIES)
        self._reasons = {pick.paper_id: pick.reason for pick in picks}
        return [pick.paper_id for pick in picks]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["reason"] = xml_safe(self._reasons.get(kwargs["item"].pk, ""))
        return context


topic = _in_both_formats(TopicFeed)
_search_feed = _in_both_formats(SearchFeed)


def saved_search(request: HttpRequest, fmt: str) -> HttpResponse:
    """A search as a feed; a query the search box would refuse is a 400 with the reason."""
    saved = SavedSearch(request)
    problem = ""
    if saved.category and canonical_category(saved.category) is None:
        problem = f"“{saved.category}” is not an arXiv category; write one like cs.LG."
    else:
        try:
            parse(saved.q)
        except QueryError as error:
            problem = str(error)
    if problem:
        return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")
    return _search_feed(request, fmt=fmt)


def for_you(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """A member's picks; a fresh generator per request, since entries carry their reasons."""
    response = ForYouFeed(FORMATS[fmt])(request, token=token)
    if response.status_code == 200:
        response = with_validators(request, response)
        # Only the holder of the address may keep a copy; never a shared cache.
        patch_cache_control(response, private=True, max_age=0)
    response["Referrer-Policy"] = "no-referrer"
    return allow_any_origin(response)
