"""Paper pages that miss the page cache, beside one cached paper page, in the same run.

    .venv/bin/python bench/uncached.py [--data-dir DIR] [--src DIR ...] [--rounds 3]
                                       [--pages 400] [--crawl-ids 4000] [--duration 10]
                                       [--no-wrk] [--kinds paper,author,day,search]

What it does, in order:

1. Uses ``--data-dir`` (created if missing) as DATA_DIR with a SQLite database in it, runs
   ``dailypapers migrate`` and, unless the database already holds papers, imports the shared
   arXiv metadata (``dailypapers ingest jsonl``; 90,929 records, about a minute), then
   ``dailypapers collectstatic``. The same database serves every source tree.
2. **CPU per page** (steadier than req/s on a shared machine): per source tree (``--src``,
   default this checkout; give the old tree first for a before/after) and per round, a child
   process loads Django through the WSGI handler (``dailypapers.wsgi``, DEBUG off, page
   cache on, the page cache folder emptied first) and measures the process CPU time of
   ``--pages`` requests for as many different paper pages (each a page-cache miss: the
   paper page rendered from scratch and stored), then of ``--pages`` requests for one paper
   page (each a hit). Trees alternate within a round; the median round is reported.
   ``--kinds`` adds other pages a crawler reads, measured the same way: author pages
   (``/authors/<id>/``), a category's day (``/day/<date>/?category=<cat>``) and search
   results (``/search/?q=`` two words of a random title).
3. **wrk** (unless ``--no-wrk``), per source tree: gunicorn with 2 workers x 4 threads
   (gthread), as the acceptance check of issue 12 runs it: one paper page warmed and then
   ``--duration`` s of wrk on it (the cached rate), then ``--duration`` s of wrk rotating
   through ``--crawl-ids`` random paper ids (the crawl: nearly every request a page not
   asked for before). Reports req/s, p99 and the crawl/cached ratio (goal >= 0.5).

Prints a Markdown table, with the machine and the load average at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FILE = REPO.parent / "shared" / "data" / "arxiv-metadata.jsonl.gz"
SECRET = "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"

# The child: CPU per request through the WSGI handler, misses then hits.
CHILD = r"""
import io, json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
from dailypapers.wsgi import application

def get(address):
    path, _, query = address.partition("?")
    env = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
           "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
           "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http",
           "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1"}
    status = []
    b"".join(application(env, lambda s, h, e=None: status.append(s)))
    assert status[0].startswith("200"), (address, status)

result = {}
for kind, addresses in json.loads(sys.argv[1]).items():
    warm, misses, hit = addresses[:20], addresses[20:], addresses[0]
    for address in warm:
        get(address)
    # Batches of 20 misses and 20 hits in turn, so both see the same process state and the
    # same load of the moment; the median batch of each is reported.
    miss_batches, hit_batches = [], []
    for start in range(0, len(misses), 20):
        batch = misses[start:start + 20]
        started = time.process_time()
        for address in batch:
            get(address)
        miss_batches.append((time.process_time() - started) / len(batch) * 1000)
        started = time.process_time()
        for _ in batch:
            get(hit)
        hit_batches.append((time.process_time() - started) / len(batch) * 1000)
    miss_batches.sort(); hit_batches.sort()
    result[kind] = {"miss_ms": miss_batches[len(miss_batches) // 2],
                    "hit_ms": hit_batches[len(hit_batches) // 2]}
print(json.dumps(result))
"""


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def base_env(data_dir: Path, src: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DAILYPAPERS_DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{data_dir / 'db.sqlite3'}",
        SECRET_KEY=SECRET,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        PYTHONPATH=str(src / "src"),
    )
    return env


def prepare(data_dir: Path, source: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    env = base_env(data_dir, REPO)
    run = [sys.executable, "-m", "dailypapers"]
    subprocess.run([*run, "migrate", "--noinput"], env=env, check=True, stdout=subprocess.DEVNULL)
    if paper_count(data_dir) == 0:
        print(f"$ dailypapers ingest jsonl {source}", flush=True)
        subprocess.run([*run, "ingest", "jsonl", str(source)], env=env, check=True)
    subprocess.run(
        [*run, "collectstatic", "--noinput"], env=env, check=True, stdout=subprocess.DEVNULL
    )


def paper_count(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "db.sqlite3") as db:
        return int(db.execute("select count(*) from papers_paper").fetchone()[0])


def random_ids(data_dir: Path, count: int, seed: int) -> list[str]:
    with sqlite3.connect(data_dir / "db.sqlite3") as db:
        ids = [row[0] for row in db.execute("select arxiv_id from papers_paper")]
    return random.Random(seed).sample(ids, count)


# The pages a crawl reads besides paper pages, each address a page-cache miss when new.
KIND_QUERIES = {
    "author": "select distinct author_id from papers_paperauthor",
    "day": "select distinct announced_on || '|' || primary_category from papers_paper"
    " where announced_on is not null",
    "search": "select title from papers_paper",
}


def addresses(data_dir: Path, kind: str, count: int, seed: int) -> list[str]:
    """``count`` different addresses of one kind of page: paper, author, day (a category's
    day, ``/day/<date>/?category=``) or search (``/search/?q=`` two words of a title)."""
    if kind == "paper":
        return [f"/papers/{arxiv_id}/" for arxiv_id in random_ids(data_dir, count, seed)]
    with sqlite3.connect(data_dir / "db.sqlite3") as db:
        values = [str(row[0]) for row in db.execute(KIND_QUERIES[kind])]
    chosen = random.Random(seed).sample(values, count)
    if kind == "author":
        return [f"/authors/{value}/" for value in chosen]
    if kind == "day":
        return [f"/day/{day}/?category={category}" for day, category in
                (value.split("|") for value in chosen)]  # fmt: skip
    found = []
    for title in chosen:
        words = [word for word in re.findall(r"[A-Za-z]{4,}", title)][:2] or ["paper"]
        found.append("/search/?q=" + "+".join(words).lower())
    return found


Figures = dict[str, dict[str, float]]  # page kind -> miss_ms, hit_ms


def cpu_round(data_dir: Path, src: Path, pages: dict[str, list[str]]) -> Figures:
    shutil.rmtree(data_dir / "cache", ignore_errors=True)
    env = base_env(data_dir, src)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(pages)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wrk(url: str, seconds: int, script: Path | None = None) -> tuple[float, str]:
    command = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    return rate, p99.group(1) if p99 else "?"


def wrk_pair(data_dir: Path, src: Path, ids: list[str], seconds: int) -> dict[str, object]:
    shutil.rmtree(data_dir / "cache", ignore_errors=True)
    port = free_port()
    env = base_env(data_dir, src)
    env.update(SITE_URL=f"http://127.0.0.1:{port}")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "dailypapers.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--worker-class", "gthread"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    ids_file = data_dir / "crawl-ids.txt"
    ids_file.write_text("\n".join(ids))
    script = data_dir / "crawl.lua"
    script.write_text(
        f'ids = {{}}\nfor line in io.lines("{ids_file}") do ids[#ids+1] = line end\n'
        'n = 0\nrequest = function() n = n + 1; return wrk.format("GET", "/papers/" .. '
        'ids[(n * 7919 + math.random(1, #ids)) % #ids + 1] .. "/") end\n'
    )
    try:
        for _ in range(120):
            try:
                subprocess.run(["curl", "-sf", "-o", "/dev/null", base + "/about/"], check=True)
                break
            except subprocess.CalledProcessError:
                time.sleep(0.5)
        one = f"{base}/papers/{ids[0]}/"
        subprocess.run(["curl", "-s", "-o", "/dev/null", one], check=True)
        wrk(one, 3)
        cached, cached_p99 = wrk(one, seconds)
        crawl, crawl_p99 = wrk(base, seconds, script)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return {"cached": cached, "cached_p99": cached_p99, "crawl": crawl, "crawl_p99": crawl_p99}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/bench-uncached"))
    parser.add_argument("--source", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--src", type=Path, action="append", help="source tree (repeatable)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--crawl-ids", type=int, default=4000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--no-wrk", action="store_true")
    parser.add_argument(
        "--kinds", default="paper", help="pages to measure: paper,author,day,search (comma list)"
    )
    args = parser.parse_args()
    trees = args.src or [REPO]
    prepare(args.data_dir, args.source)
    started_load = load()
    print(f"machine: {machine()}; {paper_count(args.data_dir):,} papers; load {started_load}")
    kinds = args.kinds.split(",")
    cpu: dict[Path, list[Figures]] = {tree: [] for tree in trees}
    for number in range(args.rounds):
        pages = {kind: addresses(args.data_dir, kind, args.pages + 20, args.seed + number)
                 for kind in kinds}  # fmt: skip
        for tree in trees if number % 2 == 0 else list(reversed(trees)):
            cpu[tree].append(cpu_round(args.data_dir, tree, pages))
            print(f"  round {number + 1} {tree}: {cpu[tree][-1]}", flush=True)
    served: dict[Path, dict[str, object]] = {}
    if not args.no_wrk and shutil.which("wrk"):
        crawl_ids = random_ids(args.data_dir, args.crawl_ids, args.seed)
        for tree in trees:
            served[tree] = wrk_pair(args.data_dir, tree, crawl_ids, args.duration)
            print(f"  wrk {tree}: {served[tree]}", flush=True)
    print(f"\nload average: {started_load} at the start, {load()} at the end\n")
    print("| tree | page | CPU ms, miss | CPU ms, hit | miss/hit | cached req/s (p99) "
          "| crawl req/s (p99) | crawl/cached |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for tree in trees:
        for kind in kinds:
            miss = statistics.median(r[kind]["miss_ms"] for r in cpu[tree])
            hit = statistics.median(r[kind]["hit_ms"] for r in cpu[tree])
            row = f"| {tree} | {kind} | {miss:.2f} | {hit:.2f} | {miss / hit:.1f} |"
            if tree in served and kind == "paper":
                s = served[tree]
                ratio = float(s["crawl"]) / float(s["cached"])  # type: ignore[arg-type]
                row += f" {s['cached']:.0f} ({s['cached_p99']}) | {s['crawl']:.0f} "
                row += f"({s['crawl_p99']}) | {ratio:.2f} |"
            else:
                row += " - | - | - |"
            print(row)


if __name__ == "__main__":
    main()
