"""The pure scorer: keyword features, logistic regression, nearest liked paper."""

from __future__ import annotations

import numpy as np
import pytest

from dailypapers.lib.recommend import (
    PaperText,
    SparseRows,
    fit_logistic,
    nearest,
    paper_features,
    rows_of,
    tfidf,
    words,
)

GRAPHS = [
    PaperText("Graph neural networks for molecules", "Message passing on molecular graphs."),
    PaperText("Scalable graph neural networks", "Sampling neighbours in large graphs."),
    PaperText("Graph attention for molecules", "Attention over molecular graph edges."),
]
OTHERS = [
    PaperText("Dark matter halos", "Simulations of galaxy clusters and halos."),
    PaperText("Supernova light curves", "Photometry of type Ia supernovae."),
    PaperText("Quantum error correction", "Surface codes with lattice surgery."),
    PaperText("Protein folding kinetics", "Molecular dynamics of small proteins."),
    PaperText("Speech recognition with transformers", "End-to-end acoustic models."),
]


def matrix(papers: list[PaperText]) -> SparseRows:
    return tfidf(rows_of([paper_features(paper) for paper in papers]))


def test_words_are_lower_case_without_stop_words_or_single_letters():
    assert words("The GPT-4 model of a Graph") == ["gpt", "model", "graph"]


def test_the_same_text_always_gives_the_same_features_and_different_text_others():
    first = paper_features(PaperText("Graph networks", "On graphs.", ["cs.LG"], ["Ada"]))
    again = paper_features(PaperText("Graph networks", "On graphs.", ["cs.LG"], ["Ada"]))
    other = paper_features(PaperText("Dark matter", "On halos.", ["astro-ph.CO"], ["Bob"]))
    assert np.array_equal(first[0], again[0]) and np.array_equal(first[1], again[1])
    assert not set(first[0]) & set(other[0])


def test_categories_and_authors_are_features_of_their_own():
    bare = paper_features(PaperText("Graph networks", ""))
    tagged = paper_features(PaperText("Graph networks", "", ["cs.LG"], ["Ada Lovelace"]))
    assert len(tagged[0]) == len(bare[0]) + 2


def test_tfidf_rows_have_unit_length_and_rare_words_weigh_more():
    rows = matrix([PaperText("graph common", ""), PaperText("halo common", "")])
    for row in range(rows.n_rows):
        start, end = rows.indptr[row], rows.indptr[row + 1]
        assert np.isclose(np.linalg.norm(rows.values[start:end]), 1.0)
    common = hash("common") & ((1 << 20) - 1)
    graph = hash("graph") & ((1 << 20) - 1)
    first = dict(zip(rows.indices[: rows.indptr[1]], rows.values[: rows.indptr[1]], strict=True))
    assert first[graph] > first[common]


def test_take_and_stack_keep_rows_whole_and_in_order():
    rows = matrix(GRAPHS + OTHERS)
    picked = rows.take([4, 0])
    assert picked.n_rows == 2
    assert np.array_equal(
        picked.indices[: picked.indptr[1]], rows.indices[rows.indptr[4] : rows.indptr[5]]
    )
    stacked = SparseRows.stack([rows.take([0]), rows.take([1, 2])])
    assert np.array_equal(stacked.indices, rows.take([0, 1, 2]).indices)


def test_logistic_regression_ranks_papers_like_the_liked_ones_first():
    train = matrix(GRAPHS[:2] + OTHERS)
    labels = np.array([1, 1, 0, 0, 0, 0, 0])
    model = fit_logistic(train, labels)
    candidates = matrix([GRAPHS[2], PaperText("Galaxy cluster halos", "Dark matter maps.")])
    scores = model.decision(candidates)
    assert scores[0] > scores[1]


def test_logistic_regression_works_on_dense_embeddings_too():
    rng = np.random.default_rng(7)
    liked_direction = np.array([1.0, 0.0, 0.0, 0.0])
    positives = liked_direction + 0.1 * rng.standard_normal((5, 4))
    negatives = rng.standard_normal((20, 4))
    model = fit_logistic(np.vstack([positives, negatives]), np.r_[np.ones(5), np.zeros(20)])
    scores = model.decision(np.array([[2.0, 0.1, 0.0, 0.0], [-1.0, 0.5, 0.5, 0.0]]))
    assert scores[0] > scores[1]


def test_fitting_without_both_classes_is_refused():
    with pytest.raises(ValueError, match="positive and negative"):
        fit_logistic(matrix(GRAPHS), np.ones(3))


def test_nearest_names_the_most_similar_liked_paper():
    liked = matrix([GRAPHS[0], OTHERS[0]])
    candidates = matrix([PaperText("Molecular graph networks", ""), OTHERS[1]])
    best, similarity = nearest(candidates, liked)
    assert best[0] == 0 and similarity[0] > 0.1
    assert similarity[1] < similarity[0]


def test_papers_without_text_get_empty_rows_and_a_bias_only_score():
    rows = rows_of([paper_features(PaperText("", ""))])
    assert rows.n_rows == 1 and len(rows.indices) == 0
    model = fit_logistic(matrix(GRAPHS[:1] + OTHERS), np.r_[1, np.zeros(5)])
    assert model.decision(tfidf(rows))[0] == pytest.approx(model.bias)
