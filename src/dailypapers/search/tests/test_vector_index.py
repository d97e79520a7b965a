"""The vector index built from the database: exact and clustered, saved under DATA_DIR and
loaded again, and vectors stored after the save reaching searches at once."""

from __future__ import annotations

import numpy as np
import pytest

from dailypapers.lib.records import PaperRecord
from dailypapers.papers.ingest.pipeline import IngestReport, ingest
from dailypapers.papers.models import Paper
from dailypapers.search import ann, semantic, vectors
from dailypapers.search.backends.common import Filters
from dailypapers.search.embedding import embed_papers

pytestmark = pytest.mark.django_db


class TopicEmbedder:
    """Vectors around 20 topic centres: a text's topic is the number it ends with."""

    name, dim = "topics-32", 32

    def __init__(self) -> None:
        rng = np.random.default_rng(5)
        self.centres = rng.normal(size=(20, self.dim))
        self.rng = np.random.default_rng(6)

    def embed(self, texts: list[str]) -> np.ndarray:
        topics = [int(text.rsplit(" ", 1)[-1].rstrip(".")) % 20 for text in texts]
        points = self.centres[topics] + self.rng.normal(0, 0.6, (len(texts), self.dim))
        return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def topic_papers(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    records = [
        PaperRecord(
            arxiv_id=f"2501.{number:05d}",
            title=f"Paper {number}",
            authors=["Ada Lovelace"],
            categories=["cs.LG" if number % 2 else "cs.CV"],
        )  # fmt: skip
        for number in range(1, 3001)
    ]
    ingest(records, IngestReport("test"))
    embedder = TopicEmbedder()
    with semantic.use_embedder(embedder):
        embed_papers(list(Paper.objects.values_list("pk", flat=True)), embedder, 500)
        yield embedder


def test_a_clustered_index_is_saved_and_finds_what_exact_search_finds(topic_papers):
    exact = vectors.read_index(topic_papers.name, topic_papers.dim)
    clustered = vectors.build(topic_papers.name, topic_papers.dim, approximate=True)
    assert clustered.ivf is not None and clustered.ivf.nprobe < len(clustered.ivf.centres)
    queries = topic_papers.embed([f"query {topic}" for topic in range(20)] * 3)
    wanted = [[pk for pk, _ in exact.nearest(query, 10)] for query in queries]
    got = [[pk for pk, _ in clustered.nearest(query, 10)] for query in queries]
    assert ann.recall_at([np.array(w) for w in wanted], [np.array(g) for g in got]) >= 0.95
    vectors.forget()
    assert semantic.index().ivf is not None  # the saved copy, not a new exact read


def test_filters_apply_inside_a_clustered_index(topic_papers):
    vectors.build(topic_papers.name, topic_papers.dim, approximate=True)
    vectors.forget()
    query = topic_papers.embed(["query 3"])[0]
    found = semantic.index().nearest(query, 50, Filters(categories=("cs.CV",)))
    categories = set(Paper.objects.filter(pk__in=[pk for pk, _ in found])
                     .values_list("categories", flat=True))  # fmt: skip
    assert len(found) == 50 and categories == {"cs.CV"}


def test_vectors_stored_after_the_save_are_searched_too(topic_papers):
    vectors.build(topic_papers.name, topic_papers.dim, approximate=True)
    vectors.forget()
    ingest([PaperRecord(arxiv_id="2502.00001", title="Late paper 7", authors=["B"],
                        categories=["cs.LG"])], IngestReport("test"))  # fmt: skip
    late = Paper.objects.get(arxiv_id="2502.00001")
    embed_papers([late.pk], topic_papers)
    index = semantic.index()
    assert index.vector_of(late.pk) is not None
    found = [pk for pk, _ in index.nearest(index.vector_of(late.pk), 5)]
    assert found[0] == late.pk


def test_vectors_that_do_not_cluster_are_searched_exactly(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    records = [
        PaperRecord(arxiv_id=f"2501.{n:05d}", title=f"P {n}", authors=["A"], categories=["cs.LG"])
        for n in range(1, 2001)
    ]
    ingest(records, IngestReport("t"))

    class Noise:
        name, dim = "noise-64", 64

        def embed(self, texts: list[str]) -> np.ndarray:
            points = np.random.default_rng(len(texts)).normal(size=(len(texts), 64))
            return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)

    embed_papers(list(Paper.objects.values_list("pk", flat=True)), Noise(), 500)
    assert vectors.build("noise-64", 64, approximate=True).ivf is None


def test_a_copy_saved_for_another_database_is_not_loaded(topic_papers):
    vectors.build(topic_papers.name, topic_papers.dim, approximate=True)
    meta = vectors.index_dir(topic_papers.name) / "meta.json"
    assert vectors.load_saved(topic_papers.name) is not None
    meta.write_text(meta.read_text().replace('"database": "', '"database": "elsewhere-'))
    assert vectors.load_saved(topic_papers.name) is None
