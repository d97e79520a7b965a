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
    quality = _quality(args) if args.quality else {}
    reasons = [pick.reason for pick in picks[:5]]
    print("BENCH " + json.dumps({"results": results, "reasons": reasons, "quality": quality,
                                 "papers": Paper.objects.count()}))  # fmt: skip


THEMES = ("diffusion", "speech", "galaxy", "reinforcement learning", "graph neural", "retrieval")


def _quality(args: argparse.Namespace) -> dict[str, list[float]]:
    """Precision@20 per theme: a reader who upvoted ``--upvotes`` older papers matching a
    theme (a search), judged by how many of their 20 picks among the recent papers match it
    too; beside the precision of the 20 newest recent papers of their most upvoted category.
    """
    from collections import Counter

    import numpy as np
    from django.conf import settings

    from dailypapers.accounts.models import User
    from dailypapers.feed.models import Vote
    from dailypapers.feed.recommend import candidate_pool, recommend_for_user
    from dailypapers.papers.models import Paper
    from dailypapers.search.engine import search

    settings.RECOMMENDATIONS_CACHE_SECONDS = 0
    pool = candidate_pool()
    pool_ids = {candidate.pk for candidate in pool}
    since = min(candidate.announced_on for candidate in pool)
    rng = np.random.default_rng(7)
    found: dict[str, list[float]] = {}
    for theme in THEMES:
        matches: list[int] = []
        for page in range(1, 11):
            result = search(f'"{theme}"', sort="newest", page=page, per_page=100)
            matches += result.papers
        relevant = {pk for pk in matches if pk in pool_ids}
        older = [pk for pk in matches if pk not in pool_ids]
        if len(relevant) < 20 or len(older) < args.upvotes:
            continue
        reader, _ = User.objects.get_or_create(email=f"bench-theme-{theme.replace(' ', '-')}@x.org")
        Vote.objects.filter(user=reader).delete()
        liked = rng.choice(older, size=args.upvotes, replace=False)
        Vote.objects.bulk_create([Vote(user=reader, paper_id=int(pk)) for pk in liked])
        picks = [pick.paper_id for pick in recommend_for_user(reader.pk, limit=20)]
        categories = Counter(
            Paper.objects.filter(pk__in=[int(pk) for pk in liked]).values_list(
                "primary_category", flat=True
            )
        )
        top_category = categories.most_common(1)[0][0]
        newest = list(
            Paper.objects.filter(announced_on__gte=since, category_rows__category=top_category)
            .order_by("-announced_on", "-pk")
            .values_list("pk", flat=True)[:20]
        )
        found[theme] = [
            len(relevant),
            sum(pk in relevant for pk in picks) / 20,
            sum(pk in relevant for pk in newest) / 20,
        ]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/dailypapers-bench-recommend"))
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--upvotes", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--quality", action="store_true", help="also precision@20 per theme")
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
         "--repeat", str(args.repeat), *(["--quality"] if args.quality else [])],
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
    if data["quality"]:
        print("| theme | relevant recent papers | precision@20 For you | newest in category |")
        print("| --- | ---: | ---: | ---: |")
        for theme, (relevant, ours, newest) in data["quality"].items():
            print(f"| {theme} | {relevant:.0f} | {ours:.2f} | {newest:.2f} |")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}; "
          f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
