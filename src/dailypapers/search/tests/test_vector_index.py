"""The vector index built from the database: exact and clustered, saved under DATA_DIR and
mapped again, vectors stored after the save reaching searches at once (and added to the
saved copy without a rebuild), and a damaged copy never served."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from dailypapers.lib.records import PaperRecord
from dailypapers.papers.ingest.pipeline import IngestReport, ingest
from dailypapers.papers.models import Paper
from dailypapers.search import semantic, vector_store, vectors
from dailypapers.search.backends.common import Filters
from dailypapers.search.embedding import embed_papers
from dailypapers.search.tasks import embed_paper_ids

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
    ivf = clustered.approximate
    assert ivf is not None and ivf.nprobe < ivf.nlist
    queries = topic_papers.embed([f"query {topic}" for topic in range(20)] * 3)
    wanted = [[pk for pk, _ in exact.nearest(query, 10)] for query in queries]
    got = [[pk for pk, _ in clustered.nearest(query, 10)] for query in queries]
    found = vector_store.recall_at([np.array(w) for w in wanted], [np.array(g) for g in got])
    assert found >= 0.95
    vectors.forget()
    assert semantic.index().approximate is not None  # the saved copy, not a new exact read


def test_the_saved_codes_are_mapped_from_the_file_not_copied_into_the_process(topic_papers):
    vectors.build(topic_papers.name, topic_papers.dim, approximate=True)
    vectors.forget()
    semantic.index()
    mapped = Path("/proc/self/maps").read_text()
    assert str(vectors.index_dir(topic_papers.name)) in mapped
    assert "codes.faiss" in mapped


def test_filters_apply_inside_a_clustered_index(topic_papers):
    vectors.build(topic_papers.name, topic_papers.dim, approximate=True)
    vectors.forget()
    query = topic_papers.embed(["query 3"])[0]
    found = semantic.index().nearest(query, 50, Filters(categories=("cs.CV",)))
    categories = set(Paper.objects.filter(pk__in=[pk for pk, _ in found])
                     .values_list("categories", flat=True))  # fmt: skip
    assert len(found) == 50 and categories == {"cs.CV"}


def late_paper(embedder: TopicEmbedder, arxiv_id: str = "2502.00001") -> Paper:
    ingest([PaperRecord(arxiv_id=arxiv_id, title="Late paper 7", authors=["B"],
                        categories=["cs.LG"])], IngestReport("test"))  # fmt: skip
    late = Paper.objects.get(arxiv_id=arxiv_id)
    embed_papers([late.pk], embedder)
    return late


def test_vectors_stored_after_the_save_are_searched_too(topic_papers):
    vectors.build(topic_papers.name, topic_papers.dim, approximate=True)
    vectors.forget()
    late = late_paper(topic_papers)
    index = semantic.index()
    assert index.vector_of(late.pk) is not None
    found = [pk for pk, _ in index.nearest(index.vector_of(late.pk), 5)]
    assert found[0] == late.pk


def test_the_embedding_task_adds_new_vectors_to_the_saved_index_without_a_rebuild(topic_papers):
    vectors.build(topic_papers.name, topic_papers.dim, approximate=True)
    main_before = json.loads((vectors.index_dir(topic_papers.name) / "current.json")
                             .read_text())["segments"][0]  # fmt: skip
    ingest([PaperRecord(arxiv_id="2502.00002", title="Task paper 4", authors=["B"],
                        categories=["cs.CV"])], IngestReport("test"))  # fmt: skip
    late = Paper.objects.get(arxiv_id="2502.00002")
    embed_paper_ids.call([late.pk])
    current = json.loads((vectors.index_dir(topic_papers.name) / "current.json").read_text())
    assert current["segments"][0] == main_before  # the main segment was not rebuilt
    assert current["segments"][1]["count"] == 1
    vectors.forget()
    saved = vectors.load_saved(topic_papers.name)
    assert saved is not None and len(saved.segments) == 2
    assert saved.snapshot.newest == vectors.newest_write(topic_papers.name)
    assert saved.nearest(saved.vector_of(late.pk), 1)[0][0] == late.pk


def test_newer_vectors_past_a_tenth_of_the_index_are_folded_in_by_a_rebuild(
    topic_papers, monkeypatch
):
    vectors.build(topic_papers.name, topic_papers.dim, approximate=True)
    monkeypatch.setattr(vectors, "REBUILD_FROM", 0)
    monkeypatch.setattr(vectors, "REBUILD_SHARE", 10_000)  # so one newer vector is too many
    late = late_paper(topic_papers)
    assert vectors.add_newer(topic_papers.name, topic_papers.dim) == 1
    saved = vectors.load_saved(topic_papers.name)
    assert saved is not None and len(saved.segments) == 1  # one main segment again
    assert saved.vector_of(late.pk) is not None


def test_a_paper_embedded_again_is_answered_from_its_newer_vector_only(topic_papers):
    vectors.build(topic_papers.name, topic_papers.dim, approximate=True)
    paper = Paper.objects.order_by("pk").first()
    paper.title, paper.abstract = "Paper 1 rewritten", "Now about topic 13"
    paper.save()
    embed_papers([paper.pk], topic_papers)
    vectors.add_newer(topic_papers.name, topic_papers.dim)
    vectors.forget()
    index = semantic.index()
    newer = index.vector_of(paper.pk)
    found = [pk for pk, _ in index.nearest(newer, 200)]
    assert found.count(paper.pk) == 1 and found[0] == paper.pk
    assert len(index) == Paper.objects.count()


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
    assert vectors.build("noise-64", 64, approximate=True).approximate is None


def test_a_copy_saved_for_another_database_is_not_loaded(topic_papers):
    vectors.build(topic_papers.name, topic_papers.dim, approximate=True)
    current = vectors.index_dir(topic_papers.name) / "current.json"
    assert vectors.load_saved(topic_papers.name) is not None
    current.write_text(current.read_text().replace('"database": "', '"database": "elsewhere-'))
    assert vectors.load_saved(topic_papers.name) is None


def test_a_damaged_or_half_written_copy_is_never_served(topic_papers):
    vectors.build(topic_papers.name, topic_papers.dim, approximate=True)
    folder = vectors.index_dir(topic_papers.name)
    current = json.loads((folder / "current.json").read_text())
    main = folder / current["segments"][0]["folder"]
    # A crash while writing a new segment leaves a folder nothing names: ignored.
    (folder / "20990101000000-deadbeef").mkdir()
    assert vectors.load_saved(topic_papers.name) is not None
    # A truncated array (a disk error): refused, and searches read the database instead.
    np.save(main / "days.npy", np.zeros(3, dtype=np.int32))
    assert vectors.load_saved(topic_papers.name) is None
    vectors.forget()
    query = topic_papers.embed(["query 3"])[0]
    assert len(semantic.index().nearest(query, 5)) == 5
