"""`dailypapers keyword_index [--check] [--catch-up]`: rebuild the embedded keyword index
(Tantivy), apply the papers' changes since it was last in step, or say whether it is in step
with the database. Searches use it only when it is (keyword_index.py)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dailypapers.search import keyword_build, keyword_index


class Command(BaseCommand):
    help = "Rebuild the embedded keyword index, or --check whether it is in step."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--check", action="store_true", help="only say whether it is in step")
        parser.add_argument("--catch-up", action="store_true",
                            help="apply the changes since the index's sequence (what the "
                                 "worker does); a full build only when needed")  # fmt: skip

    def handle(
        self, *args: Any, check: bool = False, catch_up: bool = False, **options: Any
    ) -> None:
        if not keyword_index.enabled(connection):
            self.stdout.write("keyword index: off (KEYWORD_INDEX=off, or no tantivy)")
            return
        in_step = keyword_index.index_stamp() == keyword_index.database_stamp(connection)
        if check:
            self.stdout.write(f"keyword index: {'in step' if in_step else 'out of step'} "
                              f"({keyword_index.folder()})")  # fmt: skip
            if not in_step:
                raise CommandError("out of step: run `dailypapers keyword_index` to rebuild it")
            return
        if catch_up:
            done = keyword_build.catch_up(connection)
            if done is None:
                raise CommandError("another writer is running (lock held); try again later")
            what, papers, seconds = done
            self.stdout.write(f"keyword index: {what}, {papers:,} papers in {seconds:.1f} s")
            return
        built = keyword_build.rebuild(connection)
        if built is None:
            raise CommandError("another rebuild is running (lock held); try again later")
        papers, seconds = built
        self.stdout.write(f"keyword index: {papers:,} papers in {seconds:.1f} s "
                          f"({keyword_index.folder()})")  # fmt: skip
