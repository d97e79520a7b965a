"""`dailypapers thumbnails`: work through the papers without a thumbnail, newest first.

Fetches at arXiv's pace (ARXIV_REQUEST_INTERVAL, shared with the task workers through the
database), so it can run beside them; resumable, since every paper is claimed once
(thumbnails/fetching.py). ``--status`` only counts.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import IO, Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from dailypapers.papers.management.commands.ingest import positive, progress_bar
from dailypapers.thumbnails.fetching import make_thumbnail, pdf_client
from dailypapers.thumbnails.models import Thumbnail
from dailypapers.thumbnails.tasks import backlog_ids


class Command(BaseCommand):
    help = "Fetch and render the thumbnails of papers that have none (resumable), newest first."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--limit", type=positive, help="try at most this many papers")
        parser.add_argument("--status", action="store_true", help="only count thumbnails")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), highlight=False, soft_wrap=True)
        console.print(_describe(Thumbnail.objects.counts()))
        if options["status"]:
            return
        if not settings.THUMBNAIL_PDF_URL:
            raise CommandError("THUMBNAIL_PDF_URL is off: no PDF is fetched.")
        todo = backlog_ids(options["limit"])
        outcomes: dict[str, int] = {}
        started = time.monotonic()
        enabled = not options["no_progress"] and bool(todo)
        with (
            progress_bar(console, "thumbnails", len(todo), enabled) as advance,
            pdf_client() as client,
        ):
            for paper_id in todo:
                row = make_thumbnail(paper_id, client)
                status = row.status if row is not None else "already done"
                outcomes[status] = outcomes.get(status, 0) + 1
                if advance is not None:
                    advance(1)
        seconds = time.monotonic() - started
        done = ", ".join(f"{count:,} {status}" for status, count in sorted(outcomes.items()))
        console.print(f"thumbnails: {len(todo):,} papers in {seconds:.1f} s ({done or 'none'})")


def _describe(counts: dict[str, int]) -> str:
    if not counts:
        return "thumbnails: none tried yet"
    parts = ", ".join(f"{count:,} {status}" for status, count in sorted(counts.items()))
    return f"thumbnails: {parts}"
