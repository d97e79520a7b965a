"""The vector index of one model: segments of codes with their filter arrays, searched as one.

``vectors.py`` reads, builds, saves and caches these; this module only answers questions
about segments already open, and knows nothing of the database. A segment's arrays are
memory-mapped when it was saved (shared by every process), in memory when it was read from
the database (the vectors stored after the saved copy, or everything when none is saved).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from dailypapers.search.backends.common import Filters
from dailypapers.search.vector_store import Codes

EPOCH = date(1970, 1, 1)
# A filter leaving fewer rows than this is answered by scoring every allowed row: that
# costs about what probing does, and misses nothing.
EXACT_BELOW = 5_000
NO_ROWS = np.zeros(0, dtype=np.int64)


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
class Segment:
    """Rows of papers in ascending id order, their codes, and per-row filter arrays."""

    ids: np.ndarray  # (n,) int64 paper ids, ascending
    codes: Codes
    days: np.ndarray  # (n,) int32 days since 1970 of the announcement, 0 when unknown
    has_code: np.ndarray  # (n,) bool
    categories: dict[str, np.ndarray]  # category -> rows listed in it (cross-lists too)
    # Rows a later segment holds again (the paper was embedded again): never answered.
    superseded: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def rows_of(self, paper_ids: np.ndarray) -> np.ndarray:
        """The row of each paper id, -1 where this segment does not hold it."""
        paper_ids = np.asarray(paper_ids, dtype=np.int64)
        if not len(self.ids) or not len(paper_ids):
            return np.full(len(paper_ids), -1, dtype=np.int64)
        rows = np.minimum(np.searchsorted(self.ids, paper_ids), len(self.ids) - 1)
        found = np.asarray(self.ids[rows]) == paper_ids
        if self.superseded is not None:
            found &= ~self.superseded[rows]
        return np.where(found, rows, -1)

    def mask(self, filters: Filters | None) -> np.ndarray | None:
        """Rows the filters allow and no later segment replaces (None: every row)."""
        allowed: np.ndarray | None = None if self.superseded is None else ~self.superseded
        if filters is None:
            return allowed

        def narrow(rows: np.ndarray) -> None:
            nonlocal allowed
            allowed = rows if allowed is None else allowed & rows

        for category in filters.categories:
            listed = np.zeros(len(self), dtype=bool)
            listed[self.categories.get(category, NO_ROWS)] = True
            narrow(listed)
        for category in filters.excluded_categories:
            unlisted = np.ones(len(self), dtype=bool)
            unlisted[self.categories.get(category, NO_ROWS)] = False
            narrow(unlisted)
        if filters.date_from is not None:
            narrow(self.days >= max(day_number(filters.date_from), 1))
        if filters.date_to is not None:
            narrow((self.days <= day_number(filters.date_to)) & (self.days > 0))
        if filters.has_code is not None:
            narrow(self.has_code == filters.has_code)
        return allowed

    def nearest(
        self, query: np.ndarray, k: int, filters: Filters | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` nearest (paper ids, scores) among rows the filters allow."""
        allowed = self.mask(filters)
        allowed_count = len(self) if allowed is None else int(allowed.sum())
        if not allowed_count or k <= 0:
            return NO_ROWS, np.zeros(0, dtype=np.float32)
        nprobe = None
        if self.codes.approximate:
            if allowed_count <= EXACT_BELOW:
                nprobe = self.codes.nlist  # every list, only the allowed rows scored
            else:
                # Probe more lists in proportion to what the filter removes.
                share = len(self) / allowed_count
                nprobe = min(self.codes.nlist, int(np.ceil(self.codes.nprobe * share)))
        rows, scores = self.codes.search(query, k, allowed, nprobe)
        return np.asarray(self.ids[rows], dtype=np.int64), scores


@dataclass
class VectorIndex:
    """Every stored vector of one model: saved segments first, the newest last."""

    model: str
    segments: list[Segment]
    snapshot: Snapshot

    def __post_init__(self) -> None:
        # A paper held by a later segment is answered from there only.
        for position, segment in enumerate(self.segments):
            segment.superseded = None
            later = [s.ids for s in self.segments[position + 1 :] if len(s)]
            if not later or not len(segment):
                continue
            rows = segment.rows_of(np.concatenate(later))
            if (rows >= 0).any():
                superseded = np.zeros(len(segment), dtype=bool)
                superseded[rows[rows >= 0]] = True
                segment.superseded = superseded

    def __len__(self) -> int:
        return sum(
            len(s) - (0 if s.superseded is None else int(s.superseded.sum())) for s in self.segments
        )

    @property
    def dim(self) -> int:
        return self.segments[0].codes.dim if self.segments else 0

    @property
    def approximate(self) -> Codes | None:
        """The inverted file of the main segment, None when every row is scored."""
        main = self.segments[0].codes if self.segments else None
        return main if main is not None and main.approximate else None

    def vectors_of(self, paper_ids: list[int]) -> dict[int, np.ndarray]:
        """The stored vectors of those of ``paper_ids`` the index holds."""
        wanted = np.asarray(paper_ids, dtype=np.int64)
        found: dict[int, np.ndarray] = {}
        for segment in self.segments:
            rows = segment.rows_of(wanted)
            held = rows >= 0
            if held.any():
                decoded = segment.codes.vectors(rows[held])
                found.update(zip(wanted[held].tolist(), decoded, strict=True))
        return found

    def vector_of(self, paper_id: int) -> np.ndarray | None:
        return self.vectors_of([paper_id]).get(int(paper_id))

    def listed(self, paper_ids: list[int], category: str) -> np.ndarray:
        """A bool per paper id: is it listed in ``category`` (cross-lists too)."""
        wanted = np.asarray(paper_ids, dtype=np.int64)
        out = np.zeros(len(wanted), dtype=bool)
        for segment in self.segments:
            rows = segment.rows_of(wanted)
            listed = segment.categories.get(category)
            if listed is not None:
                out |= (rows >= 0) & np.isin(rows, listed)
        return out

    def nearest(
        self,
        query: np.ndarray,
        k: int,
        filters: Filters | None = None,
        exclude: tuple[int, ...] = (),
    ) -> list[tuple[int, float]]:
        """The ``k`` (paper id, cosine) nearest to ``query`` among rows the filters allow."""
        if k <= 0:
            return []
        query = np.asarray(query, dtype=np.float32)
        ids: list[np.ndarray] = []
        scores: list[np.ndarray] = []
        for segment in self.segments:
            found_ids, found_scores = segment.nearest(query, k + len(exclude), filters)
            ids.append(found_ids)
            scores.append(found_scores)
        if not ids:
            return []
        all_ids, all_scores = np.concatenate(ids), np.concatenate(scores)
        skip = set(exclude)
        found: list[tuple[int, float]] = []
        for position in np.lexsort((all_ids, -all_scores)).tolist():
            paper_id = int(all_ids[position])
            if paper_id not in skip:
                found.append((paper_id, float(all_scores[position])))
                if len(found) == k:
                    break
        return found
