"""`dailypapers restore PATH [--force]`: put a backup made by `dailypapers backup` in place.

Refuses (exit status 2, nothing touched) when the configured database already holds data,
unless --force. A missing, damaged or foreign file is refused before anything is changed.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

from dailypapers.core.filecache import SharedFileCache
from dailypapers.ops.backup import datafolder, postgres, sqlite
from dailypapers.ops.backup.layout import BackupError, Kind, data_archive, human_bytes, sniff
from dailypapers.ops.backup.progress import byte_progress

ENGINES = {"sqlite": Kind.SQLITE, "postgresql": Kind.POSTGRES}


class Command(BaseCommand):
    help = "Restore a backup written by `dailypapers backup` into the configured store."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="the backup file (PATH.data.tar beside it)")
        parser.add_argument("--force", action="store_true",
                            help="replace a database that already holds data")  # fmt: skip
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, path: Path, force: bool = False, no_progress: bool = False,
               **options: Any) -> None:  # fmt: skip
        started = time.monotonic()
        backup_file = path.expanduser().resolve()
        data_dir = Path(settings.DATA_DIR)
        try:
            kind = sniff(backup_file)
            here = ENGINES.get(connection.vendor)
            if here is None:
                raise BackupError(f"restores into {connection.vendor} are not supported")
            if kind is not here:
                raise BackupError(
                    f"{backup_file} is a {kind.value} backup but this site's database is"
                    f" {here.value} (DATABASE_URL): restore it into a {kind.value} store"
                )
            archive = data_archive(backup_file)
            manifest = datafolder.read_manifest(archive) if archive.exists() else None
            occupied = self._tables_with_rows()
            if occupied and not force:
                shown = ", ".join(occupied[:3]) + (", …" if len(occupied) > 3 else "")
                raise CommandError(
                    f"{self._where()} already holds data ({shown}): nothing was changed;"
                    " add --force to replace it with the backup",
                    returncode=2,
                )
            connections.close_all()
            restored_bytes = self._restore_database(backup_file, not no_progress)
            kept = datafolder.restore(archive, data_dir) if manifest else []
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        dropped = datafolder.forget_rebuilt(data_dir)
        cache = caches["default"]
        if isinstance(cache, SharedFileCache):
            cache.clear()  # cached pages of the replaced store (Redis entries just expire)
        if manifest is None:
            self.stderr.write(f"no {archive.name} beside the backup: the data folder (secret"
                              " key, outbox) was left as it was")  # fmt: skip
        executor = MigrationExecutor(connection)
        pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        self.stdout.write(
            f"restore: {human_bytes(restored_bytes)} from {backup_file} into {self._where()}"
            f"{', data folder: ' + ', '.join(kept) if kept else ''}"
            f" in {time.monotonic() - started:.1f} s"
            + (f"; rebuilt later from the database: {', '.join(dropped)}" if dropped else "")
        )
        if pending:
            self.stdout.write(f"{pending} migrations are newer than the backup:"
                              " run `dailypapers migrate`")  # fmt: skip

    def _where(self) -> str:
        database = settings.DATABASES["default"]
        if connection.vendor == "sqlite":
            return f"the database {database['NAME']}"
        return f"the database {database['NAME']} on {database.get('HOST') or 'localhost'}"

    def _tables_with_rows(self) -> list[str]:
        if connection.vendor == "sqlite":
            return sqlite.tables_with_rows(Path(settings.DATABASES["default"]["NAME"]))
        return postgres.tables_with_rows(connection)

    def _restore_database(self, backup_file: Path, show: bool) -> int:
        database = settings.DATABASES["default"]
        if connection.vendor == "sqlite":
            with byte_progress("checking and restoring", show) as tick:
                sqlite.restore(backup_file, Path(database["NAME"]), tick)
        else:
            with byte_progress("pg_restore", show) as tick:
                postgres.restore(database, backup_file, lambda done: tick(done, None))
        return backup_file.stat().st_size
