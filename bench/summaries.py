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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/summaries-bench"))
    parser.add_argument("--limit", type=int, default=None, help="pure: only this many papers")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-pure", action="store_true")
    parser.add_argument("--skip-command", action="store_true")
    options = parser.parse_args()
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores; Python {sys.version.split()[0]}")
    if not options.skip_pure:
        pure(options.limit)
    if not options.skip_command:
        command(options.data_dir, options.jobs)


if __name__ == "__main__":
    main()
