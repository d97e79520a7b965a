"""The measuring side of bench/ingest.py: each function runs in its own child process.

A child runs with DJANGO_SETTINGS_MODULE and DATABASE_URL set by the runner, on a freshly
migrated database, and returns a JSON-able dict. See bench/ingest.py for what each number
includes.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from itertools import islice
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


class CpuClock:
    """CPU seconds spent by this process, its child processes, and its PostgreSQL backend.

    The machine is shared and noisy; CPU time is much less sensitive to other load than
    wall time. Children (a parsing process the import may fork) count once they have been
    waited for. The server side is read from /proc/<backend pid>/stat (same host only);
    when the import reconnects (a new backend), the new backend's whole life counts.
    """

    def __init__(self, connection) -> None:
        self.connection = connection
        self.tick = os.sysconf("SC_CLK_TCK")
        self.pid = self._backend_pid()

    def _backend_pid(self) -> int | None:
        if self.connection.vendor != "postgresql":
            return None
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        return pid if Path(f"/proc/{pid}/stat").exists() else None

    def _backend_cpu(self, pid: int | None) -> float | None:
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except (OSError, TypeError):
            return None
        fields = text.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.tick  # utime + stime

    def now(self) -> dict[str, float | None]:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {
            "client": time.process_time(),
            "children": children.ru_utime + children.ru_stime,
            "server": self._backend_cpu(self.pid),
        }

    def since(self, start: dict[str, float | None]) -> dict[str, float | None]:
        end = self.now()
        spent: dict[str, float | None] = {
            "client": end["client"] - start["client"],
            "children": end["children"] - start["children"],
            "server": None,
        }
        if self.pid is not None:
            pid = self._backend_pid()
            if pid == self.pid:
                spent["server"] = end["server"] - start["server"]
            else:  # reconnected: the old backend had done nothing since start
                spent["server"] = self._backend_cpu(pid)
        spent["total"] = spent["client"] + spent["children"] + (spent["server"] or 0.0)
        return spent


def _records(path: Path, days: dict, limit: int | None):
    """(where, record or skip) for each line, with its listing day: what import_jsonl reads."""
    from django.conf import settings

    from dailypapers.lib.arxiv.kaggle import iter_jsonl
    from dailypapers.lib.records import PaperRecord

    items = iter_jsonl(path, max_line_bytes=settings.INGEST_MAX_LINE_BYTES)
    for line_no, item in islice(items, limit):
        if isinstance(item, PaperRecord) and item.arxiv_id in days:
            item.announced_on = days[item.arxiv_id]
        yield f"line {line_no}", item


def _django() -> None:
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()


def child_migrate(args: argparse.Namespace) -> dict:
    _django()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return {"seconds": time.perf_counter() - started}


def _table_counts() -> dict[str, int]:
    from dailypapers.papers.models import Author, Paper, PaperAuthor, PaperCategory

    return {
        "papers": Paper.objects.count(),
        "authors": Author.objects.count(),
        "paper_authors": PaperAuthor.objects.count(),
        "paper_categories": PaperCategory.objects.count(),
    }


def child_ours(args: argparse.Namespace) -> dict:
    _django()
    from django.conf import settings
    from django.db import connection

    from dailypapers.papers.ingest.jsonl import default_listing_events, import_jsonl

    path = Path(args.file)
    events = default_listing_events(path)
    connection.ensure_connection()
    cpu = CpuClock(connection)
    rss_before = _peak_rss_mib()
    cpu_start = cpu.now()
    started = time.perf_counter()
    if args.profile_out:
        import cProfile
        import inspect

        # cProfile sees one process: "serial" puts every stage in it; "parallel" profiles
        # the writing process as it runs by default (the parse child is not profiled).
        mode = {}
        if "parallel" in inspect.signature(import_jsonl).parameters:
            mode = {"parallel": args.profile_mode == "parallel"}
        # CPU time, not wall time: on a shared machine waiting for the CPU is not a hotspot.
        profiler = cProfile.Profile(time.process_time)
        report = profiler.runcall(
            import_jsonl, path, limit=args.limit, listing_events=events, **mode
        )
        profiler.dump_stats(args.profile_out)
    else:
        report = import_jsonl(path, limit=args.limit, listing_events=events)
    seconds = time.perf_counter() - started
    cpu_spent = cpu.since(cpu_start)
    rss_after = _peak_rss_mib()
    children_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "parallel": getattr(settings, "INGEST_PARALLEL", None),
        "children_peak_rss_mib": children_rss,
        "records": report.processed,
        "new": report.new,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "skipped": report.skipped,
        "seconds": seconds,
        "rate": report.processed / seconds,
        "cpu": cpu_spent,
        "cpu_rate": report.processed / cpu_spent["total"],
        "peak_rss_mib": rss_after,
        "rss_before_mib": rss_before,
        "listing_events": str(events) if events else "",
        "counts": _table_counts(),
    }


def _bare_batches(args: argparse.Namespace) -> tuple[int, dict[str, float], list]:
    """The rows ours writes, computed before any clock starts, and the stage timings."""
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from dailypapers.lib.arxiv.listing_events import load_listing_days
    from dailypapers.lib.records import SkippedInput
    from dailypapers.papers.ingest.jsonl import default_listing_events
    from dailypapers.papers.ingest.normalize import InvalidRecord, normalize
    from dailypapers.papers.ingest.upsert import _dedupe
    from dailypapers.papers.ingest.writes import paper_values

    path = Path(args.file)
    events = default_listing_events(path)
    stages: dict[str, float] = {}
    t = time.perf_counter()
    days = load_listing_days(events) if events else {}
    stages["listing_events"] = time.perf_counter() - t
    t = time.perf_counter()
    records = sum(1 for _ in _records(path, days, args.limit))
    stages["parse"] = time.perf_counter() - t
    cleans = []
    t = time.perf_counter()
    for _where, item in _records(path, days, args.limit):
        if not isinstance(item, SkippedInput):
            try:
                cleans.append(normalize(item, max_field_chars=settings.INGEST_MAX_FIELD_CHARS))
            except InvalidRecord:
                continue
    stages["parse_normalize"] = time.perf_counter() - t

    # One row per distinct paper, as ours stores them (its own row function); ids assigned
    # here, so the timed part does no look-ups at all.
    now = timezone.now()
    if connection.vendor == "sqlite":
        now = connection.ops.adapt_datetimefield_value(now)
    adapt_day = connection.ops.adapt_datefield_value
    postgres = connection.vendor == "postgresql"
    author_ids: dict[str, int] = {}
    batches = []
    distinct = list(_dedupe(cleans).values())
    size = settings.INGEST_BATCH_SIZE
    for start in range(0, len(distinct), size):
        papers, authors, links, categories = [], [], [], []
        for number, clean in enumerate(distinct[start : start + size], start + 1):
            papers.append((number, *paper_values(clean), now, now))
            for position, (key, name) in enumerate(clean.links().items()):
                if key not in author_ids:
                    author_ids[key] = len(author_ids) + 1
                    authors.append((author_ids[key], name, key))
                links.append((number, author_ids[key], position))
            day = clean.announced_on if postgres else adapt_day(clean.announced_on)
            categories.extend((number, category, day) for category in clean.categories)
        batches.append((papers, authors, links, categories))
    return records, stages, batches


TABLES = ("papers", "authors", "paper_authors", "paper_categories")


def child_bare(args: argparse.Namespace) -> dict:
    """One style of the floor (args.style), on its own fresh database."""
    _django()
    from django.db import connection

    from dailypapers.papers.ingest.backends.sqlite import BULK_CHECKPOINT_PAGES
    from dailypapers.papers.ingest.writes import _INSERT_COLUMNS
    from dailypapers.papers.models import Author, Paper, PaperAuthor, PaperCategory
    from dailypapers.search.backends import sqlite_fts_schema

    connection.ensure_connection()
    records, stages, batches = _bare_batches(args)
    statements = [
        (Paper._meta.db_table, ("id", *_INSERT_COLUMNS)),
        (Author._meta.db_table, ("id", "name", "key")),
        (PaperAuthor._meta.db_table, ("paper_id", "author_id", "position")),
        (PaperCategory._meta.db_table, ("paper_id", "category", "announced_on")),
    ]
    sqlite = connection.vendor == "sqlite"
    json_columns = {"author_names", "code_links"}

    def insert_sql(table: str, columns: tuple[str, ...]) -> str:
        mark = "?" if sqlite else "%s"
        marks = [f"{mark}::jsonb" if not sqlite and c in json_columns else mark for c in columns]
        return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(marks)})"

    def write(style: str) -> dict:
        """Insert every batch, one transaction per batch; only this is timed."""
        raw = connection.connection.cursor()
        sql = [insert_sql(table, columns) for table, columns in statements]
        clock = time.perf_counter
        tables = dict.fromkeys((*TABLES, "search index", "commit"), 0.0)
        index_per_batch = sqlite and style == "executemany"
        if sqlite:  # the connection settings ours imports with
            raw.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
        if index_per_batch:  # ours does this inside each batch; its cost is in "search index"
            raw.execute(f"DROP TRIGGER {sqlite_fts_schema.TRIGGERS[0]}")
        cpu = CpuClock(connection)
        cpu_start = cpu.now()
        started = clock()
        for batch in batches:
            raw.execute("BEGIN IMMEDIATE" if sqlite else "BEGIN")
            for (table, columns), name, statement, rows in zip(
                statements, TABLES, sql, batch, strict=True
            ):
                t0 = clock()
                if not rows:
                    continue
                if style == "copy":
                    with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    raw.executemany(statement, rows)
                tables[name] += clock() - t0
            t0 = clock()
            if index_per_batch:
                raw.execute(
                    f"{sqlite_fts_schema.BACKFILL} WHERE p.id BETWEEN ? AND ?",
                    (batch[0][0][0], batch[0][-1][0]),
                )
            tables["search index"] += clock() - t0
            t0 = clock()
            raw.execute("COMMIT")
            tables["commit"] += clock() - t0
        seconds = clock() - started
        cpu_spent = cpu.since(cpu_start)
        if index_per_batch:
            raw.execute(sqlite_fts_schema.CREATE_TRIGGERS[0])
        raw.close()
        return {
            "style": style,
            "records": records,
            "seconds": seconds,
            "rate": records / seconds,
            "cpu": cpu_spent,
            "cpu_rate": records / cpu_spent["total"],
            "tables": tables,
            "counts": _table_counts(),
        }

    if not sqlite:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    result = write(args.style)
    result.update(batches=len(batches), stages=stages, peak_rss_mib=_peak_rss_mib())
    return result


CHILDREN = {"migrate": child_migrate, "ours": child_ours, "bare": child_bare}


def run_child(args: argparse.Namespace) -> None:
    import json

    result = CHILDREN[args.child](args)
    Path(args.result).write_text(json.dumps(result))
