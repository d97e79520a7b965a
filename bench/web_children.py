"""The child side of bench/web.py: facts about the scratch database, synthetic trending scores.

Run as ``bench/web.py --child=KIND`` in a process with the benchmark's environment; each
prints one JSON line the parent reads.
"""

from __future__ import annotations

import argparse
import json
import os
import random
from pathlib import Path


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
    import django

    django.setup()


def child_info(args: argparse.Namespace) -> None:
    _django()
    import sqlite3

    from django.conf import settings
    from django.db import connection
    from django.db.models import Count

    from dailypapers.papers.models import Paper

    busiest = (
        Paper.objects.filter(announced_on__isnull=False)
        .values("announced_on")
        .annotate(n=Count("id"))
        .order_by("-n", "-announced_on")
        .first()
    )
    ids = list(Paper.objects.order_by().values_list("arxiv_id", flat=True))
    random.Random(args.seed).shuffle(ids)
    hot = []
    day_path = None
    if busiest:
        from django.urls import reverse

        from dailypapers.feed.queries import FeedFilters, feed_papers

        day = busiest["announced_on"]
        hot = list(feed_papers(day, day, FeedFilters()).values_list("arxiv_id", flat=True)[:50])
        # The page's own address, as the site links it (other spellings redirect).
        day_path = reverse("feed:day", args=day.isoformat().split("-"))
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    static_path = "/static/feed/favicon.svg"
    if manifest.exists():
        paths = json.loads(manifest.read_text())["paths"]
        static_path = settings.STATIC_URL + paths.get("feed/site.css", "feed/site.css")
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "select 1")
        db_version = cursor.fetchone()[0]
    print(
        json.dumps(
            {
                "papers": len(ids),
                "trending": Paper.objects.filter(trending_score__gt=0).count(),
                "busiest_day": busiest["announced_on"].isoformat() if busiest else None,
                "busiest_day_papers": busiest["n"] if busiest else 0,
                "day_path": day_path,
                "paper_ids": ids[: args.paper_ids],
                # Warm-up reads other papers, so the measured run renders every page afresh.
                "warmup_ids": ids[args.paper_ids : args.paper_ids + 500],
                "hot_ids": hot,
                "static_path": static_path,
                "db_vendor": connection.vendor,
                "db_version": str(db_version),
                "python_sqlite": sqlite3.sqlite_version,
            }
        )
    )


def child_seed_trending(args: argparse.Namespace) -> None:
    _django()
    from django.db import transaction

    from dailypapers.papers.models import Paper

    pks = list(Paper.objects.order_by().values_list("pk", flat=True))
    rng = random.Random(args.seed)
    chosen = rng.sample(pks, min(args.trending_papers, len(pks)))
    with transaction.atomic():
        for pk in chosen:
            votes = rng.randint(1, 60)
            Paper.objects.filter(pk=pk).update(
                trending_score=round(votes * rng.random(), 4) + 0.0001, upvote_count=votes
            )
    print(json.dumps({"seeded": len(chosen)}))
