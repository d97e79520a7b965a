"""`dailypapers embed`: compute the vectors of papers that lack one, then save the index.

Batched (a transaction per batch), resumable (papers already embedded with the active
embedder are skipped, so an interrupted run picks up where it stopped), with progress.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import IO, Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from rich.console import Console

from dailypapers.papers.management.commands.ingest import positive, progress_bar
from dailypapers.search import backends, semantic, vectors
from dailypapers.search.embedding import embed_papers, pending_ids


class Command(BaseCommand):
    help = "Embed papers that have no vector yet (resumable), and save the vector index."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--limit", type=positive, help="embed at most this many papers")
        parser.add_argument("--batch-size", type=positive, default=None)
        parser.add_argument("--status", action="store_true", help="only say what is embedded")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--no-index", action="store_true", help="do not rebuild the saved vector index"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # OutputWrapper is a TextIOBase: it writes text like the IO[str] rich asks for (tests
        # capture the command's stdout through it), though typeshed keeps the two apart.
        console = Console(file=cast(IO[str], self.stdout), highlight=False, soft_wrap=True)
        if settings.EMBEDDING_MODEL and not semantic.semantic_enabled():
            raise CommandError(semantic.unavailable_reason())
        state = semantic.status()
        console.print(self._describe(state))
        if options["status"]:
            return
        embedder = semantic.active_embedder()
        todo = pending_ids(embedder.name, options["limit"])
        batch_size = options["batch_size"] or settings.EMBEDDING_BATCH_SIZE
        started = time.monotonic()
        enabled = not options["no_progress"] and bool(todo)
        with progress_bar(console, f"embed ({embedder.name})", len(todo), enabled) as advance:
            written = embed_papers(todo, embedder, batch_size=batch_size, on_progress=advance)
        seconds = time.monotonic() - started
        rate = written / seconds if seconds > 0 else 0.0
        console.print(
            f"embed: {written:,} papers embedded with {embedder.name} in {seconds:.1f} s "
            f"({rate:,.1f} papers/s); {len(pending_ids(embedder.name)):,} still without a vector"
        )
        backend = backends.current(connection)
        if backend is not None and backend.ensure_statistics():
            console.print("analyzed papers_paper: word statistics for hybrid search")
        if not options["no_index"]:
            started = time.monotonic()
            index = vectors.build(embedder.name, embedder.dim)
            kind = semantic.describe(index)
            console.print(
                f"index: {len(index):,} vectors ({kind}) in {time.monotonic() - started:.1f} s"
            )

    def _describe(self, state: semantic.Status) -> str:
        if state.semantic:
            head = f"semantic search: on ({state.embedder}, {state.dim} dimensions)"
        else:
            head = (
                f"semantic search: off ({state.reason}); keyword search only, related papers "
                f"by shared words ({state.embedder})"
            )
        lines = [head, f"vectors: {state.embedded:,} of {state.papers:,} papers"]
        for model, count in state.other_models.items():
            lines.append(f"  {count:,} older vectors of {model} (replaced as papers are embedded)")
        return "\n".join(lines)
