"""Vector storage shared by every process: 8-bit codes in a faiss file, mapped read-only.

Pure numpy and faiss, no Django. ``Codes`` holds unit vectors as faiss scalar-quantised
codes (QT_8bit: one byte a dimension, each dimension scaled between its trained minimum
and maximum) and scores them by inner product with faiss's SIMD kernels, never turning
them back into a float32 matrix. Saved, a file is opened with ``IO_FLAG_MMAP_IFC``: the
codes stay in the page cache, shared by every process that maps the file, where each
worker used to hold its own float32 copy (1.5 GB at a million papers).

Two kinds: flat (``IndexScalarQuantizer``, every row scored: exact up to quantisation) and
an inverted file (``IndexIVFScalarQuantizer``: k-means into about 2·√n lists, a query
scores the ``nprobe`` lists nearest to it). ``build`` tunes nprobe to the smallest giving
recall@10 ≥ RECALL_TARGET against exact float32 search on sample queries, and keeps the
inverted file only when that probes at most half of the lists. Filters reach faiss as
a bitmap of allowed rows. Measured against the hand-written IVF this replaced (and a few
other layouts): docs/benchmarks.md, "Shared vector index".
"""

from __future__ import annotations

import math
from pathlib import Path

import faiss
import numpy as np

RECALL_TARGET = 0.97  # tuned above the 0.95 required, for queries unlike the tuning sample
TRAIN_SAMPLE = 100_000  # rows the quantiser's ranges and the k-means are trained on
SMALL = 1_000  # fewer rows than this are kept as float32 (too few to train ranges on)
MAX_PROBED_SHARE = 2  # an inverted file probing more than half its lists is not kept


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest scores, highest first (ties: lower position first)."""
    if k <= 0 or scores.size == 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
    return part[np.lexsort((part, -scores[part]))]


def recall_at(exact: list[np.ndarray], approximate: list[np.ndarray]) -> float:
    hits = sum(len(np.intersect1d(e, a)) for e, a in zip(exact, approximate, strict=True))
    return hits / max(1, sum(len(e) for e in exact))


def clusters_for(count: int) -> int:
    """About 2·√n lists (600 of 150 rows at 91,000; 2,000 of 500 at a million): both the
    centre scan and each probed list stay small."""
    return max(1, min(int(2 * math.sqrt(count)), count // 40 or 1))


def _sample(vectors: np.ndarray, size: int, seed: int) -> np.ndarray:
    if len(vectors) <= size:
        return np.ascontiguousarray(vectors, dtype=np.float32)
    rows = np.sort(np.random.default_rng(seed).choice(len(vectors), size, replace=False))
    return np.ascontiguousarray(vectors[rows], dtype=np.float32)


def _add(index: faiss.Index, vectors: np.ndarray) -> None:
    for start in range(0, len(vectors), 65_536):
        index.add(np.ascontiguousarray(vectors[start : start + 65_536], dtype=np.float32))


def tuning_queries(vectors: np.ndarray, seed: int = 0, count: int = 200) -> np.ndarray:
    """Stored vectors blurred with noise, so a query is never exactly its own row."""
    rng = np.random.default_rng(seed + 1)
    picked = _sample(vectors, count, seed + 2)
    # As far from any stored row as a text query typically is: rows blurred only a little
    # made the tuned nprobe too small for fresh queries.
    noisy = picked + rng.normal(0, 1.5 / np.sqrt(vectors.shape[1]), picked.shape)
    return (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)


class Codes:
    """Unit vectors, row ``i`` the ``i``-th added, searched by inner product."""

    def __init__(self, index: faiss.Index, measured_recall: float = 0.0) -> None:
        self.index = index
        self.measured_recall = measured_recall  # recall@10 against exact when built (IVF)
        if self.approximate:
            # Needed by reconstruct (a paper's own vector): 8 bytes a row, this process's.
            self.ivf.make_direct_map()

    @property
    def ivf(self) -> faiss.IndexIVF:
        return faiss.extract_index_ivf(self.index)

    @property
    def approximate(self) -> bool:
        return isinstance(self.index, faiss.IndexIVF)

    @property
    def nprobe(self) -> int:
        return int(self.ivf.nprobe) if self.approximate else 0

    @property
    def nlist(self) -> int:
        return int(self.ivf.nlist) if self.approximate else 0

    def __len__(self) -> int:
        return int(self.index.ntotal)

    @property
    def dim(self) -> int:
        return int(self.index.d)

    @classmethod
    def flat(cls, vectors: np.ndarray, seed: int = 0) -> Codes:
        """Every row scored; 8-bit codes, or float32 for a handful of rows."""
        dim = vectors.shape[1]
        index: faiss.Index
        if len(vectors) < SMALL:
            index = faiss.IndexFlatIP(dim)
        else:
            index = faiss.IndexScalarQuantizer(
                dim, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
            )
            index.train(_sample(vectors, TRAIN_SAMPLE, seed))
        _add(index, vectors)
        return cls(index)

    @classmethod
    def clustered(cls, vectors: np.ndarray, seed: int = 0,
                  queries: np.ndarray | None = None) -> Codes:  # fmt: skip
        """An inverted file with nprobe tuned to RECALL_TARGET against exact search."""
        dim, nlist = vectors.shape[1], clusters_for(len(vectors))
        index = faiss.IndexIVFScalarQuantizer(
            faiss.IndexFlatIP(dim), dim, nlist, faiss.ScalarQuantizer.QT_8bit,
            faiss.METRIC_INNER_PRODUCT,
        )  # fmt: skip
        index.cp.seed = seed
        index.train(_sample(vectors, min(TRAIN_SAMPLE, 64 * nlist), seed))
        _add(index, vectors)
        codes = cls(index)
        codes.tune(vectors, tuning_queries(vectors, seed) if queries is None else queries)
        return codes

    def tune(self, vectors: np.ndarray, queries: np.ndarray, k: int = 10) -> None:
        """The smallest nprobe (doubling from 4) whose recall@k reaches RECALL_TARGET."""
        exact = [top_k(vectors @ query, k) for query in queries]
        nprobe = min(4, self.nlist)
        while True:
            self.ivf.nprobe = nprobe
            found = [self.search(query, k)[0] for query in queries]
            self.measured_recall = recall_at(exact, found)
            if self.measured_recall >= RECALL_TARGET or nprobe >= self.nlist:
                return
            nprobe = min(nprobe * 2, self.nlist)

    @classmethod
    def build(cls, vectors: np.ndarray, approximate: bool, seed: int = 0) -> Codes:
        """An inverted file when asked for and worth it, else flat."""
        if approximate and len(vectors) >= 2 * SMALL:
            # Decided on a sample first: clustering everything only to drop it is slow.
            sample = _sample(vectors, 20_000, seed + 3)
            if len(sample) < len(vectors) and not cls.clustered(sample, seed)._pays():
                return cls.flat(vectors, seed)
            codes = cls.clustered(vectors, seed)
            if codes._pays():
                return codes
        return cls.flat(vectors, seed)

    def _pays(self) -> bool:
        # Vectors that do not cluster (the word-hashing embedder's) need most lists probed
        # for the recall target, which costs more than one scan of every code.
        return self.nprobe <= self.nlist // MAX_PROBED_SHARE

    @classmethod
    def open(cls, path: Path, measured_recall: float = 0.0) -> Codes:
        """Saved codes, mapped read-only: their pages are shared by every process mapping
        the file. The file is never written again (a new one replaces it), so a mapping
        stays valid after the replacement."""
        flags = faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY
        return cls(faiss.read_index(str(path), flags), measured_recall)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    def search(
        self,
        query: np.ndarray,
        k: int,
        rows: np.ndarray | None = None,
        nprobe: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (rows, scores), among ``rows`` (a bool per row) when given; an inverted
        file probes ``nprobe`` lists (default: the tuned number)."""
        k = min(k, len(self))
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        selector = None
        if rows is not None:
            bitmap = np.packbits(rows, bitorder="little")
            # faiss's Python wrapper takes the numpy bitmap alone, and keeps it alive with
            # the selector (the SWIG stubs know only the C++ signature).
            selector = faiss.IDSelectorBitmap(bitmap)  # type: ignore[call-arg, arg-type]
        params = faiss.SearchParametersIVF() if self.approximate else faiss.SearchParameters()
        if isinstance(params, faiss.SearchParametersIVF):
            params.nprobe = min(self.nlist, nprobe or self.nprobe)
        if selector is not None:
            params.sel = selector
        scores, found = self.index.search(
            np.ascontiguousarray(query, dtype=np.float32)[None, :], k, params=params
        )
        keep = found[0] >= 0
        return found[0][keep].astype(np.int64), scores[0][keep]

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        """The stored vectors of ``rows`` (float32; within a quantisation step)."""
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.index.reconstruct_batch(rows)
