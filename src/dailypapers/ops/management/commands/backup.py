"""`dailypapers backup PATH`: the database to PATH, the data folder's own state to
PATH.data.tar (see dailypapers.ops.backup for what is kept and what is rebuilt)."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from dailypapers.ops.backup import datafolder, postgres, sqlite
from dailypapers.ops.backup.layout import BackupError, data_archive, human_bytes
from dailypapers.ops.backup.progress import byte_progress


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="milliseconds")


class Command(BaseCommand):
    help = "Back up the database to PATH and the data folder's own state to PATH.data.tar."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="the backup file to write (replaced if there)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--quick-check", action="store_true",
            help="SQLite: check the copy's pages and b-trees only (PRAGMA quick_check, about"
            " 5 times faster), not that every index matches its table",
        )  # fmt: skip

    def handle(self, *args: Any, path: Path, no_progress: bool = False,
               quick_check: bool = False, **options: Any) -> None:  # fmt: skip
        target = path.expanduser().resolve()
        if target.is_dir():
            raise CommandError(
                f"{target} is a folder: name a file in it, e.g. {target}/site.backup"
            )
        if not target.parent.is_dir():
            raise CommandError(f"the folder {target.parent} does not exist")
        started, began_at = time.monotonic(), time.time()
        try:
            manifest = self._database(target, began_at, not no_progress, quick_check)
            applied = MigrationRecorder(connection).applied_migrations()
            manifest["migrations"] = len(applied)
            data_bytes = datafolder.write(Path(settings.DATA_DIR), data_archive(target), manifest)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        seconds = time.monotonic() - started
        waited = manifest.get("writers_waited_seconds")
        self.stdout.write(
            f"backup: {connection.vendor} database {human_bytes(manifest['database_bytes'])}"
            f" -> {target}, data folder {human_bytes(data_bytes)} -> {data_archive(target).name}"
            f" in {seconds:.1f} s"
            + (f" (writers waited {waited:.2f} s for the last pass)" if waited else "")
        )

    def _database(
        self, target: Path, began_at: float, show: bool, quick_check: bool
    ) -> dict[str, Any]:
        database = settings.DATABASES["default"]
        manifest: dict[str, Any] = {"format": 1, "engine": connection.vendor,
                                    "started_at": _iso(began_at)}  # fmt: skip
        if connection.vendor == "sqlite":
            with byte_progress("copying the database", show) as tick:
                copied = sqlite.backup(Path(database["NAME"]), target, tick,
                                       full_check=not quick_check)  # fmt: skip
            manifest |= {"consistent_at": _iso(copied.consistent_at),
                         "consistent_at_unix": copied.consistent_at,
                         "writers_waited_seconds": round(copied.writers_waited, 3),
                         "snapshot_seconds": round(copied.snapshot_seconds, 3),
                         "check_seconds": round(copied.check_seconds, 3),
                         "check": "quick_check" if quick_check else "integrity_check"}  # fmt: skip
        elif connection.vendor == "postgresql":
            # pg_dump's snapshot is taken as it starts: what was committed before it began.
            with byte_progress("pg_dump", show) as tick:
                postgres.backup(database, target, lambda done: tick(done, None))
            manifest |= {"consistent_at": _iso(began_at), "consistent_at_unix": began_at}
        else:
            raise CommandError(f"backups of {connection.vendor} databases are not supported")
        manifest["database_bytes"] = target.stat().st_size
        manifest["finished_at"] = _iso(time.time())
        return manifest
