"""Automatic summaries over the shared papers: the pure function and the whole command.

    .venv/bin/python bench/summaries.py [--data-dir /tmp/summaries-bench] [--limit N]
                                        [--jobs 2] [--skip-pure] [--skip-command]

1. ``pure``: reads the shared metadata file (``../shared/data/arxiv-metadata.jsonl.gz``),
   cleans titles and abstracts as ingest stores them (lib.tex), then times
   ``lib.extractive.extract`` over every paper in this process: papers/s by wall clock and
   by CPU time (the CPU figure is what one free core gives; the wall figure what the load
   of the moment left). Also: how many papers got 5 to 8 key phrases, summary lengths.
2. ``command``: a store filled with ``dailypapers ingest jsonl`` (in ``--data-dir``; made,
   migrated and imported when it holds fewer papers than the file), then
   ``dailypapers summarize --all --jobs N`` timed as a child process: papers/s by wall
   clock, and the CPU time of the command and its extraction processes.
3. ``--pages OTHER_SRC``: CPU milliseconds per request of the home page and of paper pages
   rendered afresh (page cache off, Django's test client, ``--page-requests`` random paper
   ids), for another source tree (e.g. main's, the "before") and this one, alternating
   child processes over ``--page-rounds`` rounds, on the same store; with this tree both
   with the summaries stored and, after deleting them, computed on read (they are made
   again at the end). CPU time per request moves far less with the machine's load than
   requests per second do (bench/web.py measures those).

The load average is printed before and after each part: the machine is shared, so figures
taken under load say so. Target (issue 12): every shared paper in <= 3 minutes, >= 500
papers/s in bulk.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dailypapers.lib.extractive import MAX_KEYWORDS, MIN_KEYWORDS, extract  # noqa: E402
from dailypapers.lib.tex import clean_abstract, clean_title  # noqa: E402

# Beside the checkout (../shared), or beside the folder of worktrees (../../shared).
DATA = Path(
    os.environ.get("SUMMARIES_BENCH_DATA")
    or next(
        (
            str(found)
            for found in (ROOT.parent / "shared", ROOT.parent.parent / "shared")
            if (found / "data").is_dir()
        ),
        str(ROOT.parent / "shared"),
    )
)
DATA = DATA / "data" / "arxiv-metadata.jsonl.gz" if DATA.is_dir() else DATA
SECRET = "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def read_papers(limit: int | None) -> list[tuple[str, str]]:
    papers = []
    with gzip.open(DATA, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            papers.append((clean_title(record["title"]), clean_abstract(record["abstract"])))
            if limit and len(papers) >= limit:
                break
    return papers


def pure(limit: int | None) -> None:
    papers = read_papers(limit)
    print(f"pure: {len(papers):,} papers read and cleaned; load before {load()}")
    wall, cpu = time.perf_counter(), time.process_time()
    made = [extract(title, abstract) for title, abstract in papers]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    in_range = sum(MIN_KEYWORDS <= len(one.keywords) <= MAX_KEYWORDS for one in made)
    lengths = [len(one.summary) for one in made]
    print(
        f"pure: {len(papers) / wall:,.0f} papers/s by wall ({wall:.1f} s), "
        f"{len(papers) / cpu:,.0f} papers/s per CPU-second ({cpu:.1f} s); load after {load()}"
    )
    print(
        f"pure: {in_range / len(made):.1%} of papers with {MIN_KEYWORDS}-{MAX_KEYWORDS} key "
        f"phrases (mean {mean(len(one.keywords) for one in made):.1f}); summary length mean "
        f"{mean(lengths):.0f}, max {max(lengths)} characters; "
        f"{sum(not one.summary for one in made)} papers without a summary"
    )


def dailypapers(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The data folder's default SQLite database, as bench/web.py uses it: one store for both.
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DATA_DIR=str(data_dir), SECRET_KEY=SECRET)
    command = [str(ROOT / ".venv" / "bin" / "dailypapers"), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True)


def stored_papers(data_dir: Path) -> int:
    found = dailypapers(
        data_dir,
        "shell",
        "-c",
        "from dailypapers.papers.models import Paper; print(Paper.objects.count())",
    )
    return int(found.stdout.strip().splitlines()[-1])


def command(data_dir: Path, jobs: int) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    dailypapers(data_dir, "migrate", "--noinput")
    if stored_papers(data_dir) < 90_000:
        print(f"command: importing the shared file into {data_dir} (about two minutes)")
        print(dailypapers(data_dir, "ingest", "jsonl", str(DATA)).stdout.strip().splitlines()[-1])
    print(f"command: summarize --all --jobs {jobs}; load before {load()}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    done = dailypapers(data_dir, "summarize", "--all", "--no-progress", "--jobs", str(jobs))
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(done.stdout.strip())
    papers = stored_papers(data_dir)
    print(
        f"command: {papers:,} papers in {wall:.1f} s wall ({papers / wall:,.0f} papers/s, "
        f"process start included), {cpu:.1f} s CPU in all; load after {load()}"
    )


def child_pages(requests: int) -> None:
    """In a child process (PYTHONPATH picks the source tree): CPU ms per page render."""
    import random

    import django

    os.environ["ANONYMOUS_PAGE_CACHE_SECONDS"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    django.setup()
    from django.test import Client

    from dailypapers.papers.models import Paper

    ids = list(Paper.objects.order_by("pk").values_list("arxiv_id", flat=True))
    picked = random.Random(1).sample(ids, requests)
    client = Client()
    assert client.get("/").status_code == 200  # warm: templates, URL maps, first queries
    results = {}
    for name, paths in (("home", ["/"] * 30), ("paper", [f"/papers/{i}/" for i in picked])):
        cpu = time.process_time()
        for path in paths:
            client.get(path)
        results[name] = (time.process_time() - cpu) * 1000 / len(paths)
    print(json.dumps(results))


def pages(data_dir: Path, other_src: Path, rounds: int, requests: int) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DATA_DIR=str(data_dir), SECRET_KEY=SECRET, LOG_LEVEL="WARNING")

    def measure(src: Path) -> dict[str, float]:
        child = [sys.executable, __file__, "--child-pages", str(requests)]
        run_env = {**env, "PYTHONPATH": str(src.resolve())}
        done = subprocess.run(child, env=run_env, capture_output=True, text=True, check=True)
        return json.loads(done.stdout.strip().splitlines()[-1])

    def delete_summaries() -> None:
        code = "from dailypapers.summaries.models import AutoSummary as A; A.objects.all().delete()"
        dailypapers(data_dir, "shell", "-c", code)

    print(f"pages: CPU ms per request, {rounds} rounds; load before {load()}")
    rows: dict[str, list[dict[str, float]]] = {"before": [], "stored": [], "on read": []}
    dailypapers(data_dir, "summarize", "--no-progress")
    for _ in range(rounds):
        rows["before"].append(measure(other_src))
        rows["stored"].append(measure(ROOT / "src"))
    delete_summaries()
    for _ in range(rounds):
        rows["before"].append(measure(other_src))
        rows["on read"].append(measure(ROOT / "src"))
    dailypapers(data_dir, "summarize", "--no-progress")
    print("| tree | home CPU ms (median) | paper page CPU ms (median) | rounds |")
    print("| --- | ---: | ---: | ---: |")
    for name, found in rows.items():
        home = sorted(one["home"] for one in found)[len(found) // 2]
        paper = sorted(one["paper"] for one in found)[len(found) // 2]
        print(f"| {name} | {home:.2f} | {paper:.2f} | {len(found)} |")
    print(f"pages: load after {load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/summaries-bench"))
    parser.add_argument("--limit", type=int, default=None, help="pure: only this many papers")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-pure", action="store_true")
    parser.add_argument("--skip-command", action="store_true")
    parser.add_argument("--pages", type=Path, help="another source tree to compare pages with")
    parser.add_argument("--page-rounds", type=int, default=3)
    parser.add_argument("--page-requests", type=int, default=200)
    parser.add_argument("--child-pages", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child_pages:
        child_pages(options.child_pages)
        return
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores; Python {sys.version.split()[0]}")
    if not options.skip_pure:
        pure(options.limit)
    if not options.skip_command:
        command(options.data_dir, options.jobs)
    if options.pages:
        pages(options.data_dir, options.pages, options.page_rounds, options.page_requests)


if __name__ == "__main__":
    main()
