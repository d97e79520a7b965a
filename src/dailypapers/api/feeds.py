"""RSS 2.0 and Atom feeds (django.contrib.syndication) of the lists readers follow.

Each feed exists in both formats at ``…/rss`` and ``…/atom``: the latest day, trending, a
category, an author, a public collection. An entry carries the title, the authors, the
abstract, the paper's page here (its link) and arXiv's abstract page and PDF (as related
links, and in the text), its categories and dates. Lists come from the feed app's query
functions (collections: queries.py here), one query per feed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from xml.sax.xmlreader import AttributesImpl

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, Stylesheet, SyndicationFeed
from django.utils.functional import lazy
from django.utils.xmlutils import SimplerXMLGenerator

from dailypapers.api.conditional import allow_any_origin, with_validators
from dailypapers.api.queries import api_columns, collection_papers, listed_at, public_collection
from dailypapers.feed.discovery.services.days import day_url
from dailypapers.feed.models import Collection
from dailypapers.feed.queries import (
    FeedFilters,
    author_papers,
    category_papers,
    feed_papers,
    is_category,
    latest_feed_day,
    trending_papers,
)
from dailypapers.feed.trending import current_signal
from dailypapers.papers.models import Author, Paper

ENTRIES = 50  # per feed; readers poll often, and a day's top 50 is what they come for
AUTHORS_SHOWN = 20  # big collaborations list thousands; "et al." after these
# XML 1.0 refuses these characters outright; Django would raise on them mid-response.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def authors_line(names: list[str]) -> str:
    shown = ", ".join(names[:AUTHORS_SHOWN])
    return f"{shown} et al." if len(names) > AUTHORS_SHOWN else shown


class _RelatedLinks:
    """Entries link to arXiv beside their own page: Atom <link rel="related">, and the same
    element in RSS under the atom namespace Django's RSS already declares."""

    link_tag = "link"

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)  # type: ignore[misc]  # a mixin: the feed has it
        for href, title, media_type in item.get("related_links", ()):
            attrs = {"rel": "related", "href": href, "title": title, "type": media_type}
            handler.addQuickElement(self.link_tag, None, attrs)


class PaperRss(_RelatedLinks, Rss201rev2Feed):
    """RSS titles and descriptions are HTML by convention: readers decode the XML and render
    what is left. Names and titles are plain text here (a collection called "<img onerror=…>"
    must show as those characters), so they are HTML-escaped once more; entry descriptions
    are our own escaped HTML already. Atom says type="text" and needs no such step."""

    link_tag = "atom:link"

    def __init__(self, title: str, link: str, description: str, **kwargs: Any) -> None:
        if kwargs.get("subtitle"):
            kwargs["subtitle"] = html.escape(kwargs["subtitle"], quote=False)
        super().__init__(
            html.escape(title, quote=False), link, html.escape(description, quote=False), **kwargs
        )

    def add_item(self, title: str, link: str, description: str, *args: Any, **kwargs: Any) -> None:
        super().add_item(html.escape(title, quote=False), link, description, *args, **kwargs)


class PaperAtom(_RelatedLinks, Atom1Feed):
    def write(self, outfile: Any, encoding: str) -> None:
        # Django's Atom writer has no stylesheet hook (its RSS one has): the same processing
        # instruction, between the XML declaration and the root element.
        handler = SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", stylesheet)
        handler.startElement("feed", AttributesImpl(self.root_attributes()))
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")


FORMATS: dict[str, type[SyndicationFeed]] = {"rss": PaperRss, "atom": PaperAtom}


class PaperFeed(Feed):
    """What every feed of papers shares; subclasses say which papers and what the feed is."""

    author_name = settings.SITE_NAME  # Atom wants a feed author when an entry has none
    description_template = "api/feed_entry.html"
    # Browsers show the feed as a readable page through this XSLT (readers ignore it).
    stylesheets = [Stylesheet(lazy(static, str)("api/feed.xsl"), mimetype="text/xsl")]

    def __init__(self, feed_type: type[SyndicationFeed]) -> None:
        super().__init__()
        self.feed_type = feed_type

    def papers(self, obj: Any) -> Any:
        raise NotImplementedError

    def items(self, obj: Any) -> list[Paper]:
        return list(api_columns(self.papers(obj))[:ENTRIES])

    def item_title(self, item: Paper) -> str:
        return xml_safe(" ".join(item.title.split()))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Called per entry with the request: the only place an entry learns the site's host.
        item: Paper = kwargs["item"]
        request: HttpRequest = kwargs["request"]
        return {
            "paper": item,
            "authors": xml_safe(authors_line(item.author_names)),
            "abstract": xml_safe(item.abstract),
            "page_url": request.build_absolute_uri(self.item_link(item)),
            "site_name": settings.SITE_NAME,
        }

    def item_link(self, item: Paper) -> str:
        return reverse("feed:paper", args=[item.arxiv_id])

    def item_author_name(self, item: Paper) -> str | None:
        return xml_safe(authors_line(item.author_names)) or None

    def item_pubdate(self, item: Paper) -> datetime | None:
        return listed_at(item)

    def item_updateddate(self, item: Paper) -> datetime | None:
        # A new version is an update; an entry is never updated before it was published.
        times = [moment for moment in (listed_at(item), item.updated_at) if moment is not None]
        return max(times) if times else None

    def item_categories(self, item: Paper) -> list[str]:
        return item.category_list

    def item_extra_kwargs(self, item: Paper) -> dict[str, Any]:
        return {
            "related_links": [
                (item.abs_url, "arXiv abstract", "text/html"),
                (item.pdf_url, "PDF", "application/pdf"),
            ]
        }


class DailyFeed(PaperFeed):
    description = "The papers of the latest day, most upvoted first."

    def get_object(self, request: HttpRequest) -> date | None:
        return latest_feed_day()

    def title(self, obj: date | None) -> str:
        suffix = f": papers of {obj.day} {obj:%B %Y}" if obj else ": daily papers"
        return settings.SITE_NAME + suffix

    def link(self, obj: date | None) -> str:
        return day_url(obj) if obj else reverse("feed:home")

    def papers(self, obj: date | None) -> Any:
        return feed_papers(obj, obj, FeedFilters()) if obj else Paper.objects.none()


class TrendingFeed(PaperFeed):
    description = "Papers rising now, across days."

    def title(self) -> str:
        return f"{settings.SITE_NAME}: trending papers"

    def link(self) -> str:
        return reverse("feed:trending")

    def papers(self, obj: None) -> Any:
        return trending_papers(FeedFilters(sort="trending"), current_signal())


class CategoryFeed(PaperFeed):
    def get_object(self, request: HttpRequest, category: str) -> str:
        if not is_category(category):
            raise Http404("Not an arXiv category")
        return category

    def title(self, obj: str) -> str:
        return f"{settings.SITE_NAME}: {obj}"

    def description(self, obj: str) -> str:
        return f"Papers listed in {obj}, cross-lists included, newest day first."

    def link(self, obj: str) -> str:
        return reverse("feed:category", args=[obj])

    def papers(self, obj: str) -> Any:
        return category_papers(obj)


class AuthorFeed(PaperFeed):
    def get_object(self, request: HttpRequest, author_id: str) -> Author:
        return get_object_or_404(Author.objects.only("id", "name"), pk=int(author_id))

    def title(self, obj: Author) -> str:
        return f"{settings.SITE_NAME}: papers by {xml_safe(obj.name)}"

    def description(self, obj: Author) -> str:
        return f"Papers by {xml_safe(obj.name)}, newest first."

    def link(self, obj: Author) -> str:
        return reverse("feed:author", args=[obj.pk])

    def papers(self, obj: Author) -> Any:
        return author_papers(obj.pk)


class CollectionFeed(PaperFeed):
    def get_object(self, request: HttpRequest, user_id: str, slug: str) -> Collection:
        found = public_collection(int(user_id), slug)
        if found is None:
            raise Http404("No public collection at this address")
        return found

    def title(self, obj: Collection) -> str:
        return f"{settings.SITE_NAME}: {xml_safe(obj.name)} by {xml_safe(obj.owner.public_name)}"

    def description(self, obj: Collection) -> str:
        return xml_safe(obj.description) or f"A reading list on {settings.SITE_NAME}."

    def link(self, obj: Collection) -> str:
        return reverse("community:collection", args=[obj.owner_id, obj.slug])

    def papers(self, obj: Collection) -> Any:
        return collection_papers(obj)


def _in_both_formats(feed_class: type[PaperFeed]) -> Callable[..., HttpResponse]:
    """One view for …/rss and …/atom: the URL's ``fmt`` picks the generator."""
    feeds = {name: feed_class(generator) for name, generator in FORMATS.items()}

    def view(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
        response = feeds[fmt](request, **kwargs)
        # Feed readers poll with If-None-Match / If-Modified-Since; the entries' own dates
        # would miss a change of order (votes), so the validators come from the body.
        if response.status_code == 200:
            response = with_validators(request, response)
        return allow_any_origin(response)

    view.__name__ = view.__qualname__ = f"{feed_class.__name__.lower()}_view"
    return view


daily = _in_both_formats(DailyFeed)
trending = _in_both_formats(TrendingFeed)
category = _in_both_formats(CategoryFeed)
author = _in_both_formats(AuthorFeed)
collection = _in_both_formats(CollectionFeed)
