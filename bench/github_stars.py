"""Benchmark the GitHub star refresh against the fake GitHub API on loopback.

    .venv/bin/python bench/github_stars.py [--repos 2000] [--changed 0.1]

What it does, in order:

1. Builds a scratch site (its own DATA_DIR in a temporary folder, SQLite): ``--repos``
   papers announced on one day, each naming its own GitHub repository; links them
   (``link_unlinked``, timed apart) and serves every repository from ``FakeGitHub``
   (testing/fake_github.py: real HTTP/1.1 on 127.0.0.1, ETags, quota headers).
2. First run: every repository is new, so every request is a plain GET answered 200.
3. ``--changed`` of the repositories gain stars; the clock moves a day on; second run:
   every request carries the ETag of the first answer, so unchanged ones are answered 304.
4. Prints, per run, requests/s (requests sent over wall time, database writes included),
   the 304 share, and the history rows written.

The fake answers in microseconds; the figures say what the job costs on our side (HTTP
client, one transaction per repository), not GitHub's latency (~100–300 ms a request from
most places, which makes a real run network-bound: 5,000 requests, a token's hourly
quota, take 10–25 minutes serially).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def setup(data_dir: Path) -> None:
    os.environ.update(
        {
            "DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "dailypapers.settings",
            "TASK_BACKEND": "db",
            "LOG_LEVEL": "WARNING",
            "EMBEDDING_MODEL": "off",
        }
    )
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_papers(count: int) -> None:
    from dailypapers.papers.models import Paper

    day = date(2025, 1, 8)
    Paper.objects.bulk_create(
        Paper(arxiv_id=f"2501.{number:05d}", title=f"Paper {number}", announced_on=day,
              code_links=[f"https://github.com/owner{number}/repo{number}"], has_code=True,
              content_hash=f"{number:032d}")
        for number in range(count)
    )  # fmt: skip


def run(label: str, now: datetime, base_url: str) -> None:
    from dailypapers.lib.github import GitHubClient
    from dailypapers.repos.models import StarCount
    from dailypapers.repos.refresh import due_ids, refresh

    ids = due_ids(now)
    rows_before = StarCount.objects.count()
    client = GitHubClient(user_agent="dailypapers/bench", base_url=base_url)
    started = time.perf_counter()
    with client:
        report = refresh(ids, client, now=lambda: now)
    seconds = time.perf_counter() - started
    share = client.not_modified / client.sent if client.sent else 0.0
    print(
        f"{label}: {len(ids):,} due, {client.sent:,} requests in {seconds:.2f} s "
        f"= {client.sent / seconds:,.0f} requests/s; 304: {client.not_modified:,} "
        f"({share:.0%}); read {report.changed:,}; history rows written "
        f"{StarCount.objects.count() - rows_before:,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repos", type=int, default=2000)
    parser.add_argument("--changed", type=float, default=0.1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="github-bench-") as scratch:
        setup(Path(scratch))
        from dailypapers.repos.links import link_unlinked
        from dailypapers.testing.fake_github import FakeGitHub

        make_papers(args.repos)
        started = time.perf_counter()
        linked = link_unlinked()
        print(f"linked {linked:,} papers in {time.perf_counter() - started:.2f} s")
        with FakeGitHub(quota=10**9) as github:
            for number in range(args.repos):
                github.add(f"owner{number}", f"repo{number}", stars=number % 500)
            first = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
            run("first run (all new)", first, github.url)
            rng = random.Random(1)
            for number in rng.sample(range(args.repos), int(args.repos * args.changed)):
                github.star(f"owner{number}", f"repo{number}", number % 500 + 7)
            run(f"next day ({args.changed:.0%} changed)", first + timedelta(days=1), github.url)


if __name__ == "__main__":
    main()
