"""Write vectors.npz: all-MiniLM-L6-v2 vectors of the relevance corpus and queries.

The relevance tests read these, so they run (and test hybrid ranking) without PyTorch; a
test with the real model checks that they still match it. Run after editing corpus.tsv or
queries.tsv, with the `semantic` extra installed:

    HF_HUB_OFFLINE=1 .venv/bin/python src/dailypapers/search/tests/relevance/make_vectors.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dailypapers.lib.query import parse
from dailypapers.search.embedders import SentenceTransformerEmbedder, paper_text, query_text
from dailypapers.search.evaluation import corpus, judgements

OUT = Path(__file__).parent / "vectors.npz"
MODEL = "all-MiniLM-L6-v2"
# Queries the tests of semantic and hybrid search use besides the relevance set's.
TEST_QUERIES = (
    "summaries that invent facts",
    "training neural networks",
    "graph networks",
    "banana bread recipe",
)


def texts() -> list[str]:
    papers = [paper_text(paper.title, paper.abstract) for paper in corpus()]
    queries = [query_text(parse(item.query)) for item in judgements()]
    queries += [query_text(parse(query)) for query in TEST_QUERIES]
    return sorted(set(papers + queries))


def main() -> None:
    embedder = SentenceTransformerEmbedder(MODEL, device="cpu")
    found = texts()
    vectors = embedder.embed(found).astype(np.float16)
    np.savez_compressed(OUT, texts=np.asarray(found), vectors=vectors, model=np.asarray(MODEL))
    print(f"wrote {len(found)} vectors of {embedder.name} to {OUT}")


if __name__ == "__main__":
    main()
