"""`dailypapers github-stars`: link papers to their GitHub repositories and fetch the stars
of those that are due (daily for papers of the last 30 days, weekly after), with progress.

Resumable by design: what was fetched is not due again, and a rate limit stops the run with
the time to come back (the scheduled job waits for it too).
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import IO, Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from dailypapers.lib.github import GitHubError
from dailypapers.papers.management.commands.ingest import progress_bar
from dailypapers.repos.links import link_unlinked
from dailypapers.repos.models import Repository
from dailypapers.repos.refresh import due_ids, github_client, refresh


class Command(BaseCommand):
    help = "Fetch GitHub stars of papers' repositories that are due (ETag-conditional)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--limit", type=int, help="fetch at most this many (1 or more)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit takes a number of repositories, 1 or more")
        console = Console(file=cast(IO[str], self.stdout), highlight=False, soft_wrap=True)
        linked = link_unlinked()
        repositories = Repository.objects.count()
        console.print(f"links: {linked:,} papers newly linked; {repositories:,} repositories")
        todo = due_ids(limit=options["limit"])
        token = "with a token" if settings.GITHUB_TOKEN else "without a token (60 an hour)"
        console.print(f"due: {len(todo):,} repositories; asking {settings.GITHUB_API_URL} {token}")
        started = time.monotonic()
        enabled = not options["no_progress"] and bool(todo)
        with (
            github_client() as client,
            progress_bar(console, "github stars", len(todo), enabled) as advance,
        ):
            try:
                report = refresh(todo, client, on_progress=advance)
            except GitHubError as exc:
                raise CommandError(str(exc)) from None
        seconds = time.monotonic() - started
        rate = client.sent / seconds if seconds > 0 else 0.0
        console.print(
            f"github-stars: {report.fetched:,} fetched in {seconds:.1f} s ({rate:,.1f} requests/s):"
            f" {report.changed:,} read, {report.not_modified:,} unchanged (304),"
            f" {report.gone:,} gone, {report.failed:,} failed"
        )
        if report.paused_until is not None:
            console.print(
                f"paused: GitHub asked us to wait; resuming after "
                f"{report.paused_until:%Y-%m-%d %H:%M:%S} UTC"
            )
