"""Related papers: the nearest vectors to a paper's own, nudged towards shared categories and
authors.

Whose vectors: the active embedder's (semantic.py), so "related" means close in meaning
with a model configured, and sharing distinctive words ("more like this") without one. A
paper with no vector yet gets None, and the caller falls back to shared authors and the
primary category (feed/queries.py).

The boosts are small beside cosine differences between unrelated papers (about 0.3 and
more) and decide between near neighbours: a neighbour by the same authors or in the same
field first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np

from dailypapers.papers.models import PaperAuthor
from dailypapers.search import semantic

CANDIDATES = 50  # nearest neighbours re-ranked with the boosts
CATEGORY_BOOST = 0.03  # per category shared (cross-lists too), at most two counted
AUTHOR_BOOST = 0.05  # per author shared, at most two counted


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
    neighbours = index.nearest(vector, CANDIDATES, exclude=(paper_id,))
    if not neighbours:
        return []
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


def _shared_authors(ids: list[int], author_ids: Iterable[int]) -> Counter[int]:
    authors = list(author_ids)
    if not authors:
        return Counter()
    return Counter(
        PaperAuthor.objects.filter(paper_id__in=ids, author_id__in=authors).values_list(
            "paper_id", flat=True
        )
    )
