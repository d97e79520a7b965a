"""The in-memory vector index of one model: its arrays, filter masks and nearest search.

``vectors.py`` reads, builds, saves and caches these; this module only answers questions
about arrays already in memory, and knows nothing of the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from dailypapers.search import ann
from dailypapers.search.backends.common import Filters

EPOCH = date(1970, 1, 1)
# A filter leaving fewer rows than this is answered exactly: gathering and scoring them all
# costs about what probing does, and misses nothing.
EXACT_BELOW = 5_000


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f2").tobytes()


def from_bytes(blob: bytes | memoryview, dim: int | None = None) -> np.ndarray:
    vector = np.frombuffer(bytes(blob), dtype="<f2").astype(np.float32)
    if dim is not None and vector.size != dim:
        raise ValueError(f"stored vector has {vector.size} values, expected {dim}")
    return vector


def day_number(value: date | str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return (value - EPOCH).days


@dataclass
class Snapshot:
    """What was read from the database; ``newest`` says whether it is still current.

    Only the newest write time is compared: an index on (model, embedded_at) answers it at
    once, where counting a million rows took longer than the search itself. A vector written
    later changes it; a paper deleted does not, and callers check ids against the database.
    """

    count: int  # rows in the index
    newest: str  # the latest embedded_at, as text (comparable across both databases)


@dataclass
class VectorIndex:
    model: str
    ids: np.ndarray  # (n,) int64 paper ids, in layout order
    vectors: np.ndarray  # (n, dim) float32 unit rows
    days: np.ndarray  # (n,) int32 days since 1970 of the announcement, 0 when unknown
    has_code: np.ndarray  # (n,) bool
    categories: dict[str, np.ndarray]  # category -> rows listed in it (cross-lists too)
    snapshot: Snapshot
    ivf: ann.IvfLayout | None = None
    # True when a paper may have two rows: the saved one and a newer one from the database.
    may_repeat: bool = False
    _rows_by_id: dict[int, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._rows_by_id = {int(pk): row for row, pk in enumerate(self.ids.tolist())}

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1]) if self.vectors.ndim == 2 else 0

    def vector_of(self, paper_id: int) -> np.ndarray | None:
        row = self._rows_by_id.get(int(paper_id))
        return None if row is None else self.vectors[row]

    def mask(self, filters: Filters | None) -> np.ndarray | None:
        """Rows the filters allow (None: every row)."""
        if filters is None:
            return None
        allowed: np.ndarray | None = None

        def narrow(rows: np.ndarray) -> None:
            nonlocal allowed
            allowed = rows if allowed is None else allowed & rows

        for category in filters.categories:
            listed = np.zeros(len(self), dtype=bool)
            listed[self.categories.get(category, np.zeros(0, dtype=np.int64))] = True
            narrow(listed)
        for category in filters.excluded_categories:
            unlisted = np.ones(len(self), dtype=bool)
            unlisted[self.categories.get(category, np.zeros(0, dtype=np.int64))] = False
            narrow(unlisted)
        if filters.date_from is not None:
            narrow(self.days >= max(day_number(filters.date_from), 1))
        if filters.date_to is not None:
            narrow((self.days <= day_number(filters.date_to)) & (self.days > 0))
        if filters.has_code is not None:
            narrow(self.has_code == filters.has_code)
        return allowed

    def _candidate_rows(self, query: np.ndarray, allowed: np.ndarray | None) -> np.ndarray | None:
        """Rows worth scoring (None: all of them, which one product over the matrix does)."""
        allowed_count = len(self) if allowed is None else int(allowed.sum())
        if allowed is not None and allowed_count <= EXACT_BELOW:
            return np.flatnonzero(allowed)
        if self.ivf is None:
            return None
        # Probe more clusters in proportion to what the filter removes.
        nprobe = min(len(self.ivf.centres), int(np.ceil(self.ivf.nprobe * len(self) /
                                                        allowed_count)))  # fmt: skip
        rows = ann.probe_rows(self.ivf, query, nprobe)
        return rows if allowed is None else rows[allowed[rows]]

    def nearest(
        self,
        query: np.ndarray,
        k: int,
        filters: Filters | None = None,
        exclude: tuple[int, ...] = (),
    ) -> list[tuple[int, float]]:
        """The ``k`` (paper id, cosine) nearest to ``query`` among rows the filters allow."""
        if not len(self) or k <= 0:
            return []
        query = np.asarray(query, dtype=np.float32)
        allowed = self.mask(filters)
        if allowed is not None and not allowed.any():
            return []
        rows = self._candidate_rows(query, allowed)
        if rows is None:
            scores = self.vectors @ query
            if allowed is not None:
                scores[~allowed] = -np.inf
        else:
            scores = self.vectors[rows] @ query
        # Excluded papers and duplicate rows (a paper embedded again after the index was
        # saved) are dropped from a slightly longer list.
        best = ann.top_k(scores, (2 * k if self.may_repeat else k) + len(exclude))
        skip = set(exclude)
        found: dict[int, float] = {}
        for position in best:
            score = float(scores[position])
            paper_id = int(self.ids[position if rows is None else rows[position]])
            if score == -np.inf or paper_id in skip:
                continue
            found.setdefault(paper_id, score)
            if len(found) == k:
                break
        return list(found.items())
