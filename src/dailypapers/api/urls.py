"""URLs of the open interfaces, included at the site root.

- api/…  the NinjaAPI (namespace "api"); docs at /api/docs, an index at /api/, and a JSON 404
  for any other api/ address
- feeds/<daily|trending>/<rss|atom>, feeds/categories/<cat>/…, feeds/authors/<id>/…,
  feeds/collections/<user_id>/<slug>/…, feeds/topics/<slug>/…, feeds/search/…?q=…,
  feeds/for-you/<secret>/… (namespace "feeds")
- feeds/opml: a signed-in member's feeds as OPML
- papers/<arxiv id>.md: the paper as Markdown (huggingface_hub's read_paper)
- papers/<arxiv id>/bibtex, collections/<user_id>/<slug>/bibtex, search/bibtex?q=…
  (namespace "exports")
- library/import/: import a BibTeX or CSL JSON file into a member's library
"""

from django.urls import include, path, re_path

from dailypapers.api import exports, feeds, feeds_discovery, import_views, opml, paper_markdown
from dailypapers.api.api import api_index, api_urls
from dailypapers.core.api_errors import api_not_found
from dailypapers.core.converters import ID_PATTERN
from dailypapers.lib.arxiv.ids import URL_ID_PATTERN

FORMAT = r"(?P<fmt>rss|atom)"

feed_patterns = [
    path("opml", opml.member_opml, name="opml"),
    re_path(rf"^daily/{FORMAT}$", feeds.daily, name="daily"),
    re_path(rf"^trending/{FORMAT}$", feeds.trending, name="trending"),
    re_path(rf"^categories/(?P<category>[\w.\-]+)/{FORMAT}$", feeds.category, name="category"),
    re_path(rf"^authors/(?P<author_id>{ID_PATTERN})/{FORMAT}$", feeds.author, name="author"),
    re_path(
        rf"^collections/(?P<user_id>{ID_PATTERN})/(?P<slug>[-\w]+)/{FORMAT}$",
        feeds.collection,
        name="collection",
    ),
    re_path(rf"^topics/(?P<slug>[-\w]+)/{FORMAT}$", feeds_discovery.topic, name="topic"),
    re_path(rf"^search/{FORMAT}$", feeds_discovery.saved_search, name="search"),
    re_path(rf"^for-you/(?P<token>[-\w]+)/{FORMAT}$", feeds_discovery.for_you, name="for_you"),
]

export_patterns = [
    # What huggingface_hub's read_paper asks for; before the paper page, whose id takes dots.
    re_path(rf"^papers/{URL_ID_PATTERN}\.md$", paper_markdown.paper_markdown, name="paper_md"),
    re_path(rf"^papers/{URL_ID_PATTERN}/bibtex$", exports.paper_bibtex, name="paper_bibtex"),
    path(
        "collections/<id:user_id>/<slug:slug>/bibtex",
        exports.collection_bibtex,
        name="collection_bibtex",
    ),
    # Under the search page's own path; the search app's URLs have no such address.
    path("search/bibtex", exports.search_bibtex, name="search_bibtex"),
    path("library/import/", import_views.library_import, name="library_import"),
]

urlpatterns = [
    path("api/", api_index, name="api_index"),
    path("api/", api_urls()),
    re_path(r"^api/", api_not_found),
    path("feeds/", include((feed_patterns, "feeds"))),
    path("", include((export_patterns, "exports"))),
]
