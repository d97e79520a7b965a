"""Related papers: the nearest vectors to a paper's own, nudged towards shared categories and
authors.

Whose vectors: the active embedder's (semantic.py), so "related" means close in meaning
with a model configured, and sharing distinctive words ("more like this") without one. A
paper with no vector yet gets None, and the caller falls back to shared authors and the
primary category (feed/queries.py).

Without a model the stored vectors are word hashes (384 signed buckets), which tell related
papers apart poorly: the nearest RERANK of them are re-ranked by exact TF-IDF cosine over
their words (lib/sparse_text.py: no hashing, IDF counted among those papers), which found
a third more related papers on bench/related.py's proxy (docs/benchmarks.md). Exact TF-IDF
over the whole collection did better still, but needs an index of every paper's words.

The boosts are small beside cosine differences between unrelated papers (about 0.3 and
more) and decide between near neighbours: a neighbour by the same authors or in the same
field first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np

from dailypapers.lib.sparse_text import cosines, local_tfidf
from dailypapers.papers.models import Paper, PaperAuthor
from dailypapers.search import semantic
from dailypapers.search.embedders import LexicalEmbedder, paper_text

CANDIDATES = 50  # nearest neighbours re-ranked with the boosts
CATEGORY_BOOST = 0.03  # per category shared (cross-lists too), at most two counted
AUTHOR_BOOST = 0.05  # per author shared, at most two counted
RERANK = 200  # word-hash neighbours re-ranked by exact TF-IDF when there is no model


def related_ids(
    paper_id: int,
    categories: Iterable[str],
    author_ids: Iterable[int],
    limit: int = 5,
) -> list[int] | None:
    """Ids of the papers most related to this one, best first; None if it has no vector."""
    index = semantic.index()
    vector = index.vector_of(paper_id)
    if vector is None:
        return None
    by_words = isinstance(semantic.active_embedder(), LexicalEmbedder)
    neighbours = index.nearest(vector, RERANK if by_words else CANDIDATES, exclude=(paper_id,))
    if not neighbours:
        return []
    if by_words:
        neighbours = by_exact_words(paper_id, [pk for pk, _ in neighbours])[:CANDIDATES]
    ids = [pk for pk, _ in neighbours]
    scores = np.asarray([score for _, score in neighbours], dtype=np.float64)
    shared_categories = np.zeros(len(ids))
    for category in set(categories):
        shared_categories += index.listed(ids, category)
    shared_authors = _shared_authors(ids, author_ids)
    scores += CATEGORY_BOOST * np.minimum(shared_categories, 2)
    scores += AUTHOR_BOOST * np.minimum([shared_authors[pk] for pk in ids], 2)
    order = sorted(range(len(ids)), key=lambda i: (-scores[i], ids[i]))
    return [ids[i] for i in order[:limit]]


def by_exact_words(paper_id: int, ids: list[int]) -> list[tuple[int, float]]:
    """``ids`` with their TF-IDF cosine to paper ``paper_id`` over title and abstract words,
    nearest first (IDF counted among these papers and this one)."""
    found = {
        pk: paper_text(title, abstract)
        for pk, title, abstract in Paper.objects.filter(pk__in=[paper_id, *ids]).values_list(
            "pk", "title", "abstract"
        )
    }
    texts = [found.get(pk, "") for pk in (paper_id, *ids)]
    rows = local_tfidf(texts)
    scores = cosines(rows.take([0]), rows.take(np.arange(1, len(texts))))
    order = sorted(range(len(ids)), key=lambda i: (-scores[i], ids[i]))
    return [(ids[i], float(scores[i])) for i in order]


def _shared_authors(ids: list[int], author_ids: Iterable[int]) -> Counter[int]:
    authors = list(author_ids)
    if not authors:
        return Counter()
    return Counter(
        PaperAuthor.objects.filter(paper_id__in=ids, author_id__in=authors).values_list(
            "paper_id", flat=True
        )
    )
