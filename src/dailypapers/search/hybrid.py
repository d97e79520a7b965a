"""The semantic and hybrid halves of search(): nearest papers by meaning, fused with keyword.

The vector index answers with candidates; their filters are checked again here against the
database (a paper may have changed or gone since the index was read), and the page's
snippets come from the keyword backend, so a semantic result is highlighted the same way
when it contains the words.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.safestring import SafeString

from dailypapers.lib.query import Query
from dailypapers.papers.models import Paper, PaperCategory
from dailypapers.search import fusion, semantic
from dailypapers.search.backends.common import Filters, Found, SearchBackend
from dailypapers.search.embedders import query_text

# Candidates taken from each ranking before fusing (more when a deeper page is asked for).
POOL = 100
# Below this cosine a neighbour is not about the query at all: all-MiniLM-L6-v2 gives
# "banana bread recipe" 0.12 against our computer-science corpus, while every paper a
# relevance query expects scores 0.29 or more. Without it, any query would "find" papers.
MIN_SIMILARITY = 0.2


def can_rank_by_meaning(query: Query) -> bool:
    """Meaning ranks plain words; author: and -exclusions need the keyword index to hold."""
    return query.has_words and not (query.authors or query.excluded or query.excluded_authors)


def still_matching(ids: list[int], filters: Filters) -> list[int]:
    """``ids`` (in order) whose paper still exists and still passes the filters."""
    if not ids:
        return []
    condition = Q(pk__in=ids)
    for category in filters.categories:
        listed = PaperCategory.objects.filter(paper=OuterRef("pk"), category=category)
        condition &= Q(Exists(listed))
    for category in filters.excluded_categories:
        listed = PaperCategory.objects.filter(paper=OuterRef("pk"), category=category)
        condition &= ~Q(Exists(listed))
    if filters.date_from is not None:
        condition &= Q(announced_on__gte=filters.date_from)
    if filters.date_to is not None:
        condition &= Q(announced_on__lte=filters.date_to)
    if filters.has_code is not None:
        condition &= Q(has_code=filters.has_code)
    alive = set(Paper.objects.filter(condition).values_list("pk", flat=True))
    return [pk for pk in ids if pk in alive]


def semantic_ids(query: Query, filters: Filters, depth: int) -> list[int]:
    found = semantic.nearest_to_text(query_text(query), depth, filters)
    return still_matching([pk for pk, score in found if score >= MIN_SIMILARITY], filters)


def every_word_ids(backend: SearchBackend, query: Query, filters: Filters, depth: int) -> Found:
    """The every-word ranking for the fusion, and how many papers have every word.

    Where ranking every match would cost too much, the backend orders the newest of them by
    meaning instead (see SearchBackend.every_word).
    """
    return backend.every_word(
        query, filters, depth,
        order_window=lambda ids: semantic.order_by_meaning(query_text(query), ids),
    )  # fmt: skip


def fused_ids(
    vendor: str, keyword_ids: list[int], any_word_ids: list[int], meaning_ids: list[int]
) -> list[int]:
    weights = fusion.WEIGHTS.get(vendor, fusion.DEFAULT_WEIGHTS)
    return fusion.fuse(
        [
            (keyword_ids, weights.every_word),
            (any_word_ids, weights.any_words),
            (meaning_ids, weights.semantic),
        ]
    )


def snippets(backend: SearchBackend, query: Query, ids: list[int]) -> dict[int, SafeString]:
    """The keyword backend's highlighted passages for these papers (those with the words)."""
    if not ids or not query.has_words:
        return {}
    return backend.snippets(query, ids)
