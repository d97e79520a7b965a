"""Benchmark search: ranking quality on the relevance set, latency, index size, embedding speed.

    .venv/bin/python bench/search.py relevance [--db sqlite|postgres] [--data-dir DIR] ...
    .venv/bin/python bench/search.py relevance-fixture [--db sqlite|postgres] [--live]
    .venv/bin/python bench/search.py latency [--db sqlite|postgres] [--replicate 11]
                                     [--data-dir DIR] [--queries 50]
    .venv/bin/python bench/search.py ann [--vectors 1000000]
    .venv/bin/python bench/search.py embed-speed [--papers 1000]

relevance: the shared 90,929 papers with hand-written known-item and topical queries
    (bench/relevance.py, bench/relevance/README.md).
relevance-fixture: our fixture corpus and paraphrased queries (src/dailypapers/search/tests/
    relevance/) in a scratch database; MRR@10 and recall@10 of keyword, semantic and hybrid,
    for the MiniLM vectors saved beside the set (``--live``: embed with the installed model
    instead) and for the built-in lexical embedder; then the fusion weights grid.
latency: the shared 90,929 records (``--replicate N``: N copies with new ids, for scale) in
    a scratch database; keyword index build time and size, vector index build time, RAM;
    p50/p95 of ``engine.search()`` over the queries of bench/search_queries.txt in each
    mode, without and with filters, and of related papers. Stored vectors come from the
    lexical embedder (MiniLM would take over an hour on 91k abstracts here); the query is
    embedded by MiniLM when the semantic extra is installed, so the timings include the real
    per-query model cost. Those semantic rankings are meaningless (two different spaces):
    timing only.
ann: the hand-written IVF of before issue 15 (bench/hand_ivf.py) alone at scale: ``--vectors``
    synthetic unit vectors (clustered like real embeddings), IVF build time, recall@10
    against exact, latency. The index in use now is measured by bench/vectors.py.
embed-speed: MiniLM on real abstracts (the daily volume is about 1,000 papers).
keyword: ranked keyword search on a prepared database, its exactness, the baseline code's
    timings, and Tantivy beside it (bench/search_keyword.py).

Every figure is printed with the load average; docs/benchmarks.md ("Search") has results.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import search_keyword
from search_setup import (
    DEFAULT_FILE,
    PG_BENCH_DB,
    QUERIES_FILE,
    REPO,
    TimingEmbedder,
    disk_sizes,
    load,
    machine,
    percentiles,
    rebuild_keyword_index,
    replicate_corpus,
    setup_django,
    timed,
    topic_vectors,
)

# -- relevance ---------------------------------------------------------------------------


def relevance(args: argparse.Namespace) -> None:
    # Its own PostgreSQL database: the relevance run empties it first.
    setup_django(args.db, Path(tempfile.mkdtemp(prefix="bench-search-")), PG_BENCH_DB + "_rel")
    from django.core.management import call_command
    from django.db import connection

    from dailypapers.lib.query import parse
    from dailypapers.papers.models import Paper
    from dailypapers.search import any_words, semantic
    from dailypapers.search.backends.common import Filters
    from dailypapers.search.embedders import LexicalEmbedder, SentenceTransformerEmbedder
    from dailypapers.search.embedding import embed_papers, pending_ids
    from dailypapers.search.engine import search
    from dailypapers.search.evaluation import evaluate, judgements
    from dailypapers.search.models import PaperEmbedding
    from dailypapers.search.tests.semantic_helpers import (
        FixtureEmbedder,
        store_relevance_corpus,
    )

    if args.db == "postgres":
        call_command("flush", interactive=False, verbosity=0)
    store_relevance_corpus()
    if args.db == "postgres":  # word statistics of this corpus, not of an earlier run's
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE papers_paper")
    judged = judgements()
    arxiv = dict(Paper.objects.values_list("pk", "arxiv_id"))

    def ranked(query: str, mode: str, depth: int = 10) -> list[str]:
        return [arxiv[pk] for pk in search(query, mode=mode, per_page=depth).papers]

    def some_words(query: str, depth: int = 10) -> list[str]:
        ids = any_words.ranked_ids(connection, parse(query), Filters(), depth)
        return [arxiv[pk] for pk in ids]

    print(f"# relevance set: {len(judged)} queries, {len(arxiv)} papers ({args.db}); {load()}")
    print(f"keyword, any words (BM25)  {evaluate(some_words, judged)}")
    embedders = [
        SentenceTransformerEmbedder("all-MiniLM-L6-v2", device="cpu")
        if args.live
        else FixtureEmbedder(),
        LexicalEmbedder(),
    ]
    for embedder in embedders:
        with semantic.use_embedder(embedder):
            PaperEmbedding.objects.all().delete()
            embed_papers(pending_ids(embedder.name), embedder)
            print(f"\n## semantic leg: {embedder.name} ({type(embedder).__name__})")
            for mode in ("keyword", "semantic", "hybrid"):
                print(f"{mode:8}  {evaluate(lambda q, m=mode: ranked(q, m), judged)}")
            legs = {
                item.query: (
                    ranked(item.query, "keyword", 100),
                    some_words(item.query, 100),
                    ranked(item.query, "semantic", 100),
                )
                for item in judged
            }
            _grid(legs, judged)


def _grid(legs: dict[str, tuple[list[str], ...]], judged: list) -> None:
    from django.db import connection

    from dailypapers.search import fusion
    from dailypapers.search.evaluation import evaluate

    chosen = fusion.WEIGHTS.get(connection.vendor, fusion.DEFAULT_WEIGHTS)
    print(f"in use ({connection.vendor}): K={fusion.RANK_CONSTANT}, {chosen}")
    print("fusion grid, MRR@10/recall@10 (every-word weight 1; any-words a, semantic s):")
    for constant in (10, 30, 60):
        for any_weight in (0.5, 1.0, 2.0):
            cells = []
            for weight in (0.5, 1.0, 1.5, 2.0, 3.0):
                scores = evaluate(
                    lambda q, a=any_weight, w=weight, c=constant: fusion.fuse(
                        [(legs[q][0], 1.0), (legs[q][1], a), (legs[q][2], w)], c
                    ),
                    judged,
                )
                cells.append(f"s={weight}: {scores.mrr:.3f}/{scores.recall:.3f}")
            print(f"  K={constant:3} a={any_weight}  " + "  ".join(cells))


# -- latency -----------------------------------------------------------------------------


def latency(args: argparse.Namespace) -> None:
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="bench-search-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    setup_django(args.db, data_dir)
    from django.core.management import call_command

    from dailypapers.feed.queries import related_papers
    from dailypapers.papers.models import Paper
    from dailypapers.search import hybrid, semantic, vectors
    from dailypapers.search.embedding import embed_papers, pending_ids
    from dailypapers.search.engine import search

    print(f"# search latency ({args.db}); {machine()}; {load()}")
    if Paper.objects.count() == 0:
        started = time.perf_counter()
        call_command("ingest", "jsonl", str(args.file), "--no-progress")
        print(f"ingest: {time.perf_counter() - started:.0f} s; {load()}")
    embedder = TimingEmbedder(args.vectors)
    with semantic.use_embedder(embedder):
        todo = pending_ids(embedder.name)
        if todo and args.vectors == "topics":
            started = time.perf_counter()
            topic_vectors(todo)
            print(f"topic vectors: {len(todo):,} in {time.perf_counter() - started:.0f} s")
        elif todo:
            started = time.perf_counter()
            embed_papers(todo, embedder, batch_size=1000)
            seconds = time.perf_counter() - started
            print(f"lexical embedding: {len(todo):,} papers in {seconds:.0f} s "
                  f"({len(todo) / seconds:,.0f}/s); {load()}")  # fmt: skip
        from django.db import connection

        from dailypapers.search import backends

        backend = backends.current(connection)
        if backend is not None and backend.ensure_statistics():  # as `dailypapers embed` does
            print("analyzed papers_paper (PostgreSQL word statistics)")
        papers = Paper.objects.count()
        if args.replicate > 1 and papers < 200_000:
            print(f"replicating x{args.replicate}: {load()}")
            replicate_corpus(args.replicate)
            papers = Paper.objects.count()
        print(f"papers: {papers:,}")
        if args.rebuild:
            print(f"keyword index build: {rebuild_keyword_index(args.db):.1f} s; {load()}")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        index = vectors.build(embedder.name, embedder.dim)  # IVF from VECTOR_IVF_FROM vectors
        build_seconds = time.perf_counter() - started
        vectors.forget()
        started = time.perf_counter()
        index = semantic.index()
        load_seconds = time.perf_counter() - started
        saved = vectors.index_dir(embedder.name)
        index_mb = sum(f.stat().st_size for f in saved.rglob("*") if f.is_file()) / 1e6
        kind = semantic.describe(index)
        print(f"vector index: built in {build_seconds:.1f} s ({kind}); a process maps it in "
              f"{load_seconds:.2f} s; files {index_mb:,.0f} MB (shared); peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB "
              f"(before the index {rss_before:,.0f} MB)")  # fmt: skip
        print("disk (MB): " + ", ".join(f"{k} {v:,.0f}" for k, v in disk_sizes(args.db).items()))
        if index.approximate is not None:
            _recall_check(index, embedder.name, embedder.dim)
        queries = QUERIES_FILE.read_text().split("\n")[: args.queries]
        queries = [query for query in queries if query.strip()]
        embedder.queries = True
        # The query and the stored vectors come from different spaces here, so nearly every
        # similarity falls under the floor that drops unrelated papers: without this, the
        # checks and snippets of semantic candidates would not be timed.
        hybrid.MIN_SIMILARITY = -1.0
        print(f"query encoder: {embedder.query_encoder}; {load()}")
        filters = {"category": "cs.LG", "has_code": True}
        rows = []
        for mode in ("keyword", "semantic", "hybrid"):
            for label, options in (("no filter", {}), ("cs.LG + has code", filters)):
                for query in queries[:3]:  # warm-up
                    search(query, mode=mode, **options)
                samples = []
                for query in queries:
                    semantic._recent_queries.clear()  # every search pays for its embedding
                    samples += timed(lambda q=query, m=mode, o=options: search(q, mode=m, **o))
                p50, p95 = percentiles(samples)
                rows.append((mode, label, p50, p95))
                print(f"{mode:8} {label:17} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms", flush=True)
        embedder.queries = False
        sample = list(Paper.objects.order_by("?").values_list("pk", flat=True)[:50])
        loaded = [Paper.objects.get(pk=pk) for pk in sample]
        related_papers(loaded[0])
        samples = []
        for paper in loaded:
            samples += timed(lambda p=paper: related_papers(p))
        p50, p95 = percentiles(samples)
        print(f"related papers          p50 {p50:6.1f} ms  p95 {p95:6.1f} ms; {load()}")


def _recall_check(index: Any, model: str, dim: int) -> None:  # noqa: ANN401
    from dailypapers.search import vector_store, vectors

    rows = vectors.read_rows(model)
    stored, ids = rows.vectors(dim), np.asarray(rows.ids)
    rng = np.random.default_rng(11)
    picks = rng.choice(len(ids), 100, replace=False)
    queries = stored[picks] + rng.normal(0, 1.5 / np.sqrt(dim), (100, dim)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = [ids[vector_store.top_k(stored @ q, 10)] for q in queries]
    approx = [np.asarray([pk for pk, _ in index.nearest(q, 10)]) for q in queries]
    found = vector_store.recall_at(exact, approx)
    print(f"IVF recall@10 against exact float32 on 100 fresh queries: {found:.3f}")


# -- ann at scale ------------------------------------------------------------------------


def ann_scale(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(REPO / "src"))
    import hand_ivf as ann  # the hand-written IVF (search/ann.py before issue 15)

    rng = np.random.default_rng(3)
    n, dim = args.vectors, 384
    print(f"# vector index alone: {n:,} synthetic vectors of {dim}; {machine()}; {load()}")
    # Real embeddings cluster by topic: draw around 2,000 topic centres.
    centres = rng.normal(size=(2000, dim)).astype(np.float32)
    vectors = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        size = min(100_000, n - start)
        topic = rng.integers(0, len(centres), size)
        vectors[start : start + size] = centres[topic] + rng.normal(0, 1.2, (size, dim)).astype(
            np.float32
        )
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    started = time.perf_counter()
    layout = ann.build_ivf(vectors)
    laid = np.ascontiguousarray(vectors[layout.order])
    tuning = laid[rng.choice(n, 200, replace=False)] + rng.normal(0, 0.02, (200, dim)).astype(
        np.float32
    )
    tuning /= np.linalg.norm(tuning, axis=1, keepdims=True)
    ann.tune_nprobe(layout, laid, tuning)
    print(f"IVF build: {time.perf_counter() - started:.0f} s, {len(layout.centres)} clusters, "
          f"nprobe {layout.nprobe}; {load()}")  # fmt: skip
    queries = laid[rng.choice(n, 50, replace=False)] + rng.normal(0, 0.02, (50, dim)).astype(
        np.float32
    )
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact_ms, approx_ms, exact, approx = [], [], [], []
    for query in queries:
        started = time.perf_counter()
        exact.append(ann.top_k(laid @ query, 10))
        exact_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        approx.append(ann.search_ivf(layout, laid, query, 10)[0])
        approx_ms.append((time.perf_counter() - started) * 1000)
    print(f"exact  p50 {percentiles(exact_ms)[0]:.1f} ms  p95 {percentiles(exact_ms)[1]:.1f} ms")
    print(f"IVF    p50 {percentiles(approx_ms)[0]:.1f} ms  p95 {percentiles(approx_ms)[1]:.1f} ms"
          f"  recall@10 {ann.recall_at(exact, approx):.3f}; {load()}")  # fmt: skip
    print(f"RAM: vectors {laid.nbytes / 1e6:,.0f} MB float32")


# -- embedding speed ---------------------------------------------------------------------


def embed_speed(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from dailypapers.search.embedders import (
        LexicalEmbedder,
        SentenceTransformerEmbedder,
        paper_text,
    )

    texts = []
    with gzip.open(args.file, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            texts.append(paper_text(record.get("title", ""), record.get("abstract", "")))
            if len(texts) >= args.papers:
                break
    print(f"# embedding {len(texts):,} real abstracts; {machine()}; {load()}")
    for embedder in (LexicalEmbedder(), SentenceTransformerEmbedder("all-MiniLM-L6-v2", "cpu")):
        started = time.perf_counter()
        for start in range(0, len(texts), 64):
            embedder.embed(texts[start : start + 64])
        seconds = time.perf_counter() - started
        print(f"{embedder.name}: {seconds:.1f} s ({len(texts) / seconds:,.1f} papers/s); "
              f"{load()}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("relevance", help="the real-data set: see bench/relevance.py")
    rel = commands.add_parser("relevance-fixture")
    rel.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    rel.add_argument("--live", action="store_true", help="embed with the installed MiniLM")
    lat = commands.add_parser("latency")
    lat.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    lat.add_argument("--data-dir", type=Path)
    lat.add_argument("--file", type=Path, default=DEFAULT_FILE)
    lat.add_argument("--replicate", type=int, default=1)
    lat.add_argument("--queries", type=int, default=50)
    lat.add_argument("--rebuild", action="store_true", help="time a keyword index rebuild")
    lat.add_argument("--vectors", choices=("lexical", "topics"), default="lexical")
    kw = commands.add_parser("keyword", help="ranked keyword search: bench/search_keyword.py")
    kw.add_argument("--data-dir", required=True)
    kw.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    kw.add_argument("--pg-database", default=PG_BENCH_DB)
    kw.add_argument("--src", help="the baseline code's src folder")
    kw.add_argument("--queries", type=int, default=50)
    kw.add_argument("--rounds", type=int, default=3)
    kw.add_argument("--known-items", help="arxiv_id, query, split per line (tab-separated)")
    kw.add_argument("--tantivy", action="store_true", help="the first scratch-index evaluation")
    kw.add_argument("--skip-exact", action="store_true")
    kw.add_argument(
        "--index",
        choices=("auto", "on", "off", "both"),
        default="auto",
        help="KEYWORD_INDEX for the run; both: on and off in interleaved rounds",
    )
    scale = commands.add_parser("ann")
    scale.add_argument("--vectors", type=int, default=1_000_000)
    speed = commands.add_parser("embed-speed")
    speed.add_argument("--papers", type=int, default=1000)
    speed.add_argument("--file", type=Path, default=DEFAULT_FILE)
    if sys.argv[1:2] == ["relevance"]:  # the real-data set: bench/relevance.py owns its options
        import relevance as real_data

        real_data.main(sys.argv[2:])
        return
    args = parser.parse_args()
    commands_by_name = {"relevance-fixture": relevance, "latency": latency, "ann": ann_scale,
                        "embed-speed": embed_speed, "keyword": search_keyword.keyword}  # fmt: skip
    commands_by_name[args.command](args)


if __name__ == "__main__":
    main()
