"""Score papers for one reader: logistic regression of what they liked against random papers.

The reader's liked papers (upvoted, collected) are the positives, a random sample of other
papers the negatives; a regularised logistic regression learns which features set the two
apart and scores the candidates. Two kinds of features, one learner:

- keywords (no model needed): hashed words and word pairs of the title and abstract
  (TF-IDF weighted, each row of unit length), the categories and the authors;
- embeddings, when the search app offers vectors: a dense matrix, one row per paper.

Feature rows are ``SparseRows`` (compressed rows, numpy only) or a dense ``numpy`` array.
Hashing uses Python's ``hash``, salted per process: indices are stable within a process,
which is all a model trained per request needs (never store them across processes).

This module knows nothing of Django or of any database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

HASH_BITS = 20
HASH_MASK = (1 << HASH_BITS) - 1
TITLE_WEIGHT = 2.0  # a title word says more about a paper than an abstract word
CATEGORY_WEIGHT = 1.5
AUTHOR_WEIGHT = 1.0
MAX_AUTHORS = 12  # big collaborations would drown the words
_WORD_RE = re.compile(r"[^\W_]{2,}")
# Words that appear in every kind of paper; IDF would shrink them, but dropping them keeps
# word pairs such as "of the" from taking up features.
_STOP_WORDS_TEXT = (
    "the of and in to we a is for on that with by this are as an be from our at which can "
    "it its or these has have been was were such also using use used based show paper via "
    "than into more new their both over not but how two one all between through while when "
    "where other only well most each then they there however here results approach method "
    "methods propose proposed"
)
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

# Column numbers, row offsets and positions.
Ints = npt.NDArray[np.int64]
# Feature values, weights, labels and scores; dense feature rows too (one row per paper).
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class PaperText:
    title: str
    abstract: str
    categories: Sequence[str] = ()
    authors: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class SparseRows:
    """A sparse matrix by rows: row i holds ``indices`` and ``values`` from ``indptr[i]`` to
    ``indptr[i + 1]``."""

    indptr: Ints  # n_rows + 1
    indices: Ints  # column numbers
    values: Floats

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    def row_ids(self) -> Ints:
        """The row number of each stored value."""
        return np.repeat(np.arange(self.n_rows), np.diff(self.indptr))

    def take(self, rows: Sequence[int] | Ints) -> SparseRows:
        rows = np.asarray(rows, dtype=np.int64)
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        lengths = ends - starts
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        if len(rows) == 0 or indptr[-1] == 0:
            empty = np.zeros(0, dtype=np.int64)
            return SparseRows(indptr, empty, np.zeros(0))
        positions = np.repeat(starts - indptr[:-1], lengths) + np.arange(indptr[-1])
        return SparseRows(indptr, self.indices[positions], self.values[positions])

    @staticmethod
    def stack(parts: Sequence[SparseRows]) -> SparseRows:
        if not parts:
            return SparseRows(np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64),
                              np.zeros(0))  # fmt: skip
        offsets = np.cumsum([0, *(part.indptr[-1] for part in parts[:-1])])
        indptr = np.concatenate(
            [[0], *(part.indptr[1:] + offset for part, offset in zip(parts, offsets, strict=True))]
        ).astype(np.int64)
        return SparseRows(
            indptr,
            np.concatenate([part.indices for part in parts]).astype(np.int64),
            np.concatenate([part.values for part in parts]).astype(np.float64),
        )


# -- keyword features ----------------------------------------------------------------------


def words(text: str) -> list[str]:
    """Lower-case words of two or more letters or digits, stop words left out."""
    return [word for word in _WORD_RE.findall(text.lower()) if word not in STOP_WORDS]


def _hashed(tokens: Iterable[str], weight: float, into: dict[int, float]) -> None:
    for token in tokens:
        index = hash(token) & HASH_MASK
        into[index] = into.get(index, 0.0) + weight


def paper_features(paper: PaperText) -> tuple[Ints, Floats]:
    """One paper's hashed counts: (sorted column indices, weights), before IDF."""
    counts: dict[int, float] = {}
    title = words(paper.title)
    abstract = words(paper.abstract)
    _hashed(title, TITLE_WEIGHT, counts)
    _hashed(abstract, 1.0, counts)
    _hashed((f"{a} {b}" for a, b in zip(title, title[1:], strict=False)), TITLE_WEIGHT, counts)
    _hashed((f"{a} {b}" for a, b in zip(abstract, abstract[1:], strict=False)), 1.0, counts)
    _hashed((f"cat:{category}" for category in paper.categories), CATEGORY_WEIGHT, counts)
    authors = (f"author:{' '.join(name.lower().split())}" for name in paper.authors[:MAX_AUTHORS])
    _hashed(authors, AUTHOR_WEIGHT, counts)
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    indices = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    order = np.argsort(indices)
    # Sub-linear counts: a word said ten times is not ten times the evidence.
    return indices[order], 1.0 + np.log(values[order])


def rows_of(features: Sequence[tuple[Ints, Floats]]) -> SparseRows:
    lengths = [len(indices) for indices, _ in features]
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    if not features or indptr[-1] == 0:
        return SparseRows(indptr, np.zeros(0, dtype=np.int64), np.zeros(0))
    return SparseRows(
        indptr,
        np.concatenate([indices for indices, _ in features]),
        np.concatenate([values for _, values in features]),
    )


def tfidf(rows: SparseRows) -> SparseRows:
    """IDF from these rows themselves, then each row scaled to unit length.

    Counting by column number (``bincount``) rather than sorting the columns: a week of
    papers holds half a million values, and sorting them costs ten times as much.
    """
    n = rows.n_rows
    if n == 0 or len(rows.indices) == 0:
        return rows
    document_frequency = np.bincount(rows.indices)  # each row holds a column at most once
    idf = np.log((n + 1) / (document_frequency[rows.indices] + 1)) + 1.0
    values = rows.values * idf
    return SparseRows(rows.indptr, rows.indices, _unit_rows(rows, values))


def _unit_rows(rows: SparseRows, values: Floats) -> Floats:
    squares = np.add.reduceat(values * values, rows.indptr[:-1]) if len(values) else values
    squares = np.where(np.diff(rows.indptr) > 0, squares, 0.0)  # reduceat misreads empty rows
    # numpy's stubs lose the dtype through reduceat and where; the values are float64.
    norms: Floats = np.sqrt(squares)
    norms[norms == 0] = 1.0
    return values / np.repeat(norms, np.diff(rows.indptr))


# -- the learner ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Model:
    """Weights over compact columns (``columns`` maps them to feature indices), and a bias."""

    weights: Floats
    bias: float
    columns: Ints | None  # None for dense features

    def decision(self, features: SparseRows | Floats) -> Floats:
        if isinstance(features, np.ndarray):
            return unit_dense(features) @ self.weights + self.bias  # trained on unit rows
        assert self.columns is not None
        if len(features.indices) == 0 or len(self.columns) == 0:
            return np.full(features.n_rows, self.bias)
        # Spread the weights over every column number, then gather: no sort, no search.
        size = int(max(self.columns[-1], features.indices.max())) + 1
        spread = np.zeros(size)
        spread[self.columns] = self.weights
        contributions = features.values * spread[features.indices]
        sums = _weighted_bincount(features.row_ids(), contributions, features.n_rows)
        return sums + self.bias


def _compact(columns: Ints, indices: Ints) -> tuple[Ints, Bools]:
    """Positions of ``indices`` in the sorted ``columns``, and which of them are there."""
    if len(columns) == 0:
        return np.zeros(len(indices), dtype=np.int64), np.zeros(len(indices), dtype=bool)
    positions = np.minimum(np.searchsorted(columns, indices), len(columns) - 1)
    return positions, columns[positions] == indices


def _weighted_bincount(ids: Ints, weights: Floats, minlength: int) -> Floats:
    """Sums of ``weights`` by ``ids``. Float64 at run time; numpy's stubs say integers whatever
    the weights, hence the cast."""
    return cast(Floats, np.bincount(ids, weights=weights, minlength=minlength))


def _sigmoid(x: Floats) -> Floats:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # no overflow warnings for large |x|


def fit_logistic(
    features: SparseRows | Floats,
    labels: npt.ArrayLike,
    *,
    l2: float = 0.002,
    iterations: int = 40,
) -> Model:
    """Regularised logistic regression, the classes weighed equally (Nesterov's method).

    With rows of unit length and weights summing to one, the loss's gradient is
    (0.25 + l2)-Lipschitz, which fixes the step. 40 steps order the top 20 of a week's papers as
    400 steps do (measured on the shared data), at a tenth of the cost.
    """
    labels = np.asarray(labels, dtype=np.float64)
    positives = labels > 0.5
    n_positive = int(positives.sum())
    n_negative = len(labels) - n_positive
    if n_positive == 0 or n_negative == 0:
        raise ValueError("fit_logistic needs positive and negative examples")
    sample_weight = np.where(positives, 0.5 / n_positive, 0.5 / n_negative)
    if isinstance(features, np.ndarray):
        matrix = unit_dense(features)

        def forward(w: Floats) -> Floats:
            return matrix @ w

        def backward(r: Floats) -> Floats:
            return matrix.T @ r

        size, columns = matrix.shape[1], None
    else:
        columns, compact = np.unique(features.indices, return_inverse=True)
        row_ids = features.row_ids()
        values = features.values

        def forward(w: Floats) -> Floats:
            return _weighted_bincount(row_ids, values * w[compact], len(labels))

        def backward(r: Floats) -> Floats:
            return _weighted_bincount(compact, values * r[row_ids], len(columns))

        size = len(columns)
    step = 1.0 / (0.25 + l2)
    weights = np.zeros(size)
    bias = 0.0
    previous_weights, previous_bias = weights, bias
    for iteration in range(1, iterations + 1):
        momentum = (iteration - 1) / (iteration + 2)
        look_weights = weights + momentum * (weights - previous_weights)
        look_bias = bias + momentum * (bias - previous_bias)
        residual = sample_weight * (_sigmoid(forward(look_weights) + look_bias) - labels)
        previous_weights, previous_bias = weights, bias
        weights = look_weights - step * (backward(residual) + l2 * look_weights)
        bias = look_bias - step * float(residual.sum())
    return Model(weights=weights, bias=bias, columns=columns)


def unit_dense(features: Floats) -> Floats:
    norms: Floats = np.linalg.norm(features, axis=1, keepdims=True)  # untyped in numpy's stubs
    norms[norms == 0] = 1.0
    return features / norms


def nearest(
    candidates: SparseRows | Floats, references: SparseRows | Floats
) -> tuple[Ints, Floats]:
    """For each candidate row, the most similar reference row (cosine) and that similarity.

    Rows are taken as already of unit length (``tfidf`` and ``unit_dense`` make them so).
    """
    if isinstance(candidates, np.ndarray) and isinstance(references, np.ndarray):
        similarity = unit_dense(candidates) @ unit_dense(references).T
    else:
        assert isinstance(candidates, SparseRows) and isinstance(references, SparseRows)
        columns = np.unique(references.indices)
        dense = np.zeros((references.n_rows, len(columns)))
        compact, _ = _compact(columns, references.indices)
        dense[references.row_ids(), compact] = references.values
        similarity = np.zeros((candidates.n_rows, references.n_rows))
        positions, known = _compact(columns, candidates.indices)
        for row in range(candidates.n_rows):
            start, end = candidates.indptr[row], candidates.indptr[row + 1]
            mask = known[start:end]
            if mask.any():
                wanted = positions[start:end][mask]
                similarity[row] = dense[:, wanted] @ candidates.values[start:end][mask]
    if similarity.shape[1] == 0:
        return np.zeros(len(similarity), dtype=np.int64), np.zeros(len(similarity))
    best = similarity.argmax(axis=1)
    return best, similarity[np.arange(len(similarity)), best]
