"""`dailypapers summarize`: make the automatic summaries papers lack, with progress.

Resumable (papers whose summary matches their content are skipped, so an interrupted run
picks up where it stopped); ``--all`` makes every paper's again (after an upgrade of the
extractor). With a summary model configured, ``--model`` also asks it, rate-limited.
"""

from __future__ import annotations

import os
import time
from argparse import ArgumentParser
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from dailypapers.papers.management.commands.ingest import positive, progress_bar
from dailypapers.papers.models import Paper
from dailypapers.summaries import abstractive
from dailypapers.summaries.models import AutoSummary
from dailypapers.summaries.store import all_ids, pending_ids, summarize_papers


class Command(BaseCommand):
    help = "Make the automatic summaries and key phrases of papers that lack them."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="make every paper's again, current or not"
        )
        parser.add_argument("--limit", type=positive, help="at most this many papers")
        parser.add_argument(
            "--model",
            action="store_true",
            help="then ask the configured model (SUMMARY_API_URL) about papers not asked yet",
        )
        parser.add_argument(
            "--jobs",
            type=positive,
            default=min(2, os.cpu_count() or 1),
            help="processes extracting at once (default: the cores, at most 2)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        # OutputWrapper writes text like the IO[str] rich asks for (see search's embed).
        console = Console(file=cast(IO[str], self.stdout), highlight=False, soft_wrap=True)
        if options["model"] and abstractive.endpoint() is None:
            raise CommandError("--model needs SUMMARY_API_URL and SUMMARY_MODEL")
        limit = options["limit"]
        todo = all_ids()[:limit] if options["all"] else pending_ids(limit)
        started = time.monotonic()
        enabled = not options["no_progress"] and bool(todo)
        with progress_bar(console, "summarize", len(todo), enabled) as advance:
            written = summarize_papers(
                todo, force=options["all"], on_progress=advance, processes=options["jobs"]
            )
        seconds = time.monotonic() - started
        rate = len(todo) / seconds if seconds > 0 else 0.0
        console.print(
            f"summarize: {written:,} summaries written for {len(todo):,} papers in "
            f"{seconds:.1f} s ({rate:,.0f} papers/s); "
            f"{AutoSummary.objects.count():,} of {Paper.objects.count():,} papers have one"
        )
        target = abstractive.endpoint()
        if options["model"] and target is not None:
            asking = abstractive.not_asked_ids(limit)
            started = time.monotonic()
            asked = abstractive.ask_model(asking)
            console.print(
                f"model: {asked:,} of {len(asking):,} papers summarised by {target.model} "
                f"in {time.monotonic() - started:.1f} s (the others keep their local summary)"
            )
