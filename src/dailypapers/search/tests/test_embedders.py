"""Embedders and the nearest-neighbour index: pure numpy, no database, no model download."""

from __future__ import annotations

import numpy as np
import pytest

from dailypapers.lib.query import parse
from dailypapers.search.embedders import (
    EmbedderUnavailable,
    LexicalEmbedder,
    SentenceTransformerEmbedder,
    paper_text,
    query_text,
)


def test_lexical_vectors_have_unit_length_and_an_empty_text_gives_zeros():
    vectors = LexicalEmbedder().embed(["Graph neural networks for molecules", "", "the of and"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.isclose(np.linalg.norm(vectors[0]), 1.0)
    assert not vectors[1].any() and not vectors[2].any()


def test_lexical_vectors_are_closer_for_texts_sharing_words_in_other_forms():
    first, similar, other = LexicalEmbedder().embed(
        ["Training graph networks", "A graph network trained on molecules", "Bird migration"]
    )
    assert first @ similar > 0.3 > abs(first @ other)


def test_the_same_text_always_gets_the_same_lexical_vector():
    assert np.array_equal(LexicalEmbedder().embed(["x ray"]), LexicalEmbedder().embed(["x ray"]))


def test_a_paper_is_embedded_as_title_then_abstract_and_a_query_as_its_words():
    assert paper_text(" A title ", "An abstract. ") == "A title. An abstract."
    assert paper_text("Only a title", "  ") == "Only a title"
    assert query_text(parse('diffusion "image synthesis" author:Ho cat:cs.CV')) == (
        "diffusion image synthesis"
    )


def test_a_model_that_is_not_on_disk_is_refused_with_a_clear_message(tmp_path):
    with pytest.raises(EmbedderUnavailable) as refused:
        SentenceTransformerEmbedder(str(tmp_path / "no-such-model"), device="cpu")
    assert "no-such-model" in str(refused.value)
