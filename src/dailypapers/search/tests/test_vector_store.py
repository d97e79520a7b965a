"""The shared vector store: 8-bit codes that find what exact float32 search finds, an
inverted file that reaches its recall target, filters as a bitmap, and the saved file
mapped rather than read."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dailypapers.search.vector_store import Codes, recall_at, top_k


def clustered(n: int, dim: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(50, dim))
    points = centres[rng.integers(0, 50, n)] + rng.normal(0, 1.0, (n, dim))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def test_top_k_gives_the_highest_scores_first_and_lower_positions_on_ties():
    scores = np.array([0.1, 0.9, 0.5, 0.9, 0.2])
    assert top_k(scores, 3).tolist() == [1, 3, 2]
    assert top_k(scores, 10).tolist() == [1, 3, 2, 4, 0]
    assert top_k(scores, 0).tolist() == []


def test_eight_bit_codes_find_what_exact_float32_search_finds():
    vectors = clustered(5_000, 32, seed=1)
    codes = Codes.flat(vectors)
    queries = clustered(50, 32, seed=2)
    exact = [top_k(vectors @ query, 10) for query in queries]
    found = [codes.search(query, 10)[0] for query in queries]
    assert recall_at(exact, found) >= 0.97
    assert np.abs(codes.vectors(np.arange(10)) - vectors[:10]).max() < 0.02


def test_the_inverted_file_finds_at_least_95_percent_of_the_exact_top_ten():
    vectors = clustered(20_000, 32, seed=1)
    codes = Codes.clustered(vectors)
    assert codes.approximate and codes.nprobe < codes.nlist  # it did not scan everything
    queries = clustered(100, 32, seed=3)  # not the tuning queries
    exact = [top_k(vectors @ query, 10) for query in queries]
    found = [codes.search(query, 10)[0] for query in queries]
    assert recall_at(exact, found) >= 0.95


def test_only_allowed_rows_are_returned():
    vectors = clustered(3_000, 16, seed=4)
    allowed = np.zeros(3_000, dtype=bool)
    allowed[::7] = True
    for codes in (Codes.flat(vectors), Codes.clustered(vectors)):
        rows, _ = codes.search(vectors[5], 20, allowed, nprobe=codes.nlist or None)
        assert len(rows) == 20 and allowed[rows].all()


def test_saved_codes_are_mapped_read_only_and_answer_as_before(tmp_path: Path):
    vectors = clustered(4_000, 16, seed=5)
    built = Codes.clustered(vectors)
    built.save(tmp_path / "codes.faiss")
    opened = Codes.open(tmp_path / "codes.faiss", built.measured_recall)
    assert str(tmp_path / "codes.faiss") in Path("/proc/self/maps").read_text()
    assert opened.nprobe == built.nprobe and len(opened) == 4_000
    query = vectors[11]
    assert opened.search(query, 10)[0].tolist() == built.search(query, 10)[0].tolist()
    assert np.allclose(opened.vectors(np.array([11])), built.vectors(np.array([11])))
