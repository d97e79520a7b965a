"""Relevance of search over the real shared papers: known-item and topical queries.

    .venv/bin/python bench/search.py relevance [--db sqlite|postgres] [--data-dir DIR]
                                     [--file PATH] [--split dev|heldout|all] [--misses N]
                                     [--lexical] [--ranks FILE] [--baseline]
    .venv/bin/python bench/relevance.py pool [--db ...] [--data-dir DIR] > pool.tsv

Loads the 90,929 papers of the shared file into a scratch store (SQLite under --data-dir,
kept for the next run when given; PostgreSQL in its own database, kept between runs) and
sends every query of bench/relevance/ through ``engine.search()``, the code path of
/search/ and the search APIs, in each mode that can run here:

- keyword: the default install's mode (no embedding model);
- semantic and hybrid: only when EMBEDDING_MODEL names a model that loads and the store
  holds that model's vectors for the papers (``dailypapers embed`` with the same DATA_DIR
  and DATABASE_URL); otherwise one line says why they were skipped. ``--lexical`` runs
  them with the built-in word-hashing embedder instead (its vectors are computed into the
  store first): a check of the code path and a floor, not semantic search.

Known items (known_items.tsv: one paper per paraphrase): MRR@10 and recall@10, per split
(dev for tuning, heldout for reporting only). Topical (topical.tsv, graded 0-3 in
topical_judgments.tsv): nDCG@10, gain 2^grade - 1, unjudged papers count as grade 0.
Markdown tables on stdout, with the load average. ``pool`` prints the top 10 of every
mode and leg for each topical query, the pool that was graded (bench/relevance/README.md).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_setup import DEFAULT_FILE, PG_BENCH_DB, load, machine, setup_django  # noqa: E402

SET_DIR = Path(__file__).resolve().parent / "relevance"
# ../shared beside the checkout; from a helper worktree (/work/wt/NAME) it is one more up.
SHARED_FILE = next(
    (
        path
        for path in (
            DEFAULT_FILE,
            DEFAULT_FILE.parents[3] / DEFAULT_FILE.relative_to(DEFAULT_FILE.parents[2]),
        )
        if path.exists()
    ),
    DEFAULT_FILE,
)
CUTOFF = 10
MODES = ("keyword", "semantic", "hybrid")


@dataclass(frozen=True, slots=True)
class KnownItem:
    arxiv_id: str
    query: str
    split: str


@dataclass(frozen=True, slots=True)
class Topical:
    query_id: str
    query: str
    grades: dict[str, int]  # arXiv id -> 0..3


def _tsv(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def known_items(folder: Path = SET_DIR) -> list[KnownItem]:
    return [KnownItem(*row[:3]) for row in _tsv(folder / "known_items.tsv")]


def topical(folder: Path = SET_DIR) -> list[Topical]:
    path = folder / "topical.tsv"
    if not path.exists():
        return []
    grades: dict[str, dict[str, int]] = {}
    judged = folder / "topical_judgments.tsv"
    for query_id, arxiv_id, grade in _tsv(judged) if judged.exists() else []:
        grades.setdefault(query_id, {})[arxiv_id] = int(grade)
    return [Topical(row[0], row[1], grades.get(row[0], {})) for row in _tsv(path)]


def reciprocal_rank(ranked: list[str], wanted: str) -> float:
    top = ranked[:CUTOFF]
    return 1 / (top.index(wanted) + 1) if wanted in top else 0.0


def ndcg(ranked: list[str], grades: dict[str, int]) -> float:
    def dcg(gains: Iterable[int]) -> float:
        return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(gains))

    ideal = dcg(sorted(grades.values(), reverse=True)[:CUTOFF])
    return dcg(grades.get(pk, 0) for pk in ranked[:CUTOFF]) / ideal if ideal else 0.0


# -- the store -----------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> int:
    """Django on the scratch store, the shared papers loaded; the number of papers."""
    embedding_model = os.environ.get("EMBEDDING_MODEL", "")  # setup_django drops it
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="bench-relevance-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    setup_django(args.db, data_dir, args.pg_database)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from dailypapers.papers.models import Paper
    from dailypapers.search import backends

    settings.EMBEDDING_MODEL = embedding_model
    papers = Paper.objects.count()
    if papers == 0:
        started = time.perf_counter()
        call_command("ingest", "jsonl", str(args.file), "--no-progress", stdout=sys.stderr)
        papers = Paper.objects.count()
        print(f"ingest: {papers:,} papers in {time.perf_counter() - started:.0f} s; {load()}",
              file=sys.stderr)  # fmt: skip
    backend = backends.current(connection)
    if backend is not None:
        backend.ensure_statistics()
    return papers


def runnable_modes(papers: int) -> tuple[list[str], str]:
    """The modes that can run on this store, and a line saying why others cannot."""
    from dailypapers.search import semantic
    from dailypapers.search.models import PaperEmbedding

    if not semantic.semantic_enabled():
        return ["keyword"], f"semantic, hybrid: skipped ({semantic.unavailable_reason()})."
    model = semantic.active_embedder().name
    stored = PaperEmbedding.objects.filter(model=model).count()
    if stored < 0.99 * papers:
        return ["keyword"], (
            f"semantic, hybrid: skipped ({stored:,} of {papers:,} papers have {model} vectors: "
            "run `dailypapers embed` with the same DATA_DIR and DATABASE_URL first)."
        )
    return list(MODES), ""


def ranker(mode: str) -> Callable[[str], list[str]]:
    from dailypapers.papers.models import Paper
    from dailypapers.search.engine import search

    arxiv: dict[int, str] = {}

    def run(query: str) -> list[str]:
        ids = search(query, mode=mode, per_page=CUTOFF).papers
        missing = [pk for pk in ids if pk not in arxiv]
        if missing:
            arxiv.update(Paper.objects.filter(pk__in=missing).values_list("pk", "arxiv_id"))
        return [arxiv[pk] for pk in ids]

    return run


# -- report --------------------------------------------------------------------------------


def report(args: argparse.Namespace) -> None:
    papers = prepare(args)
    if not args.lexical:
        _report(args, papers)
        return
    from dailypapers.search import semantic
    from dailypapers.search.embedders import LexicalEmbedder
    from dailypapers.search.embedding import embed_papers, pending_ids

    embedder = LexicalEmbedder()
    with semantic.use_embedder(embedder):
        todo = pending_ids(embedder.name)
        if todo:
            started = time.perf_counter()
            embed_papers(todo, embedder, batch_size=1000)
            print(f"lexical vectors: {len(todo):,} papers in {time.perf_counter() - started:.0f} s",
                  file=sys.stderr)  # fmt: skip
        _report(args, papers, note=LEXICAL_NOTE)


LEXICAL_NOTE = (
    "Semantic and hybrid here use the built-in word-hashing embedder (--lexical), not a "
    "language model: a check of the code path and a floor, not semantic search."
)


def _report(args: argparse.Namespace, papers: int, note: str = "") -> None:
    from django.db import connection

    modes, skipped = runnable_modes(papers)
    skipped = skipped or note
    items = [item for item in known_items() if args.split in ("all", item.split)]
    topics = [topic for topic in topical() if topic.grades]
    print(f"## Relevance: {papers:,} shared papers, {connection.vendor}\n")
    print(f"{machine()}; {load()}\n")
    if skipped:
        print(f"{skipped}\n")
    print("| mode | set | queries | MRR@10 | recall@10 | nDCG@10 | top 1 | ms/query | p95 ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    misses: dict[str, list[tuple[KnownItem, list[str]]]] = {}
    rows: list[str] = []  # for --ranks
    runs = [(mode, ranker(mode)) for mode in modes]
    if args.baseline:
        runs.insert(0, ("keyword, before", _before(ranker("keyword"))))
    for mode, run in runs:
        run = _timed(run, times := [])
        splits = sorted({item.split for item in items})
        for split in splits:
            chosen = [item for item in items if item.split == split]
            times.clear()
            started = time.perf_counter()
            ranked = [run(item.query) for item in chosen]
            per_query = (time.perf_counter() - started) * 1000 / len(chosen)
            ranks = [
                reciprocal_rank(r, item.arxiv_id) for r, item in zip(ranked, chosen, strict=True)
            ]
            misses.setdefault(mode, []).extend(
                (item, r) for r, item, rr in zip(ranked, chosen, ranks, strict=True) if rr == 0
            )
            rows += [f"{connection.vendor}\t{mode}\t{split}\t{item.arxiv_id}\t"
                     f"{round(1 / rr) if rr else 0}\n"
                     for item, rr in zip(chosen, ranks, strict=True)]  # fmt: skip
            print(f"| {mode} | known items, {split} | {len(chosen)} | "
                  f"{sum(ranks) / len(ranks):.3f} | "
                  f"{sum(rr > 0 for rr in ranks) / len(ranks):.3f} |  | "
                  f"{sum(rr == 1 for rr in ranks)} | {per_query:.0f} | "
                  f"{_p95(times):.0f} |")  # fmt: skip
        if topics:
            times.clear()
            started = time.perf_counter()
            gains = [ndcg(run(topic.query), topic.grades) for topic in topics]
            per_query = (time.perf_counter() - started) * 1000 / len(topics)
            print(f"| {mode} | topical | {len(topics)} |  |  | {sum(gains) / len(gains):.3f} |  "
                  f"| {per_query:.0f} | {_p95(times):.0f} |")  # fmt: skip
    print(f"\n{load()}")
    if args.ranks:
        args.ranks.write_text("database\tmode\tsplit\tarxiv_id\trank\n" + "".join(rows))
    for mode, missed in misses.items():
        for item, ranked in missed[: args.misses]:
            print(f"miss ({mode}, {item.split}): {item.arxiv_id} <- {item.query!r}; "
                  f"top 3 {ranked[:3]}")  # fmt: skip


def _timed(run: Callable[[str], list[str]], times: list[float]) -> Callable[[str], list[str]]:
    def timed(query: str) -> list[str]:
        started = time.perf_counter()
        ranked = run(query)
        times.append((time.perf_counter() - started) * 1000)
        return ranked

    return timed


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0


def _before(run: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
    """Keyword ranking as before issue 10's relevance work: words typed joined by hyphens or
    apostrophes without quotes ("white-noise") were required phrases (--baseline)."""
    from dailypapers.lib.query import Query

    def before(query: str) -> list[str]:
        for_ranking = Query.for_ranking
        Query.for_ranking = lambda self: self  # type: ignore[method-assign]
        try:
            return run(query)
        finally:
            Query.for_ranking = for_ranking  # type: ignore[method-assign]

    return before


# -- pool ----------------------------------------------------------------------------------


def pool(args: argparse.Namespace) -> None:
    """Top 10 of every available mode and leg for each topical query, for grading."""
    papers = prepare(args)
    from django.db import connection

    from dailypapers.lib.query import parse
    from dailypapers.papers.models import Paper
    from dailypapers.search import any_words
    from dailypapers.search.backends.common import Filters

    modes, skipped = runnable_modes(papers)
    if skipped:
        print(f"# {skipped}")
    runs = {mode: ranker(mode) for mode in modes}
    arxiv = dict(Paper.objects.values_list("pk", "arxiv_id"))

    def some_words(query: str) -> list[str]:
        return [arxiv[pk] for pk in any_words.ranked_ids(connection, parse(query), Filters(), 10)]

    runs["any-words"] = some_words
    for topic in topical():
        for name, run in runs.items():
            for rank, arxiv_id in enumerate(run(topic.query)[:CUTOFF], start=1):
                print(f"{topic.query_id}\t{name}\t{rank}\t{arxiv_id}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs="?", choices=("report", "pool"), default="report")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--data-dir", type=Path, help="keep the SQLite store here for reuse")
    parser.add_argument("--file", type=Path, default=SHARED_FILE)
    parser.add_argument("--pg-database", default=PG_BENCH_DB + "_relevance")
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="all")
    parser.add_argument("--misses", type=int, default=0, help="list up to N misses per mode")
    parser.add_argument("--ranks", type=Path, help="write each known item's rank (0: not in 10)")
    parser.add_argument(
        "--lexical", action="store_true",
        help="semantic/hybrid with the built-in word-hashing embedder (no model needed)",
    )  # fmt: skip
    parser.add_argument(
        "--baseline", action="store_true",
        help="also rank as before the relevance work (unquoted compounds required), same run",
    )  # fmt: skip
    args = parser.parse_args(argv)
    (pool if args.command == "pool" else report)(args)


if __name__ == "__main__":
    main()
