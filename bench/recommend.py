"""Benchmark the "For you" recommendations and topic pages on the shared data.

    .venv/bin/python bench/recommend.py [--data-dir DIR] [--upvotes 50] [--repeat 15]

What it does, in order:

1. Uses ``--data-dir`` (created if missing) as DATA_DIR, runs ``dailypapers migrate`` and
   imports the shared arXiv metadata with ``dailypapers ingest jsonl`` unless the database
   already holds at least 90,000 papers. SQLite only (the embedded default).
2. In a child process (a fresh Python, so the per-process feature cache starts empty):
   makes a member "bench-recommend@example.org" with ``--upvotes`` upvotes on random papers
   of cs.CV (fixed seed: a reader of one field), two followed topics, and a
   second member with nothing (cold start).
3. Times, each as the median of ``--repeat`` runs after one warm-up unless said otherwise:
   - ``recommend_for_user`` the first time in the process (cold: features of the week's
     papers are computed), once;
   - ``recommend_for_user`` with the result cache off (``RECOMMENDATIONS_CACHE_SECONDS=0``:
     signals, candidates, negatives, training and scoring every time);
   - the same with the result cache on (a repeat visit);
   - the For you page, whole (Django test client, signed in, cache off), and for the
     cold-start member;
   - a query topic page and a category topic page;
   - the baseline, in the same process and run: the /trending/ page and the home page for the
     same signed-in member (pages nobody would call slow).
4. Prints a Markdown table (wall and CPU milliseconds, and each as a ratio to the home page),
   the load average before and after, and the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FILE = REPO.parent / "shared" / "data" / "arxiv-metadata.jsonl.gz"
BIN = REPO / ".venv" / "bin"
MIN_PAPERS = 90_000


def _child(args: argparse.Namespace) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
    django.setup()
    import numpy as np
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from dailypapers.accounts.models import User
    from dailypapers.feed.models import Topic, TopicFollow, Vote
    from dailypapers.feed.recommend import recommend_for_user
    from dailypapers.papers.models import Paper

    setup_test_environment()  # the test client's host is allowed
    settings.ALLOWED_HOSTS = ["*"]
    reader, _ = User.objects.get_or_create(email="bench-recommend@example.org")
    cold, _ = User.objects.get_or_create(email="bench-cold@example.org")
    Vote.objects.filter(user=reader).delete()
    pool = list(Paper.objects.filter(primary_category="cs.CV").values_list("pk", flat=True))
    rng = np.random.default_rng(20261126)
    chosen = rng.choice(pool, size=args.upvotes, replace=False)
    Vote.objects.bulk_create([Vote(user=reader, paper_id=int(pk)) for pk in chosen])
    topics = [
        Topic.objects.get_or_create(
            slug="bench-diffusion",
            defaults={"name": "Diffusion", "query": "diffusion", "categories": ["cs.CV", "cs.LG"]},
        )[0],
        Topic.objects.get_or_create(
            slug="bench-language", defaults={"name": "Language", "categories": ["cs.CL"]}
        )[0],
    ]
    for topic in topics:
        TopicFollow.objects.get_or_create(user=reader, topic=topic)

    def timed(run, repeat: int = args.repeat) -> tuple[float, float]:
        """Median wall and CPU milliseconds (CPU time is steadier on a shared machine)."""
        run()  # warm-up
        walls, cpus = [], []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            run()
            walls.append((time.perf_counter() - start) * 1000)
            cpus.append((time.process_time() - start_cpu) * 1000)
        return statistics.median(walls), statistics.median(cpus)

    results: dict[str, tuple[float, float]] = {}
    settings.RECOMMENDATIONS_CACHE_SECONDS = 0
    start, start_cpu = time.perf_counter(), time.process_time()
    picks = recommend_for_user(reader.pk)
    results["recommend, first call in the process"] = (
        (time.perf_counter() - start) * 1000,
        (time.process_time() - start_cpu) * 1000,
    )
    results["recommend, result cache off"] = timed(lambda: recommend_for_user(reader.pk))
    results["recommend, cold start member"] = timed(lambda: recommend_for_user(cold.pk))
    settings.RECOMMENDATIONS_CACHE_SECONDS = 300
    results["recommend, result cache on"] = timed(lambda: recommend_for_user(reader.pk))
    settings.RECOMMENDATIONS_CACHE_SECONDS = 0

    client = Client()
    client.force_login(reader)

    def page(path: str, who: Client = client):
        def get() -> None:
            response = who.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return get

    cold_client = Client()
    cold_client.force_login(cold)
    results["page /for-you/ (cache off)"] = timed(page("/for-you/"))
    results["page /for-you/ cold start"] = timed(page("/for-you/", cold_client))
    results["page /topics/bench-diffusion/ (query)"] = timed(page("/topics/bench-diffusion/"))
    results["page /topics/bench-language/ (category)"] = timed(page("/topics/bench-language/"))
    results["baseline page /trending/"] = timed(page("/trending/"))
    results["baseline page / (home)"] = timed(page("/"))
    reasons = [pick.reason for pick in picks[:5]]
    print("BENCH " + json.dumps({"results": results, "reasons": reasons,
                                 "papers": Paper.objects.count()}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/dailypapers-bench-recommend"))
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--upvotes", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    args.data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATA_DIR": str(args.data_dir),
        "DJANGO_SETTINGS_MODULE": "dailypapers.settings",
    }
    env["STATIC_MANIFEST"] = "false"  # pages render without collectstatic
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    subprocess.run([BIN / "dailypapers", "migrate", "-v0"], env=env, check=True)
    count = subprocess.run(
        [BIN / "python", "-c", "import django; django.setup(); "
         "from dailypapers.papers.models import Paper; print(Paper.objects.count())"],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    if int(count.stdout.strip() or 0) < MIN_PAPERS:
        subprocess.run(
            [BIN / "dailypapers", "ingest", "jsonl", str(args.file), "--no-progress"],
            env=env, check=True,
        )  # fmt: skip
    load_before = os.getloadavg()
    child = subprocess.run(
        [BIN / "python", __file__, "--child", "--upvotes", str(args.upvotes),
         "--repeat", str(args.repeat)],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    load_after = os.getloadavg()
    line = next(line for line in child.stdout.splitlines() if line.startswith("BENCH "))
    data = json.loads(line[len("BENCH ") :])
    results: dict[str, list[float]] = data["results"]
    home_wall, home_cpu = results["baseline page / (home)"]
    print(f"{data['papers']:,} papers, {args.upvotes} upvotes, median of {args.repeat} runs")
    print("| what | wall ms | CPU ms | wall / home | CPU / home |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, (wall, cpu) in results.items():
        print(
            f"| {name} | {wall:.1f} | {cpu:.1f} | {wall / home_wall:.2f} | {cpu / home_cpu:.2f} |"
        )
    print("first reasons:", *data["reasons"], sep="\n  ")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}; "
          f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
