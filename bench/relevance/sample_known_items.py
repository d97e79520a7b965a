"""The fixed, seeded sample of shared papers behind known_items.tsv.

    python bench/relevance/sample_known_items.py [--file PATH] > /tmp/sample.txt

Prints id, categories, title and the start of the abstract of each sampled paper, for a
person to read and paraphrase (the queries in known_items.tsv were written by hand from
this listing; nothing here writes queries). Withdrawn papers and abstracts under 60 words
are skipped. Papers are drawn without replacement with weight 1/sqrt(papers in the primary
category), tripled for ids before 2025, so that small categories and old papers are
represented next to the cs.CV/cs.CL bulk. The listing goes to stdout only: abstracts are
never stored in the repo.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import math
import random
import re
from pathlib import Path

# ../shared beside the checkout (main), or two levels up from a helper worktree (/work/wt/x).
DEFAULT_FILE = next(
    (
        candidate
        for up in (3, 4)
        if (
            candidate := Path(__file__).resolve().parents[up]
            / "shared"
            / "data"
            / "arxiv-metadata.jsonl.gz"
        ).exists()
    ),
    Path(__file__).resolve().parents[3] / "shared" / "data" / "arxiv-metadata.jsonl.gz",
)
SEED = 20261207
SIZE = 320


def sample(path: Path) -> list[dict]:
    papers = []
    with gzip.open(path, "rt") as lines:
        for line in lines:
            paper = json.loads(line)
            abstract = paper.get("abstract") or ""
            if "withdrawn" in abstract.lower()[:300] or len(abstract.split()) < 60:
                continue
            papers.append(paper)
    per_category = collections.Counter(p["categories"].split()[0] for p in papers)
    rng = random.Random(SEED)

    def key(paper: dict) -> float:
        old = not paper["id"].startswith(("25", "26"))
        weight = (3.0 if old else 1.0) / math.sqrt(per_category[paper["categories"].split()[0]])
        return rng.random() ** (1.0 / weight)  # Efraimidis-Spirakis weighted sampling

    return sorted(sorted(papers, key=key, reverse=True)[:SIZE], key=lambda p: p["id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    args = parser.parse_args()
    for number, paper in enumerate(sample(args.file)):
        title = re.sub(r"\s+", " ", paper["title"]).strip()
        abstract = re.sub(r"\s+", " ", paper["abstract"]).strip()
        print(f"#{number} {paper['id']} [{paper['categories']}]\nT: {title}\nA: {abstract[:380]}")


if __name__ == "__main__":
    main()
