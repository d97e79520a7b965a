"""The whole of arXiv on one server: build a collection of ``--papers`` (default 2.7 million)
and measure the service at that size.

    .venv/bin/python bench/scale.py generate [--papers 2700000] [--work DIR]
    .venv/bin/python bench/scale.py ingest   [--papers N] [--db sqlite|postgres] [--work DIR]
    .venv/bin/python bench/scale.py vectors  [--papers N] [--db sqlite|postgres] [--work DIR]
    .venv/bin/python bench/scale.py indexes  [--papers N] [--db sqlite|postgres] [--work DIR]
    .venv/bin/python bench/scale.py search   [--papers N] [--db sqlite|postgres] [--work DIR]
    .venv/bin/python bench/scale.py pages    [--papers N] [--work DIR]          # SQLite
    .venv/bin/python bench/scale.py foryou   [--papers N] [--work DIR]          # SQLite
    .venv/bin/python bench/scale.py memory   [--papers N] [--work DIR]          # SQLite
    .venv/bin/python bench/scale.py all      [--papers N] [--db ...] [--work DIR]

The phases, each reusing what the one before left in ``--work`` (default
/tmp/dailypapers-scale; several GB at full size):

- ``generate``: ``collection-N.jsonl.gz``, the 90,929 shared records plus synthetic variants
  (bench/scale_corpus.py: real lengths, categories and authors, dates 2008-2026). Kept.
- ``ingest``: ``dailypapers ingest jsonl`` of that file into an empty store (SQLite under
  ``sqlite-N/`` or the PostgreSQL database bench/search.py uses), in a child process: wall
  and CPU time, records/s, peak RSS. Target (issue 15): 2.7M on SQLite in at most 15 min.
- ``vectors``: a synthetic clustered vector for every paper, stored under the name of the
  embedder the site uses (bench/scale_children.py), so the site searches them as its own
  while query vectors come from the real model.
- ``indexes``: the keyword index (``dailypapers keyword_index``) and the vector index
  (``dailypapers embed``, which only builds it when every paper has a vector), each timed,
  and the size of each folder under DATA_DIR.
- ``search``: ``engine.search()`` p50 and p95 in each mode, with and without filters, and
  the paper page's related papers, in a child process. Targets at 2.7M: keyword p95 <= 30
  ms, hybrid p95 <= 100 ms, related papers p95 <= 20 ms.
- ``pages``: ``bench/web.py`` on that store (home, the busiest day, paper pages hot and
  cold, trending) under gunicorn with wrk. Target: home >= 1,000 req/s, a crawl >= 300 req/s.
- ``foryou``: ``bench/recommend.py`` on that store (For you, topic pages, beside home).
- ``memory``: two gunicorn workers and one task worker on that store with semantic search
  on, after searches and paper pages have touched the vector index: RSS and PSS (shared
  pages counted once) of each. Target: total <= 3 GB.

Each phase prints its figures and the load average at its start and end, and appends them
to ``results.jsonl`` in the work folder.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from scale_corpus import write_collection

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
SHARED = REPO.parent / "shared" / "data" / "arxiv-metadata.jsonl.gz"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "dailypapers_bench_search"  # bench/search.py's database, so `search` finds it
WHOLE_ARXIV = 2_700_000


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def record(work: Path, phase: str, **figures: object) -> None:
    figures = {
        "phase": phase,
        "at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        **figures,
    }
    with (work / "results.jsonl").open("a") as results:
        results.write(json.dumps(figures) + "\n")
    print(json.dumps(figures, indent=1))


def collection(args: argparse.Namespace) -> Path:
    return args.work / f"collection-{args.papers}.jsonl.gz"


def store_env(args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG")}
    data_dir = args.work / f"{args.db}-{args.papers}"
    data_dir.mkdir(parents=True, exist_ok=True)
    env.update(
        DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="dailypapers.settings",
        PYTHONPATH=str(REPO / "src"),
        LOG_LEVEL="WARNING",
    )
    if args.db == "postgres":
        env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DATABASE
    return env


def generate(args: argparse.Namespace) -> None:
    target = collection(args)
    if target.exists():
        print(f"{target} exists; kept")
        return
    started, before = time.perf_counter(), load()
    written = write_collection(SHARED, target, args.papers, seed=args.seed)
    record(
        args.work,
        "generate",
        papers=written,
        seconds=round(time.perf_counter() - started),
        megabytes=round(target.stat().st_size / 1e6),
        load_before=before,
        load_after=load(),
    )


def fresh_postgres() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        admin.execute(f"CREATE DATABASE {PG_DATABASE}")


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run([sys.executable, "-m", "dailypapers", *command], env=env, check=True)


def ingest(args: argparse.Namespace) -> None:
    source = collection(args)
    if not source.exists():
        generate(args)
    env = store_env(args)
    if args.db == "postgres":
        fresh_postgres()
    else:
        for name in ("dailypapers.sqlite3", "dailypapers.sqlite3-wal", "dailypapers.sqlite3-shm"):
            (Path(env["DATA_DIR"]) / name).unlink(missing_ok=True)
    manage(env, "migrate", "--noinput", "-v0")
    before, usage = load(), resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    manage(env, "ingest", "jsonl", str(source), "--no-progress")
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (usage.ru_utime + usage.ru_stime)
    record(
        args.work,
        "ingest",
        db=args.db,
        papers=args.papers,
        seconds=round(seconds, 1),
        minutes=round(seconds / 60, 1),
        records_per_s=round(args.papers / seconds),
        cpu_seconds=round(cpu, 1),
        peak_rss_mb=round(after.ru_maxrss / 1024),
        target="<= 15 min on SQLite at 2.7M",
        load_before=before,
        load_after=load(),
    )


def delegate(args: argparse.Namespace, phase: str, command: list[str]) -> None:
    env = store_env(args)
    before, started = load(), time.perf_counter()
    print("$ " + " ".join(command), flush=True)
    done = subprocess.run(command, env=env, text=True, capture_output=True)
    print(done.stdout[-20_000:] + done.stderr[-5_000:])
    if done.returncode:
        raise SystemExit(f"{phase} failed ({done.returncode})")
    found = [line[7:] for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    figures = json.loads(found[-1]) if found else {"output": done.stdout[-6_000:]}
    fields = {"db": args.db, "papers": args.papers, **figures}
    fields.update(wall_seconds=round(time.perf_counter() - started), load_before=before)
    record(args.work, phase, **fields, load_after=load())


def vectors(args: argparse.Namespace) -> None:
    delegate(args, "vectors", [sys.executable, str(BENCH / "scale_children.py"), "vectors"])


def indexes(args: argparse.Namespace) -> None:
    """Both search indexes built from scratch: the keyword index (Tantivy) and the vector
    index (`dailypapers embed` with every paper embedded only builds it)."""
    env = store_env(args)
    manage(env, "migrate", "--noinput", "-v0")  # a store imported by an older tree
    timings = {}
    before = load()
    for name, command in (
        ("keyword index", ("keyword_index",)),
        ("vector index", ("embed", "--no-progress")),
    ):
        started = time.perf_counter()
        manage(env, *command)
        timings[name + " seconds"] = round(time.perf_counter() - started, 1)
    disk = {
        path.name: round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6)
        for path in Path(env["DATA_DIR"]).iterdir()
        if path.is_dir()
    }
    record(
        args.work,
        "indexes",
        db=args.db,
        papers=args.papers,
        **timings,
        folders_mb=disk,
        target="keyword index for 91k <= 30 s",
        load_before=before,
        load_after=load(),
    )


def search(args: argparse.Namespace) -> None:
    command = [sys.executable, str(BENCH / "scale_children.py"), "search", str(args.queries)]
    delegate(args, "search", command)


def pages(args: argparse.Namespace) -> None:
    data_dir = store_env(args)["DATA_DIR"]
    delegate(
        args,
        "pages",
        [
            sys.executable,
            str(BENCH / "web.py"),
            "--data-dir",
            data_dir,
            "--expect-papers",
            str(args.papers),
            "--no-write",
            "--rounds",
            str(args.rounds),
        ],
    )


def foryou(args: argparse.Namespace) -> None:
    data_dir = store_env(args)["DATA_DIR"]
    delegate(args, "foryou", [sys.executable, str(BENCH / "recommend.py"), "--data-dir", data_dir])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _memory_of(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MB: PSS shares each mapped page among the processes that map it."""
    figures = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        figures[name.rstrip(":")] = int(value) / 1024
    return figures["Rss"], figures["Pss"]


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]


def memory(args: argparse.Namespace) -> None:
    env = store_env(args)
    env.pop("EMBEDDING_MODEL", None)  # the default: semantic search on
    manage(env, "collectstatic", "--noinput", "-v0")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "dailypapers.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
        ],
        env=env,
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "dailypapers", "db_worker"], env=env, start_new_session=True
    )
    before = load()
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5).read()
                break
            except OSError:
                time.sleep(1)
        queries = (BENCH / "search_queries.txt").read_text().split("\n")[: args.queries]
        for query in filter(None, queries):
            for _ in range(2):  # both workers, most likely
                urllib.request.urlopen(
                    f"{base}/search/?q={urllib.request.quote(query)}", timeout=120
                ).read()
        time.sleep(2)
        processes = {"gunicorn arbiter": web.pid, "task worker": worker.pid}
        for number, child in enumerate(_children(web.pid), 1):
            processes[f"web worker {number}"] = child
        rows = {name: _memory_of(pid) for name, pid in processes.items()}
        record(
            args.work,
            "memory",
            papers=args.papers,
            searches=2 * len(queries),
            processes={
                name: {"rss_mb": round(r), "pss_mb": round(p)} for name, (r, p) in rows.items()
            },
            total_rss_mb=round(sum(r for r, _ in rows.values())),
            total_pss_mb=round(sum(p for _, p in rows.values())),
            target="2 web workers + 1 task worker <= 3 GB",
            load_before=before,
            load_after=load(),
        )
    finally:
        for process in (web, worker):
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a worker finishing a long task
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


PHASES = {
    "generate": generate,
    "ingest": ingest,
    "vectors": vectors,
    "indexes": indexes,
    "search": search,
    "pages": pages,
    "foryou": foryou,
    "memory": memory,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("phase", choices=[*PHASES, "all"])
    parser.add_argument("--papers", type=int, default=WHOLE_ARXIV)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--work", type=Path, default=Path("/tmp/dailypapers-scale"))
    parser.add_argument("--rounds", type=int, default=1, help="bench/web.py rounds")
    parser.add_argument("--queries", type=int, default=50, help="queries for search, memory")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if (
        args.phase != "generate"
        and args.db == "postgres"
        and args.phase in ("pages", "foryou", "memory")
    ):
        raise SystemExit(f"{args.phase} runs on SQLite only (bench/web.py, bench/recommend.py)")
    if args.phase == "all":
        phases = ["generate", "ingest", "vectors", "indexes", "search"]
        if args.db == "sqlite":
            phases += ["pages", "foryou", "memory"]
        for phase in phases:
            PHASES[phase](args)
    else:
        PHASES[args.phase](args)


if __name__ == "__main__":
    main()
