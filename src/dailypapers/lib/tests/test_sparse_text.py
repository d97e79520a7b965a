"""Exact sparse TF-IDF over words (lib/sparse_text.py): related papers without a model."""

from __future__ import annotations

import numpy as np

from dailypapers.lib.sparse_text import Postings, cosines, terms, tfidf_rows, vocabulary_of

TEXTS = [
    "Quasar spectra in a galaxy survey",
    "A catalogue of quasars",
    "Galaxy survey of nearby galaxies",
    "Galaxy survey with a new telescope",
    "Galaxy survey data release",
    "",
]


def test_words_are_stemmed_and_stop_words_left_out():
    assert terms("The networks of a network, using graphs") == {"network": 2, "graph": 1}


def test_each_row_has_length_one_and_an_empty_text_an_empty_row():
    rows = tfidf_rows(TEXTS, vocabulary_of(TEXTS))
    lengths = [np.linalg.norm(rows.take([i]).values) for i in range(rows.n_rows)]
    assert np.allclose(lengths[:-1], 1.0) and lengths[-1] == 0.0


def test_a_shared_rare_word_counts_for_more_than_shared_common_ones():
    rows = tfidf_rows(TEXTS, vocabulary_of(TEXTS))
    found = cosines(rows.take([0]), rows.take([1, 2, 5]))
    assert found[0] > found[1] > 0 and found[2] == 0.0


def test_words_the_vocabulary_does_not_know_are_left_out():
    vocabulary = vocabulary_of(TEXTS[:2])
    rows = tfidf_rows(["quasar zeppelin"], vocabulary)
    assert rows.indices.tolist() == [vocabulary.numbers["quasar"]]


def test_scores_by_postings_are_the_cosines_to_every_row():
    vocabulary = vocabulary_of(TEXTS)
    rows = tfidf_rows(TEXTS, vocabulary)
    postings = Postings.of(rows, len(vocabulary.numbers))
    mine = rows.take([0])
    assert np.allclose(postings.scores(mine.indices, mine.values, rows.n_rows), cosines(mine, rows))
