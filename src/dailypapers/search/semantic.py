"""The semantic layer's public face: is it on, which embedder, the vectors, nearest papers.

Semantic search is on when EMBEDDING_MODEL names a model that loads here: by default
all-MiniLM-L6-v2 on ONNX Runtime (EMBEDDING_BACKEND=onnx, onnx_embedder.py), or any
sentence-transformers model with the optional extra ``semantic``. Whatever the
configuration, paper vectors are stored for the *active* embedder: the model when it
loads, else the built-in lexical embedder, whose vectors serve "more like this" (related
papers) but never semantic search.

For other parts (recommendations): ``semantic_enabled()`` and ``vectors_for(ids)``, which
returns the stored vectors of the active embedder, unit length, float32.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db.models import Count, Max, Min
from django.utils import timezone

from dailypapers.papers.models import Paper
from dailypapers.search import vectors
from dailypapers.search.backends.common import Filters
from dailypapers.search.embedders import (
    Embedder,
    EmbedderUnavailable,
    LexicalEmbedder,
    SentenceTransformerEmbedder,
)
from dailypapers.search.models import PaperEmbedding
from dailypapers.search.onnx_embedder import packaged_embedder
from dailypapers.search.vector_index import VectorIndex, from_bytes

logger = logging.getLogger(__name__)

_lock = threading.Lock()
# Keyed by (model, backend, device): what _load() gives depends on all three settings.
_loaded: dict[tuple[str, str, str], Embedder | EmbedderUnavailable] = {}
_override: list[Embedder | None] = []  # tests put an embedder here (see use_embedder)


def _model_embedder() -> Embedder | None:
    """The configured model, loaded once per process; None when none is configured.

    Raises EmbedderUnavailable (every time, without retrying the load) when it cannot load.
    """
    if _override:
        return _override[-1]
    name = settings.EMBEDDING_MODEL
    if not name:
        return None
    key = (name, settings.EMBEDDING_BACKEND, settings.EMBEDDING_DEVICE)
    with _lock:
        found = _loaded.get(key)
        if found is None:
            try:
                found = _load(name)
            except EmbedderUnavailable as error:
                logger.warning("semantic search is off: %s", error)
                found = error
            _loaded[key] = found
    if isinstance(found, EmbedderUnavailable):
        raise found
    return found


def _load(name: str) -> Embedder:
    if settings.EMBEDDING_BACKEND == "onnx":
        return packaged_embedder(name, Path(settings.DATA_DIR) / "models")
    return SentenceTransformerEmbedder(
        name, device=settings.EMBEDDING_DEVICE, batch_size=settings.EMBEDDING_BATCH_SIZE
    )


def semantic_enabled() -> bool:
    """True when search can rank by meaning: a configured model that loads."""
    try:
        return _model_embedder() is not None
    except EmbedderUnavailable:
        return False


NOT_CONFIGURED = "no embedding model is configured (EMBEDDING_MODEL)"


def unavailable_reason() -> str:
    """Why semantic search is off ("" when it is on)."""
    try:
        if _model_embedder() is not None:
            return ""
    except EmbedderUnavailable as error:
        return str(error)
    return NOT_CONFIGURED


_lexical = LexicalEmbedder()


def loaded_embedder_name() -> str | None:
    """active_embedder()'s name if this process knows it without loading a model, else None.

    For callers that must stay cheap (a metrics scrape): loading the model takes a web
    worker a fifth of a second of CPU and its memory, which a search would pay anyway.
    """
    if _override:
        return (_override[-1] or _lexical).name
    name = settings.EMBEDDING_MODEL
    if not name:
        return _lexical.name
    found = _loaded.get((name, settings.EMBEDDING_BACKEND, settings.EMBEDDING_DEVICE))
    if found is None:
        return None
    return _lexical.name if isinstance(found, EmbedderUnavailable) else found.name


def active_embedder() -> Embedder:
    """Whose vectors are stored and used: the model when it loads, else the lexical one."""
    try:
        return _model_embedder() or _lexical
    except EmbedderUnavailable:
        return _lexical


@contextmanager
def use_embedder(embedder: Embedder | None) -> Iterator[None]:
    """Within the block, ``embedder`` is the configured model (None: none configured)."""
    _override.append(embedder)
    _recent_queries.clear()
    try:
        yield
    finally:
        _override.pop()
        _recent_queries.clear()
        vectors.forget()


def index() -> VectorIndex:
    embedder = active_embedder()
    return vectors.current(embedder.name, embedder.dim)


def describe(loaded: VectorIndex) -> str:
    """The kind of index, for the status page and `embed`."""
    ivf = loaded.approximate
    kind = (
        f"approximate (faiss IVF, 8-bit codes, {ivf.nlist:,} lists, nprobe {ivf.nprobe}, "
        f"recall@10 {ivf.measured_recall:.3f} when built)"
        if ivf is not None
        else "exact (8-bit codes)"
    )
    added = len(loaded.segments) - 1
    return kind + (f", plus {added} newer segment{'s' if added > 1 else ''}" if added else "")


def vectors_for(paper_ids: Iterable[int]) -> dict[int, np.ndarray]:
    """Stored vectors of the active embedder for these papers (those without one are left out)."""
    embedder = active_embedder()
    rows = PaperEmbedding.objects.filter(
        paper_id__in=list(paper_ids), model=embedder.name
    ).values_list("paper_id", "vector")
    return {pk: from_bytes(blob, embedder.dim) for pk, blob in rows}


def nearest_to_text(text: str, k: int, filters: Filters | None = None) -> list[tuple[int, float]]:
    """Papers nearest in meaning to ``text``; [] when semantic search is off."""
    embedder = _model_embedder_or_none()
    if embedder is None or not text.strip():
        return []
    query = _query_vector(embedder, text)
    return vectors.current(embedder.name, embedder.dim).nearest(query, k, filters)


def order_by_meaning(text: str, paper_ids: list[int]) -> list[int]:
    """``paper_ids`` nearest in meaning to ``text`` first; those without a vector keep their
    order after them. Unchanged when semantic search is off."""
    embedder = _model_embedder_or_none()
    if embedder is None or not text.strip() or not paper_ids:
        return list(paper_ids)
    loaded = vectors.current(embedder.name, embedder.dim).vectors_of(paper_ids)
    known = [pk for pk in paper_ids if pk in loaded]
    if not known:
        return list(paper_ids)
    scores = np.stack([loaded[pk] for pk in known]) @ _query_vector(embedder, text)
    # A stable sort keeps equal scores in the order given (newest first).
    ordered = [known[i] for i in np.argsort(-scores, kind="stable")]
    return ordered + [pk for pk in paper_ids if pk not in loaded]


_recent_queries: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
RECENT_QUERIES = 512  # the next page of a search, or a changed filter, needs no model call


def _query_vector(embedder: Embedder, text: str) -> np.ndarray:
    key = (embedder.name, text)
    with _lock:
        found = _recent_queries.get(key)
        if found is not None:
            _recent_queries.move_to_end(key)
            return found
    vector = embedder.embed([text])[0]
    with _lock:
        _recent_queries[key] = vector
        while len(_recent_queries) > RECENT_QUERIES:
            _recent_queries.popitem(last=False)
    return vector


def _model_embedder_or_none() -> Embedder | None:
    try:
        return _model_embedder()
    except EmbedderUnavailable:
        return None


@dataclass(frozen=True, slots=True)
class Status:
    semantic: bool
    reason: str  # why semantic search is off
    embedder: str  # the active embedder's name
    dim: int
    papers: int
    embedded: int  # papers with a vector of the active embedder
    other_models: dict[str, int]  # vectors of embedders no longer active
    index_kind: str  # "exact", "approximate (IVF, nprobe …)" or "not loaded"
    rate: float = 0.0  # papers embedded per second lately (0: embedding is not running)

    @property
    def related_by(self) -> str:
        return "meaning (the embedding model)" if self.semantic else "shared words"

    @property
    def remaining(self) -> int:
        return max(self.papers - self.embedded, 0)

    @property
    def eta_minutes(self) -> int | None:
        """Minutes until every paper has a vector at the recent rate; None if not running."""
        if not self.rate or not self.remaining:
            return None
        return max(1, round(self.remaining / self.rate / 60))


RATE_WINDOW = timedelta(minutes=5)


def embedding_rate(model: str) -> float:
    """Papers per second embedded with ``model`` in the last few minutes (0 when idle)."""
    now = timezone.now()
    recent = PaperEmbedding.objects.filter(model=model, embedded_at__gte=now - RATE_WINDOW)
    found = recent.aggregate(n=Count("pk"), first=Min("embedded_at"), last=Max("embedded_at"))
    if found["n"] < 2 or now - found["last"] > timedelta(minutes=1):
        return 0.0  # nothing written for a minute: not running now
    seconds = (now - found["first"]).total_seconds()
    return found["n"] / seconds if seconds > 0 else 0.0


def status(load_index: bool = False) -> Status:
    embedder = active_embedder()
    per_model = PaperEmbedding.objects.values("model").annotate(n=Count("pk"))
    counts = {row["model"]: row["n"] for row in per_model.order_by()}
    kind = "not loaded"
    if load_index:
        kind = describe(index())
    return Status(
        semantic=semantic_enabled(),
        reason=unavailable_reason(),
        embedder=embedder.name,
        dim=embedder.dim,
        papers=Paper.objects.count(),
        embedded=counts.pop(embedder.name, 0),
        other_models=counts,
        index_kind=kind,
        rate=embedding_rate(embedder.name),
    )
