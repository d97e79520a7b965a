"""Related papers without a model: word hashing against hashed TF-IDF (docs/benchmarks.md).

    .venv/bin/python bench/related.py [--papers 20000] [--queries 300]
    .venv/bin/python bench/related.py --write-frequencies /tmp/lexical-df.npz

A proxy for "related": for a query paper, a hit is another paper in the same primary
category that shares at least one author (the same name as written; papers of more than
12 authors count as having none, or a collaboration would make all its papers hits). Papers are
drawn at random from the shared metadata file; queries are papers with at least one hit
among them. Both signals rank every other drawn paper by cosine, then the top 50 are
re-ranked with related.py's category and author boosts, as the site does; the text signal
alone is reported too, since the boosts reward exactly what the proxy counts.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dailypapers.lib.sparse_text import (  # noqa: E402
    Postings,
    cosines,
    local_tfidf,
    tfidf_rows,
    vocabulary_of,
)
from dailypapers.search.embedders import (  # noqa: E402
    LexicalEmbedder,
    document_frequencies,
    inverse_frequencies,
    paper_text,
)

SHARED_FILE = ROOT.parent / "shared" / "data" / "arxiv-metadata.jsonl.gz"
DATA = Path(os.environ.get("EMBED_BENCH_DATA", SHARED_FILE))
CANDIDATES, CATEGORY_BOOST, AUTHOR_BOOST = 50, 0.03, 0.05  # as search/related.py
TOP = 5
RERANK = 200  # word-hashing neighbours that exact TF-IDF re-ranks
MAX_AUTHORS = 12


def load(count: int, seed: int = 7) -> list[dict]:
    with gzip.open(DATA, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    rows = random.Random(seed).sample(rows, count)
    papers = []
    for row in rows:
        names = re.split(r",\s*|\s+and\s+", row.get("authors") or "")
        authors = {" ".join(name.lower().split()) for name in names if len(name.split()) >= 2}
        if len(authors) > MAX_AUTHORS:
            authors = set()  # a collaboration's list would make every paper of it a hit
        papers.append({
            "text": paper_text(" ".join(row["title"].split()), " ".join(row["abstract"].split())),
            "categories": row["categories"].split(),
            "authors": authors,
        })  # fmt: skip
    return papers


def evaluate(
    scores_of: Callable[[int], np.ndarray],
    papers: list[dict],
    queries: list[int],
    hits: dict,
    candidates: int = CANDIDATES,
) -> dict:
    """P@5, hit@5 and MRR@5 of the text signal alone and boosted; ``scores_of(i)`` is paper
    i's similarity to every paper."""
    totals = defaultdict(float)
    for query in queries:
        scores = np.array(scores_of(query), dtype=np.float64)
        scores[query] = -np.inf
        top = np.argpartition(-scores, candidates)[:candidates]
        text_order = sorted(top, key=lambda i: -scores[i])[:TOP]
        mine = papers[query]
        boosted = {}
        for i in top:
            shared_categories = len(set(mine["categories"]) & set(papers[i]["categories"]))
            shared_authors = len(mine["authors"] & papers[i]["authors"])
            boosted[i] = (
                scores[i]
                + CATEGORY_BOOST * min(shared_categories, 2)
                + AUTHOR_BOOST * min(shared_authors, 2)
            )
        boost_order = sorted(top, key=lambda i: -boosted[i])[:TOP]
        for label, order in (("text", text_order), ("boosted", boost_order)):
            found = [int(i) in hits[query] for i in order]
            totals[f"{label} P@5"] += sum(found) / TOP
            totals[f"{label} hit@5"] += any(found)
            totals[f"{label} MRR@5"] += next((1 / r for r, f in enumerate(found, 1) if f), 0.0)
    return {key: value / len(queries) for key, value in totals.items()}


def dense(vectors: np.ndarray) -> Callable[[int], np.ndarray]:
    return lambda i: vectors @ vectors[i]


def exact(texts: list[str], rerank: int, local: bool = False) -> Callable[[int], np.ndarray]:
    """Exact TF-IDF cosine (lib/sparse_text.py) to every paper; with ``rerank``, only to the
    ``rerank`` nearest by word hashing, the others scored below them all; ``local``: with
    IDF counted among those candidates only (what a page can afford without a table)."""
    vocabulary = vocabulary_of(texts)
    rows = tfidf_rows(texts, vocabulary)
    postings = Postings.of(rows, len(vocabulary.numbers))
    hashed = LexicalEmbedder().embed(texts) if rerank else None

    def scores_of(i: int) -> np.ndarray:
        mine = rows.take([i])
        if hashed is None:
            return postings.scores(mine.indices, mine.values, rows.n_rows)
        near = hashed @ hashed[i]
        top = np.argpartition(-near, rerank)[:rerank]
        found = np.full(rows.n_rows, -1.0)
        if local:
            near_texts = [texts[i], *(texts[j] for j in top)]
            own = local_tfidf(near_texts)
            found[top] = cosines(own.take([0]), own.take(range(1, len(near_texts))))
        else:
            found[top] = cosines(mine, rows.take(top))
        return found

    return scores_of


def write_frequencies(target: Path) -> None:
    """The document frequencies of every paper in the shared file, as the site ships them."""
    with gzip.open(DATA, "rt", encoding="utf-8") as handle:
        texts = (
            paper_text(" ".join(row["title"].split()), " ".join(row["abstract"].split()))
            for row in map(json.loads, handle)
        )
        counts, documents = document_frequencies(texts)
    clipped = np.minimum(counts, np.iinfo(np.uint16).max).astype(np.uint16)
    np.savez_compressed(target, counts=clipped, documents=np.asarray(documents))
    print(f"wrote the frequencies of {documents:,} papers to {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--write-frequencies", type=Path, help="write a table of all papers")
    parser.add_argument("--frequencies", type=Path, help="use this table (else the sample's)")
    parser.add_argument("--hashed-tfidf", action="store_true", help="also hashed TF-IDF")
    parser.add_argument("--only", nargs="*", help="signals whose label holds one of these")
    parser.add_argument("--rerank", type=int, nargs="*", default=[], help="more re-rank depths")
    options = parser.parse_args()
    if options.write_frequencies:
        write_frequencies(options.write_frequencies)
        return
    papers = load(options.papers)
    by_author = defaultdict(set)
    for i, paper in enumerate(papers):
        for author in paper["authors"]:
            by_author[author].add(i)
    hits = {}
    for i, paper in enumerate(papers):
        near = set().union(*(by_author[a] for a in paper["authors"])) - {i}
        found = {j for j in near if papers[j]["categories"][0] == paper["categories"][0]}
        if found:
            hits[i] = found
    queries = random.Random(11).sample(sorted(hits), min(options.queries, len(hits)))
    texts = [paper["text"] for paper in papers]
    print(f"{len(papers):,} papers, {len(hits):,} with a hit, {len(queries)} queries; "
          f"load {os.getloadavg()[0]:.2f}")  # fmt: skip
    signals: dict[str, Callable[[], Callable[[int], np.ndarray]]] = {
        "word hashing (before)": lambda: dense(LexicalEmbedder().embed(texts)),
        "exact TF-IDF over words": lambda: exact(texts, rerank=0),
        f"word hashing top {RERANK}, re-ranked by exact TF-IDF": lambda: exact(texts, RERANK),
        f"word hashing top {RERANK}, re-ranked, IDF of those": lambda: exact(texts, RERANK, True),
    }
    depth = {
        f"word hashing, its top {RERANK} boosted (no re-ranking)": RERANK,
        f"word hashing top {RERANK}, re-ranked, IDF of those, all {RERANK} boosted": RERANK,
    }
    signals[next(iter(depth))] = signals["word hashing (before)"]
    signals[list(depth)[1]] = signals[f"word hashing top {RERANK}, re-ranked, IDF of those"]
    for more in options.rerank:
        signals[f"word hashing top {more}, re-ranked by exact TF-IDF"] = lambda more=more: exact(
            texts, more
        )
    if options.hashed_tfidf:
        if options.frequencies:  # a table of all 90,929 papers (--write-frequencies)
            with np.load(options.frequencies) as saved:
                counts, documents = saved["counts"].astype(np.int64), int(saved["documents"])
        else:
            counts, documents = document_frequencies(texts)
        idf = inverse_frequencies(counts, documents)
        signals["hashed TF-IDF"] = lambda: dense(LexicalEmbedder(idf=idf).embed(texts))
    print("| signal | text P@5 | text hit@5 | text MRR@5 | boosted P@5 | boosted hit@5 "
          "| boosted MRR@5 | papers/s prepared |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, prepare in signals.items():
        if options.only and not any(part in label for part in options.only):
            continue
        began = time.perf_counter()
        scores_of = prepare()
        rate = len(texts) / (time.perf_counter() - began)
        found = evaluate(scores_of, papers, queries, hits, depth.get(label, CANDIDATES))
        cells = " | ".join(
            f"{found[f'{kind} {metric}']:.3f}"
            for kind in ("text", "boosted")
            for metric in ("P@5", "hit@5", "MRR@5")
        )
        print(f"| {label} | {cells} | {rate:,.0f} |", flush=True)
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
