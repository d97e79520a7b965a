"""The setup side of bench/search.py: scratch databases, corpus copies, stored vectors, timing."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FILE = REPO.parent / "shared" / "data" / "arxiv-metadata.jsonl.gz"
QUERIES_FILE = Path(__file__).with_name("search_queries.txt")
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "dailypapers_bench_search"


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def setup_django(db: str, data_dir: Path, pg_database: str = PG_BENCH_DB) -> None:
    os.environ["DATA_DIR"] = str(data_dir)
    os.environ.pop("EMBEDDING_MODEL", None)
    os.environ.setdefault("TASK_BACKEND", "immediate")
    if db == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [pg_database]
            ).fetchone()
            if not exists or os.environ.get("BENCH_FRESH_PG") == "1":
                admin.execute(f"DROP DATABASE IF EXISTS {pg_database}")
                admin.execute(f"CREATE DATABASE {pg_database}")
        os.environ["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + pg_database
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def timed(run: Callable[[], object], rounds: int = 1) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def replicate_corpus(copies: int) -> None:
    """Add ``copies`` - 1 copies of every paper with new ids, and their vectors with noise."""
    from django.db import connection, transaction

    from dailypapers.search.models import PaperEmbedding

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM papers_paper")
        (top,) = cursor.fetchone()
    columns = [
        field.column
        for field in __import__("dailypapers.papers.models", fromlist=["Paper"]).Paper._meta.fields
        if field.column not in ("id", "arxiv_id")
    ]
    listed = ", ".join(columns)
    rng = np.random.default_rng(7)
    base = list(
        PaperEmbedding.objects.values_list("paper_id", "model", "dim", "vector", "content_hash")
    )
    for copy in range(1, copies):
        offset = copy * (top + 1)
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO papers_paper (id, arxiv_id, {listed}) "
                f"SELECT id + %s, arxiv_id || 'r{copy}', {listed} FROM papers_paper "
                f"WHERE id <= %s",
                [offset, top],
            )
            cursor.execute(
                "INSERT INTO papers_papercategory (paper_id, category, announced_on) "
                "SELECT paper_id + %s, category, announced_on FROM papers_papercategory "
                "WHERE paper_id <= %s",
                [offset, top],
            )
            rows = []
            for paper_id, model, dim, blob, digest in base:
                vector = np.frombuffer(bytes(blob), dtype="<f2").astype(np.float32)
                vector = vector + rng.normal(0, 0.02, dim).astype(np.float32)
                vector /= np.linalg.norm(vector) or 1
                rows.append((paper_id + offset, model, dim, vector.astype("<f2").tobytes(), digest))
            cursor.executemany(
                "INSERT INTO search_paperembedding (paper_id, model, dim, vector, content_hash, "
                "embedded_at) VALUES (%s, %s, %s, %s, %s, CURRENT_TIMESTAMP)",
                rows,
            )
        print(f"  copy {copy}: {time.perf_counter() - started:.0f} s", flush=True)


def disk_sizes(db: str) -> dict[str, float]:
    from django.db import connection

    with connection.cursor() as cursor:
        if db == "sqlite":
            cursor.execute(
                "SELECT name, SUM(pgsize) FROM dbstat WHERE name LIKE 'search_%' "
                "OR name = 'papers_paper' GROUP BY name"
            )
            sizes = dict(cursor.fetchall())
            fts = sum(v for k, v in sizes.items() if k.startswith("search_paper_fts"))
            vectors = sum(v for k, v in sizes.items() if "embedding" in k)
            return {"keyword index": fts / 1e6, "vectors": vectors / 1e6,
                    "papers table": sizes.get("papers_paper", 0) / 1e6}  # fmt: skip
        cursor.execute(
            "SELECT pg_relation_size('search_paper_vector_idx'), "
            "pg_total_relation_size('search_paperembedding'), "
            "pg_total_relation_size('papers_paper')"
        )
        index, vectors, papers = cursor.fetchone()
        return {"keyword index (GIN)": index / 1e6, "vectors": vectors / 1e6,
                "papers table (with tsvector)": papers / 1e6}  # fmt: skip


def rebuild_keyword_index(db: str) -> float:
    from django.db import connection, transaction

    from dailypapers.search.backends import postgres_fts, sqlite_fts_schema

    module = sqlite_fts_schema if db == "sqlite" else postgres_fts
    started = time.perf_counter()
    with transaction.atomic():
        module.uninstall(connection)
        module.install(connection)
    return time.perf_counter() - started


TOPICS_MODEL = "bench-topics-384"


def topic_vectors(paper_ids: list[int]) -> None:
    """Synthetic vectors that cluster as real embeddings do: around one of 40 sub-topic
    centres per primary category. Timing only: they mean nothing."""
    from django.db import connection, transaction

    from dailypapers.papers.models import Paper

    centres: dict[tuple[str, int], np.ndarray] = {}
    rng = np.random.default_rng(9)
    for start in range(0, len(paper_ids), 5000):
        chunk = paper_ids[start : start + 5000]
        rows = []
        for pk, category in Paper.objects.filter(pk__in=chunk).values_list(
            "pk", "primary_category"
        ):
            key = (category, pk % 40)
            if key not in centres:
                centres[key] = rng.normal(size=384)
            vector = centres[key] + rng.normal(0, 1.0, 384)
            vector /= np.linalg.norm(vector)
            rows.append((pk, TOPICS_MODEL, 384, vector.astype("<f2").tobytes(), ""))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_paperembedding (paper_id, model, dim, vector, content_hash, "
                "embedded_at) VALUES (%s, %s, %s, %s, %s, CURRENT_TIMESTAMP)",
                rows,
            )


class TimingEmbedder:
    """Stored vectors are lexical (or synthetic topics); queries go through MiniLM when it is
    installed, so each search pays the model's real cost."""

    def __init__(self, stored: str = "lexical") -> None:
        from dailypapers.search.embedders import LexicalEmbedder, SentenceTransformerEmbedder

        self.lexical = LexicalEmbedder()
        self.name, self.dim = self.lexical.name, self.lexical.dim
        if stored == "topics":
            self.name = TOPICS_MODEL
        try:
            self.query_model = SentenceTransformerEmbedder("all-MiniLM-L6-v2", device="cpu")
        except Exception:
            self.query_model = None
        self.queries = False

    @property
    def query_encoder(self) -> str:
        return "all-MiniLM-L6-v2" if self.query_model else "lexical (MiniLM not installed)"

    def embed(self, texts: list[str]) -> np.ndarray:
        if self.queries and self.query_model is not None:
            return self.query_model.embed(texts)
        return self.lexical.embed(texts)
