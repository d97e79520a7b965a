"""Exact sparse TF-IDF over words: "more like this" without a model (no hashing, no pairs).

Each text becomes a row of (word number, weight): sub-linear counts of its stemmed words
(``1 + ln count``), times the word's smoothed IDF (``ln((1 + N) / (1 + df)) + 1``), the row
scaled to length 1, so a dot product of two rows is their cosine. Words are numbered in a
``Vocabulary`` built from the collection, so two words never share a number: hashed
TF-IDF into 384 or 2^18 slots lost to plain word hashing on the related-papers proxy
because shared slots made the IDF weights noise (docs/benchmarks.md).

This module knows nothing of Django or of any database.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from dailypapers.lib.recommend import SparseRows

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

WORD = re.compile(r"[a-z][a-z0-9]+|[0-9]+[a-z][a-z0-9]*")
# Words that say nothing about a paper's subject: IDF would shrink them, dropping them keeps
# rows short (and without IDF, as in word hashing, keeps every abstract from resembling
# every other).
STOP_WORDS = """a about above after again against all also among an and any are as at be been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having here how however i if in into is it its itself just more most
    much new no nor not novel now of off on once only or other our ours out over own paper
    propose proposed present same should show shows so some such than that the their them then
    there these they this those through thus to too under until up use used uses using very via
    was we well were what when where which while who whom why will with within without would
    yet you approach approaches method methods result results based study work"""
STOP = frozenset(STOP_WORDS.split())
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s")


@lru_cache(maxsize=1 << 16)  # words repeat: most of a text's words were stemmed before
def stem(word: str) -> str:
    # A few common endings only: enough for "networks"/"network", cheap, and predictable.
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def terms(text: str) -> Counter[str]:
    """The stemmed words of ``text`` with their counts, stop words left out."""
    return Counter(stem(word) for word in WORD.findall(text.lower()) if word not in STOP)


@dataclass(slots=True)
class Vocabulary:
    """Word numbers and document frequencies of a collection of texts."""

    numbers: dict[str, int] = field(default_factory=dict)
    frequencies: list[int] = field(default_factory=list)
    documents: int = 0

    def add(self, counted: Counter[str]) -> None:
        self.documents += 1
        for word in counted:
            number = self.numbers.setdefault(word, len(self.numbers))
            if number == len(self.frequencies):
                self.frequencies.append(0)
            self.frequencies[number] += 1

    def idf(self) -> Floats:
        counts = np.asarray(self.frequencies, dtype=np.float64)
        return np.log((1.0 + self.documents) / (1.0 + counts)) + 1.0


def vocabulary_of(texts: Iterable[str]) -> Vocabulary:
    found = Vocabulary()
    for text in texts:
        found.add(terms(text))
    return found


def local_tfidf(texts: Sequence[str]) -> SparseRows:
    """Unit TF-IDF rows of ``texts`` with IDF counted among them (each text read once)."""
    counted = [terms(text) for text in texts]
    vocabulary = Vocabulary()
    for found in counted:
        vocabulary.add(found)
    return tfidf_rows(counted, vocabulary)


def tfidf_rows(texts: Sequence[str | Counter[str]], vocabulary: Vocabulary) -> SparseRows:
    """Unit TF-IDF rows of ``texts`` (or of their ``terms``); words the vocabulary does not
    know are left out."""
    idf = vocabulary.idf()
    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    numbers = vocabulary.numbers
    for text in texts:
        counted = terms(text) if isinstance(text, str) else text
        row = sorted((numbers[word], count) for word, count in counted.items() if word in numbers)
        indices.extend(number for number, _ in row)
        values.extend(count for _, count in row)
        indptr.append(len(indices))
    index_array = np.asarray(indices, dtype=np.int64)
    weights = (1.0 + np.log(np.asarray(values, dtype=np.float64))) * idf[index_array]
    pointers = np.asarray(indptr, dtype=np.int64)
    lengths = np.diff(pointers)
    squares = np.bincount(
        np.repeat(np.arange(len(texts)), lengths), weights=weights * weights, minlength=len(texts)
    )
    norms = np.sqrt(squares)
    norms[norms == 0] = 1.0
    return SparseRows(pointers, index_array, weights / np.repeat(norms, lengths))


@dataclass(frozen=True, slots=True)
class Postings:
    """The same rows by word (a transposed SparseRows): which rows hold each word."""

    starts: Ints  # per word number, into rows/values; one more than words
    rows: Ints
    values: Floats

    @staticmethod
    def of(matrix: SparseRows, words: int) -> Postings:
        order = np.argsort(matrix.indices, kind="stable")
        counts = np.bincount(matrix.indices, minlength=words)
        starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return Postings(starts, matrix.row_ids()[order], matrix.values[order])

    def scores(self, indices: Ints, values: Floats, rows: int) -> Floats:
        """Cosine of one unit row (``indices``, ``values``) with every row."""
        found = np.zeros(rows)
        for number, weight in zip(indices.tolist(), values.tolist(), strict=True):
            start, end = self.starts[number], self.starts[number + 1]
            found[self.rows[start:end]] += weight * self.values[start:end]
        return found


def cosines(query: SparseRows, others: SparseRows) -> Floats:
    """Cosine of the single row of ``query`` with each row of ``others`` (unit rows)."""
    weight = dict(zip(query.indices.tolist(), query.values.tolist(), strict=True))
    if not weight or len(others.indices) == 0:
        return np.zeros(others.n_rows)
    matches = np.fromiter((weight.get(i, 0.0) for i in others.indices.tolist()), np.float64,
                          count=len(others.indices))  # fmt: skip
    found = np.bincount(others.row_ids(), weights=matches * others.values, minlength=others.n_rows)
    return found.astype(np.float64)  # float already (weights); numpy's stubs say int
