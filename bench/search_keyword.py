"""Keyword search at scale: latency and exactness of the ranked any-words search, against the
baseline code and against Tantivy, on a database prepared beforehand: a DATA_DIR made with
``DATA_DIR=DIR dailypapers ingest jsonl ../shared/data/arxiv-metadata.jsonl.gz`` (1M: copy it,
then search_setup.replicate_corpus(11)), its keyword index built with ``dailypapers
keyword_index``; on PostgreSQL a database filled the same way (``--pg-database``).

    .venv/bin/python bench/search.py keyword --data-dir DIR [--db sqlite|postgres]
        [--pg-database NAME] [--src /work/main/src] [--queries 50] [--rounds 3]
        [--known-items bench/relevance/known_items.tsv] [--tantivy] [--skip-exact]
        [--index auto|on|off|both]

Without ``--src``: this tree's engine.search(mode="keyword") over the queries of
bench/search_queries.txt, p50/p95, with and without filters, and (SQLite) whether each top
10 is the top 10 of ranking every match with nothing pruned (Tantivy collecting every
document when it serves, else FTS5's bm25 over the same expression fetched whole).
With ``--src``: the same timings with the code of that tree (the baseline).
``--known-items``: MRR@10 and recall@10 of keyword mode on known-item queries.
``--index``: KEYWORD_INDEX for the run (this tree only); ``both`` times every query with the
Tantivy index and with the database's own full text in turn (same load), and reports each
(on PostgreSQL: the index on the web node against ts_rank_cd). The index is caught up first.
``--tantivy``: the first evaluation, kept for comparison: a scratch Tantivy index with
per-field boosts (title 10, authors 4), build time, size, p50/p95, memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import search_setup
from search_setup import QUERIES_FILE, load, machine, percentiles, setup_django, timed


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def keyword(args: argparse.Namespace) -> None:
    if args.src:
        search_setup.REPO = Path(args.src).resolve().parent
    setup_django(args.db, Path(args.data_dir), pg_database=args.pg_database)
    from django.db import connection

    from dailypapers.papers.models import Paper
    from dailypapers.search import keyword_build, keyword_index
    from dailypapers.search.engine import search

    settings = ["on", "off"] if args.index == "both" else [args.index]
    queries = [q for q in QUERIES_FILE.read_text().split("\n")[: args.queries] if q.strip()]
    papers = Paper.objects.count()
    code = args.src or "this tree"
    print(f"# keyword search ({args.db}), {papers:,} papers, code: {code}; {machine()}; {load()}")
    if not args.src and args.index != "off":
        os.environ["KEYWORD_INDEX"] = "on" if args.index == "both" else args.index
        if keyword_index.enabled(connection):
            in_step = keyword_index.index_stamp() == keyword_index.database_stamp(connection)
            print(f"keyword index: {'in step' if in_step else 'out of step: catching up'}")
            if not in_step:
                print("  ", keyword_build.catch_up(connection))
    filters = {"category": "cs.LG", "has_code": True}
    for label, options in (("no filter", {}), ("cs.LG + has code", filters)):
        samples: dict[str, list[float]] = {setting: [] for setting in settings}
        for setting in settings:
            os.environ["KEYWORD_INDEX"] = setting
            for query in queries[:3]:
                search(query, mode="keyword", **options)
        # Interleaved: each query with every setting in turn, so they share the load.
        for _ in range(args.rounds):
            for query in queries:
                for setting in settings:
                    os.environ["KEYWORD_INDEX"] = setting
                    samples[setting] += timed(lambda q=query, o=options: search(
                        q, mode="keyword", **o))  # fmt: skip
        for setting in settings:
            p50, p95 = percentiles(samples[setting])
            print(f"keyword {label:17} KEYWORD_INDEX={setting:4} p50 {p50:6.1f} ms  p95 "
                  f"{p95:6.1f} ms  max {max(samples[setting]):6.1f} ms; {load()}",
                  flush=True)  # fmt: skip
    print(f"RSS after searching: {_rss_mb():,.0f} MB (peak "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB)")  # fmt: skip
    if args.known_items:
        for setting in settings:
            os.environ["KEYWORD_INDEX"] = setting
            print(f"KEYWORD_INDEX={setting}:")
            _known_items(Path(args.known_items))
    if args.src:
        return
    if not args.skip_exact and args.db == "sqlite":
        _exactness(queries, filters)
    if args.tantivy:
        _tantivy(queries, args)


def _known_items(path: Path) -> None:
    """MRR@10 and recall@10 of keyword search on known-item queries (arxiv_id, query, split)."""
    from dailypapers.papers.models import Paper
    from dailypapers.search.engine import search

    rows = [line.split("\t") for line in path.read_text().splitlines() if line.strip()]
    by_split: dict[str, list[float]] = {}
    started = time.perf_counter()
    for arxiv_id, query, split in rows:
        found = search(query, mode="keyword", per_page=10).papers
        ids = dict(Paper.objects.filter(pk__in=found).values_list("pk", "arxiv_id"))
        ranked = [ids.get(pk) for pk in found]
        rank = ranked.index(arxiv_id) + 1 if arxiv_id in ranked else 0
        for name in ("all", split.strip()):
            by_split.setdefault(name, []).append(1 / rank if rank else 0.0)
    for name, scores in by_split.items():
        mrr = sum(scores) / len(scores)
        recall = sum(1 for score in scores if score) / len(scores)
        print(f"known items ({name}, {len(scores)}): MRR@10 {mrr:.3f}, recall@10 {recall:.3f}")
    print(f"  ({time.perf_counter() - started:.0f} s; {load()})")


def _reference(query: str, filters: dict) -> list[int]:
    """Every match ranked, no pruning: by Tantivy when it serves, else FTS5's bm25 over the
    same expression fetched whole."""
    from django.db import connection

    from dailypapers.lib.query import parse
    from dailypapers.search import engine, keyword_index
    from dailypapers.search.backends import sqlite_fts, sqlite_ranked
    from dailypapers.search.backends.sqlite_fts_schema import FTS_TABLE, ID_MASK

    parsed = parse(query)
    found = engine._filters(parsed, filters.get("category"), None, None, filters.get("has_code"))
    words = engine.meaningful_words(parsed)
    if keyword_index.enabled(connection):
        opened = keyword_index._searcher(keyword_index.database_stamp(connection))
        if opened is not None:
            tantivy_query = keyword_index._query(opened.index, parsed, found, words)
            matches = opened.searcher.search(tantivy_query, 1, count=True).count
            every = opened.searcher.search(tantivy_query, max(matches, 10)).hits
            return opened.searcher.fast_field_values("id", [a for _, a in every[:10]])
    optional = sqlite_ranked.optional_parts(parsed, words)
    required, excluded = sqlite_ranked._required(parsed, found)
    full = sqlite_ranked._expression(optional, required, excluded)
    backend = sqlite_fts.SqliteBackend(connection)
    where, params = sqlite_ranked._where(backend, found, full)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (rowid >> 1) & {ID_MASK}, "
            f"bm25({FTS_TABLE}, {sqlite_fts.WEIGHTS}) FROM {FTS_TABLE} "
            f"WHERE {where}",
            params,
        )
        rows = cursor.fetchall()
        # Same order as the engine's: score, then the newer (larger) index rowid first.
        cursor.execute(
            f"SELECT (rowid >> 1) & {ID_MASK}, rowid FROM {FTS_TABLE} WHERE {where}",
            params,
        )
        rowid = dict(cursor.fetchall())
    rows.sort(key=lambda row: (row[1], -rowid[row[0]]))
    return [pk for pk, _ in rows[:10]]


def _exactness(queries: list[str], filters: dict) -> None:
    from dailypapers.search.engine import search

    for label, options in (("no filter", {}), ("cs.LG + has code", filters)):
        exact, started = 0, time.perf_counter()
        slowest = 0.0
        for query in queries:
            found = search(query, mode="keyword", per_page=10, **options).papers
            begun = time.perf_counter()
            wanted = _reference(query, options)
            slowest = max(slowest, time.perf_counter() - begun)
            exact += found == wanted
            if found != wanted:
                print(f"  not exact: {query!r}: {found} vs {wanted}")
        took = time.perf_counter() - started
        print(f"exact top 10 ({label}): {exact}/{len(queries)} queries (reference: every match "
              f"ranked, slowest {slowest * 1000:.0f} ms; {took:.0f} s)")  # fmt: skip


def _tantivy(queries: list[str], args: argparse.Namespace) -> None:
    import tantivy
    from django.db import connection

    from dailypapers.lib.query import parse
    from dailypapers.search import engine

    folder = Path(tempfile.mkdtemp(prefix="bench-tantivy-"))
    rss_before = _rss_mb()
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    for name in ("title", "authors", "abstract"):
        builder.add_text_field(name, stored=False, tokenizer_name="en_stem")
    schema = builder.build()
    index = tantivy.Index(schema, path=str(folder))
    started = time.perf_counter()
    writer = index.writer(heap_size=200_000_000)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, title, author_names, abstract FROM papers_paper")
        while rows := cursor.fetchmany(5000):
            for pk, title, authors, abstract in rows:
                writer.add_document(tantivy.Document(id=pk, title=title or "",
                                                     authors=str(authors or ""),
                                                     abstract=abstract or ""))  # fmt: skip
    writer.commit()
    writer.wait_merging_threads()
    build = time.perf_counter() - started
    size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 1e6
    print(f"tantivy build: {build:.1f} s, {size:,.0f} MB on disk; {load()}", flush=True)
    index.reload()
    searcher = index.searcher()

    def text(query: str) -> str:
        parsed = parse(query)
        words = engine.meaningful_words(parsed)
        run = f' "{" ".join(parsed.terms)}"' if len(parsed.terms) > 1 else ""
        return " ".join(words) + run

    def run(query: str, limit: int = 10) -> list[int]:
        parsed = index.parse_query(text(query), ["title", "authors", "abstract"],
                                   field_boosts={"title": 10.0, "authors": 4.0})  # fmt: skip
        hits = searcher.search(parsed, limit).hits
        return [searcher.doc(address)["id"][0] for _, address in hits]

    for query in queries[:3]:
        run(query)
    samples = []
    for _ in range(args.rounds):
        for query in queries:
            samples += timed(lambda q=query: run(q))
    p50, p95 = percentiles(samples)
    print(f"tantivy OR-query      p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {max(samples):6.1f} ms;"
          f" {load()}")  # fmt: skip
    same = sum(run(query) == run(query, 1_000_000)[:10] for query in queries)
    print(f"tantivy top 10 = its exhaustive top 10: {same}/{len(queries)}; RSS +"
          f"{_rss_mb() - rss_before:,.0f} MB after opening and searching")  # fmt: skip
    shutil.rmtree(folder, ignore_errors=True)
