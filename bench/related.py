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
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

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


def evaluate(vectors: np.ndarray, papers: list[dict], queries: list[int], hits: dict) -> dict:
    totals = defaultdict(float)
    for query in queries:
        scores = vectors @ vectors[query]
        scores[query] = -np.inf
        top = np.argpartition(-scores, CANDIDATES)[:CANDIDATES]
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
    if options.frequencies:  # a table of all 90,929 papers (--write-frequencies)
        with np.load(options.frequencies) as saved:
            counts, documents = saved["counts"].astype(np.int64), int(saved["documents"])
    else:
        counts, documents = document_frequencies(texts)
    idf = inverse_frequencies(counts, documents)
    variants = {
        "word hashing (before)": LexicalEmbedder(),
        "TF-IDF": LexicalEmbedder(idf=idf),
        "TF-IDF, terms of one paper dropped": LexicalEmbedder(idf=np.where(counts > 1, idf, 0)),
        "sqrt TF-IDF, terms of one paper dropped": LexicalEmbedder(
            idf=np.where(counts > 1, np.sqrt(idf), 0)
        ),
    }
    for label, embedder in variants.items():
        began = time.perf_counter()
        vectors = embedder.embed(texts)
        rate = len(texts) / (time.perf_counter() - began)
        found = evaluate(vectors, papers, queries, hits)
        cells = " | ".join(
            f"{found[f'{label} {metric}']:.3f}"
            for label in ("text", "boosted")
            for metric in ("P@5", "hit@5", "MRR@5")
        )
        print(f"| {label} | {cells} | {rate:,.0f} |", flush=True)
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
