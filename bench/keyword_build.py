"""The Tantivy keyword index's build and catch-up times, against the baseline code on the
same store, in interleaved rounds (each build in a fresh process).

    .venv/bin/python bench/keyword_build.py build --data-dir DIR [--db sqlite|postgres]
        [--baseline-src /tmp/keyword-base/src] [--rounds 2]
    .venv/bin/python bench/keyword_build.py phases --data-dir DIR   # where the build's time goes
    .venv/bin/python bench/keyword_build.py catch-up --data-dir DIR [--changes 1000]

DIR is a DATA_DIR made with ``dailypapers ingest jsonl`` and migrated by this tree. The
baseline source is a ``git archive`` of the commit to compare with (its ``src`` folder).
``catch-up`` changes the abstracts of N papers (a word appended, then taken off again), and
times the catch-up against a full build.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/"


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def _django(src: Path, data_dir: Path, db: str, pg_database: str) -> None:
    os.environ["DATA_DIR"] = str(data_dir)
    os.environ["KEYWORD_INDEX"] = "on"
    os.environ.pop("EMBEDDING_MODEL", None)
    if db == "postgres":
        os.environ["DATABASE_URL"] = PG_URL + pg_database
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
    sys.path.insert(0, str(src))
    import django

    django.setup()


def child(args: argparse.Namespace) -> None:
    """One build in this process; prints a JSON line."""
    _django(Path(args.src), Path(args.data_dir), args.db, args.pg_database)
    from django.db import connection

    from dailypapers.search import keyword_index

    started = time.perf_counter()
    if args.which == "baseline":
        keyword_index.rebuild(connection)  # type: ignore[attr-defined]
    else:
        from dailypapers.search import keyword_build

        if args.heap:
            keyword_build.rebuild(connection, heap=args.heap, threads=args.threads)
        else:
            keyword_build.rebuild(connection)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024,
                      "cpu": usage.ru_utime + usage.ru_stime}))  # fmt: skip


def _run(which: str, src: Path, args: argparse.Namespace, heap: int, threads: int) -> dict:
    command = [sys.executable, __file__, "child", "--which", which, "--src", str(src),
               "--data-dir", args.data_dir, "--db", args.db, "--pg-database", args.pg_database,
               "--heap", str(heap), "--threads", str(threads)]  # fmt: skip
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def build(args: argparse.Namespace) -> None:
    variants = [("baseline", Path(args.baseline_src), 0, 0), ("this tree", REPO / "src", 0, 0)]
    for heap, threads in args.variant or []:
        variants.append((f"heap {heap // 1_000_000} MB, {threads} threads", REPO / "src",
                         heap, threads))  # fmt: skip
    print(f"# keyword index build, {args.data_dir} ({args.db}); {os.cpu_count()} cores; {load()}")
    for round_ in range(args.rounds):
        for label, src, heap, threads in variants:
            which = "baseline" if label == "baseline" else "new"
            result = _run(which, src, args, heap, threads)
            print(f"round {round_ + 1}: {label:28} {result['seconds']:6.1f} s (CPU "
                  f"{result['cpu']:5.1f} s, Django start included), peak RSS "
                  f"{result['peak_mb']:,.0f} MB; {load()}", flush=True)  # fmt: skip


def phases(args: argparse.Namespace) -> None:
    """Reading rows alone, then rows made into documents, then the whole build."""
    _django(REPO / "src", Path(args.data_dir), args.db, args.pg_database)
    import tantivy
    from django.db import connection

    from dailypapers.search import backends, keyword_build, keyword_index

    backend = backends.current(connection)
    assert backend is not None
    print(f"# phases of the build, {args.data_dir} ({args.db}); {load()}")
    started = time.perf_counter()
    with backend.read_snapshot() as cursor:
        cursor.execute(f"SELECT {keyword_build._COLUMNS} FROM papers_paper")
        rows = 0
        while chunk := cursor.fetchmany(5000):
            rows += len(chunk)
    print(f"read {rows:,} rows: {time.perf_counter() - started:.1f} s; {load()}", flush=True)
    started = time.perf_counter()
    with backend.read_snapshot() as cursor:
        cursor.execute(f"SELECT {keyword_build._COLUMNS} FROM papers_paper")
        while chunk := cursor.fetchmany(5000):
            for row in chunk:
                keyword_index._document(*row)
    print(f"read + documents: {time.perf_counter() - started:.1f} s; {load()}", flush=True)
    for threads in (1, 2, 3):
        folder = Path(args.data_dir) / f"phases-{threads}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        started = time.perf_counter()
        index = tantivy.Index(keyword_index._schema(), path=str(folder))
        writer = index.writer(heap_size=keyword_build.WRITER_HEAP, num_threads=threads)
        with backend.read_snapshot() as cursor:
            keyword_build._add(writer, cursor)
        added = time.perf_counter() - started
        writer.commit()
        committed = time.perf_counter() - started
        writer.wait_merging_threads()
        print(f"build, {threads} writer threads: documents added {added:.1f} s, committed "
              f"{committed:.1f} s, merged {time.perf_counter() - started:.1f} s; {load()}",
              flush=True)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def catch_up(args: argparse.Namespace) -> None:
    _django(REPO / "src", Path(args.data_dir), args.db, args.pg_database)
    from django.db import connection, transaction

    from dailypapers.search import keyword_build, keyword_index

    print(f"# catch-up vs full build, {args.data_dir} ({args.db}); {load()}")
    if keyword_index.index_stamp() != keyword_index.database_stamp(connection):
        print("catch-up to start from:", keyword_build.catch_up(connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM papers_paper ORDER BY id DESC LIMIT %s", [args.changes])
        ids = [pk for (pk,) in cursor.fetchall()]
    for step, sql in (("changed", "abstract || ' zyxwvutsrq'"),
                      ("changed back", "substr(abstract, 1, length(abstract) - 11)")):  # fmt: skip
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for at in range(0, len(ids), 500):
                chunk = ids[at : at + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"UPDATE papers_paper SET abstract = {sql} WHERE id IN ({marks})",
                               chunk)  # fmt: skip
        wrote = time.perf_counter() - started
        done = keyword_build.catch_up(connection)
        assert done is not None
        print(f"{step} {len(ids):,} abstracts ({wrote:.1f} s to write): {done[0]}, {done[1]:,} "
              f"papers in {done[2]:.2f} s; {load()}", flush=True)  # fmt: skip
    started = time.perf_counter()
    built = keyword_build.rebuild(connection)
    assert built is not None
    print(f"full build for comparison: {built[0]:,} papers in {built[1]:.1f} s; {load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["build", "phases", "catch-up", "child"])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--pg-database", default="dp_keyword_bench")
    parser.add_argument("--baseline-src", default="/tmp/keyword-base/src")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--variant", nargs=2, type=int, action="append",
                        metavar=("HEAP", "THREADS"))  # fmt: skip
    parser.add_argument("--which", default="new")
    parser.add_argument("--src", default=str(REPO / "src"))
    parser.add_argument("--heap", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.what != "child":
        sys.path.insert(0, str(REPO / "src"))
    {"build": build, "phases": phases, "catch-up": catch_up, "child": child}[args.what](args)


if __name__ == "__main__":
    main()
