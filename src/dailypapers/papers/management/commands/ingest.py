"""`dailypapers ingest jsonl|api|oai|rss …`: bring papers in from any of the four sources."""

from __future__ import annotations

import contextlib
from argparse import SUPPRESS, ArgumentParser, ArgumentTypeError
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from dailypapers.lib.arxiv.ids import InvalidArxivId, normalize_id
from dailypapers.lib.records import SourceError
from dailypapers.papers.ingest.api import import_api
from dailypapers.papers.ingest.jsonl import default_listing_events, import_jsonl
from dailypapers.papers.ingest.oai import FORMATS, harvest_oai
from dailypapers.papers.ingest.pipeline import IngestReport
from dailypapers.papers.ingest.rss import import_rss


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from None


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


@contextlib.contextmanager
def progress_bar(
    console: Console, label: str, total: int | None, enabled: bool
) -> Iterator[Callable[[int], None] | None]:
    if not enabled:
        yield None
        return
    columns = [SpinnerColumn(), TextColumn(label)]
    if total:
        columns += [BarColumn(), MofNCompleteColumn()]
    else:
        columns += [TextColumn("{task.completed:,} records")]
    columns.append(TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task_id = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task_id, n)


class Command(BaseCommand):
    help = "Import papers from a metadata file, the arXiv API, OAI-PMH or the RSS listings."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        # Also accepted after the source name, where people tend to type it.
        common = ArgumentParser(add_help=False)
        common.add_argument("--no-progress", action="store_true", default=SUPPRESS)
        sources = parser.add_subparsers(dest="source", required=True, metavar="SOURCE")

        jsonl = sources.add_parser(
            "jsonl", parents=[common], help="Kaggle-schema JSON lines, plain or gzip"
        )
        jsonl.add_argument("path", type=Path)
        jsonl.add_argument("--limit", type=positive, help="stop after this many records")
        jsonl.add_argument(
            "--listing-events",
            type=Path,
            help="TSV of listing days per id (default: arxiv-listing-events.tsv.gz beside PATH)",
        )

        api = sources.add_parser(
            "api", parents=[common], help="the arXiv API: a search query or ids"
        )
        which = api.add_mutually_exclusive_group(required=True)
        which.add_argument("--query", help='an arXiv search query, e.g. "cat:cs.LG AND ti:graph"')
        which.add_argument("--ids", help="comma- or space-separated arXiv ids")
        api.add_argument("--max-results", type=positive, help="stop after this many papers")
        api.add_argument("--page-size", type=positive, default=200, help="papers per call (≤ 2000)")

        oai = sources.add_parser(
            "oai", parents=[common], help="OAI-PMH ListRecords, incremental and resumable"
        )
        oai.add_argument("--set", dest="set_spec", help="an OAI set, e.g. cs or physics:hep-th")
        oai.add_argument("--from", dest="from_date", type=_date, help="YYYY-MM-DD")
        oai.add_argument("--until", dest="until_date", type=_date, help="YYYY-MM-DD")
        oai.add_argument("--format", dest="metadata_prefix", choices=FORMATS, default="arXiv")
        oai.add_argument(
            "--max-pages", type=positive, help="stop after this many pages (resumable)"
        )

        rss = sources.add_parser(
            "rss", parents=[common], help="today's RSS listing of some categories"
        )
        rss.add_argument("categories", help="e.g. cs.AI+cs.LG")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(stderr=True)
        show = not options["no_progress"]
        source = options["source"]
        try:
            report = getattr(self, f"_{source}")(console, show, options)
        except SourceError as exc:
            raise CommandError(str(exc)) from None
        self._print_report(report)

    def _jsonl(self, console: Console, show: bool, options: dict[str, Any]) -> IngestReport:
        path: Path = options["path"]
        events = options["listing_events"] or default_listing_events(path)
        if events:
            # Through the command's own stream: rich would hard-wrap a long path at 80 columns.
            self.stderr.write(f"announcement days from {events}")
        with progress_bar(console, f"importing {path.name}", options["limit"], show) as tick:
            return import_jsonl(
                path, limit=options["limit"], listing_events=events, on_progress=tick
            )

    def _api(self, console: Console, show: bool, options: dict[str, Any]) -> IngestReport:
        ids = None
        if options["ids"]:
            try:
                ids = [normalize_id(item) for item in options["ids"].replace(",", " ").split()]
            except InvalidArxivId as exc:
                raise CommandError(str(exc)) from None
        with progress_bar(console, "arXiv API", options["max_results"], show) as tick:
            return import_api(
                query=options["query"],
                ids=ids,
                max_results=options["max_results"],
                page_size=options["page_size"],
                on_progress=tick,
            )

    def _oai(self, console: Console, show: bool, options: dict[str, Any]) -> IngestReport:
        with progress_bar(console, "OAI-PMH harvest", None, show) as tick:
            return harvest_oai(
                set_spec=options["set_spec"],
                from_date=options["from_date"],
                until_date=options["until_date"],
                metadata_prefix=options["metadata_prefix"],
                max_pages=options["max_pages"],
                on_progress=tick,
            )

    def _rss(self, console: Console, show: bool, options: dict[str, Any]) -> IngestReport:
        with progress_bar(console, "RSS listing", None, show) as tick:
            return import_rss(options["categories"], on_progress=tick)

    def _print_report(self, report: IngestReport) -> None:
        for reason in report.reasons:
            self.stderr.write(f"  skipped {reason}")
        if report.skipped > len(report.reasons):
            self.stderr.write(f"  … and {report.skipped - len(report.reasons):,} more skipped")
        self.stdout.write(report.summary_line())
