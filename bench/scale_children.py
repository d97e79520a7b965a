"""The parts of bench/scale.py that run inside Django, each in a child process of its own."""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
QUERIES = BENCH / "search_queries.txt"


def _django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
    django.setup()


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1)}


def vectors() -> dict:
    """Synthetic clustered vectors, stored under the name of the embedder the site uses, for
    every paper without one: the site then searches them as its own (query vectors come from
    the real model, so every search pays the model's real cost). Around one of 40 sub-topic
    centres per primary category, as real embeddings cluster; they mean nothing."""
    _django()
    from django.db import connection, transaction

    from dailypapers.papers.models import Paper
    from dailypapers.search import semantic
    from dailypapers.search.embedding import pending_ids

    embedder = semantic.active_embedder()
    with connection.cursor() as cursor:  # one vector a paper: another model's would be redone
        cursor.execute("DELETE FROM search_paperembedding WHERE model <> %s", [embedder.name])
    todo = pending_ids(embedder.name)
    rng = np.random.default_rng(9)
    centres: dict[tuple[str, int], np.ndarray] = {}
    started = time.perf_counter()
    for start in range(0, len(todo), 10_000):
        rows = []
        chunk = todo[start : start + 10_000]
        for pk, category in Paper.objects.filter(pk__in=chunk).values_list(
            "pk", "primary_category"
        ):
            key = (category, pk % 40)
            if key not in centres:
                centres[key] = rng.normal(size=embedder.dim)
            vector = centres[key] + rng.normal(0, 1.0, embedder.dim)
            vector /= np.linalg.norm(vector)
            rows.append((pk, embedder.name, embedder.dim, vector.astype("<f2").tobytes(), ""))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_paperembedding (paper_id, model, dim, vector, content_hash, "
                "embedded_at) VALUES (%s, %s, %s, %s, %s, CURRENT_TIMESTAMP)",
                rows,
            )
    return {
        "model": embedder.name,
        "written": len(todo),
        "seconds": round(time.perf_counter() - started, 1),
    }


def search(queries: int) -> dict:
    """p50/p95 of engine.search() in each mode, with and without filters, and of the paper
    page's related papers, in process."""
    _django()
    from dailypapers.feed.queries import related_papers
    from dailypapers.papers.models import Paper
    from dailypapers.search import hybrid, semantic
    from dailypapers.search.engine import search as run_search

    texts = [q for q in QUERIES.read_text().split("\n") if q.strip()][:queries]
    # Synthetic vectors are far from any real query's; without this floor off, semantic
    # candidates would be dropped before their checks and snippets, which would go untimed.
    hybrid.MIN_SIMILARITY = -1.0
    results: dict[str, object] = {"embedder": semantic.active_embedder().name}
    filters = {"category": "cs.LG", "has_code": True}
    for mode in ("keyword", "semantic", "hybrid"):
        for label, options in (("", {}), (" cs.LG + has code", filters)):
            for text in texts[:3]:
                run_search(text, mode=mode, **options)
            samples = []
            for text in texts:
                semantic._recent_queries.clear()  # each search pays for its query vector
                started = time.perf_counter()
                run_search(text, mode=mode, **options)
                samples.append((time.perf_counter() - started) * 1000)
            results[mode + label] = _percentiles(samples)
            print(mode + label, results[mode + label], flush=True)
    top = Paper.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rng = random.Random(3)
    picked = Paper.objects.filter(pk__in=[rng.randint(1, top) for _ in range(200)])[:50]
    papers = list(picked)
    related_papers(papers[0])
    samples = []
    for paper in papers:
        started = time.perf_counter()
        related_papers(paper)
        samples.append((time.perf_counter() - started) * 1000)
    results["related papers"] = _percentiles(samples)
    results["papers"] = Paper.objects.count()
    return results


def main() -> None:
    kind = sys.argv[1]
    found = vectors() if kind == "vectors" else search(int(sys.argv[2]))
    print("RESULT " + json.dumps(found), flush=True)


if __name__ == "__main__":
    main()
