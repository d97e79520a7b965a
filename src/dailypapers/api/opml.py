"""/feeds/opml: a signed-in member's feeds as one OPML file, to import into a feed reader.

It lists what a member would follow here: the daily feed, trending, the categories this
site follows, their own public collections, their "For you" feed (at its secret address,
made now if they had none) and the topics they follow. Private collections have no feed (a
feed reader has no session), so they are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO
from typing import TYPE_CHECKING
from xml.sax.xmlreader import AttributesImpl

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, http_date
from django.utils.xmlutils import SimplerXMLGenerator
from django.views.decorators.cache import never_cache

from dailypapers.accounts.models import User
from dailypapers.feed.models import Collection, TopicFollow
from dailypapers.feed.personal_feed import feed_token

if TYPE_CHECKING:
    # Only a type: see its docstring.
    from dailypapers.feed.http import AuthenticatedHttpRequest


@dataclass(frozen=True, slots=True)
class FeedLink:
    title: str
    feed_path: str  # the RSS feed
    page_path: str  # the page it follows


def _personal(user: User) -> list[FeedLink]:
    """The member's "For you" feed (behind its secret address) and followed topics."""
    token = feed_token(user.pk)
    links = [
        FeedLink(
            "For you",
            reverse("feeds:for_you", kwargs={"token": token, "fmt": "rss"}),
            reverse("feed:for_you"),
        )
    ]
    follows = TopicFollow.objects.filter(user=user).select_related("topic")
    for follow in follows.order_by("topic__name", "topic__pk"):
        slug = follow.topic.slug
        links.append(
            FeedLink(
                f"Topic: {follow.topic.name}",
                reverse("feeds:topic", kwargs={"slug": slug, "fmt": "rss"}),
                reverse("feed:topic", args=[slug]),
            )
        )
    return links


def member_feeds(user: User) -> list[tuple[str, list[FeedLink]]]:
    """The member's feeds in groups (an OPML outline each), in reading order."""
    site = [
        FeedLink("Daily papers", reverse("feeds:daily", args=["rss"]), reverse("feed:home")),
        FeedLink("Trending", reverse("feeds:trending", args=["rss"]), reverse("feed:trending")),
    ]
    categories = [
        FeedLink(
            category,
            reverse("feeds:category", args=[category, "rss"]),
            reverse("feed:category", args=[category]),
        )
        for category in settings.ARXIV_CATEGORIES
    ]
    public = Collection.objects.filter(owner=user, is_public=True).order_by("name", "pk")
    collections = [
        FeedLink(
            f"Collection: {found.name}",
            reverse("feeds:collection", args=[user.pk, found.slug, "rss"]),
            reverse("community:collection", args=[user.pk, found.slug]),
        )
        for found in public
    ]
    groups = [
        (settings.SITE_NAME, site),
        ("Categories", categories),
        ("My collections", collections),
        ("For me", _personal(user)),
    ]
    return [(title, links) for title, links in groups if links]


def opml_document(
    request: HttpRequest, title: str, groups: list[tuple[str, list[FeedLink]]]
) -> str:
    out = StringIO()
    xml = SimplerXMLGenerator(out, "utf-8")
    xml.startDocument()
    xml.startElement("opml", AttributesImpl({"version": "2.0"}))
    xml.startElement("head", AttributesImpl({}))
    xml.addQuickElement("title", title)
    xml.addQuickElement("dateCreated", http_date(timezone.now().timestamp()))
    xml.endElement("head")
    xml.startElement("body", AttributesImpl({}))
    for group_title, links in groups:
        xml.startElement("outline", AttributesImpl({"text": group_title, "title": group_title}))
        for link in links:
            attrs = {
                "type": "rss",
                "text": link.title,
                "title": link.title,
                "xmlUrl": request.build_absolute_uri(link.feed_path),
                "htmlUrl": request.build_absolute_uri(link.page_path),
            }
            xml.addQuickElement("outline", attrs=attrs)
        xml.endElement("outline")
    xml.endElement("body")
    xml.endElement("opml")
    xml.endDocument()
    return out.getvalue()


@login_required
@never_cache
def member_opml(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in member's feeds, downloaded as ``<site>-feeds.opml``."""
    title = f"{settings.SITE_NAME} feeds of {request.user.public_name}"
    body = opml_document(request, title, member_feeds(request.user))
    response = HttpResponse(body, content_type="text/x-opml; charset=utf-8")
    filename = f"{settings.SITE_NAME}-feeds.opml".replace(" ", "-")
    disposition = content_disposition_header(True, filename)
    assert disposition is not None  # None only for an inline answer without a filename
    response["Content-Disposition"] = disposition
    return response
