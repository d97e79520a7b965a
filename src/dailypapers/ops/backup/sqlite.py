"""SQLite: copies through the online backup API, restores that swap in as one transaction.

A backup copies a snapshot in steps while writers carry on (WAL: readers never block them),
then takes the write lock only if something was committed meanwhile, for one last pass from
a warm page cache: the copy holds every transaction committed before the backup finished.
A restore first copies the backup to a scratch file beside the database and checks it, so a
damaged file is refused before the store is touched; the checked copy then goes in through
the backup API, a single transaction (other connections see the old database or the new).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from dailypapers.ops.backup.layout import BackupError

# bytes done, bytes in all
Progress = Callable[[int, int], None]

PAGES_PER_STEP = 1024  # 4 MB at the default page size
STEP_PAUSE_SECONDS = 0.001
# Rows Django writes into any freshly migrated database: they say nothing about its content.
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})


@dataclass(frozen=True)
class SqliteBackup:
    pages: int
    page_size: int
    consistent_at: float  # time.time() at which the copy equals the database
    writers_waited: float  # seconds the last pass held the write lock (0: nothing to catch up)
    snapshot_seconds: float  # the stepped copy, writers free
    check_seconds: float


@contextlib.contextmanager
def _connect(path: Path | str, *, uri: bool = False) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path, uri=uri, isolation_level=None, timeout=60)
    try:
        yield connection
    finally:
        connection.close()


def _scratch_beside(path: Path, purpose: str) -> Path:
    scratch = path.with_name(f".{path.name}.{purpose}-{os.getpid()}")
    _remove_with_journals(scratch)
    return scratch


def _remove_with_journals(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _step_progress(
    on_progress: Progress | None, connection: sqlite3.Connection
) -> Callable[[int, int, int], None] | None:
    if on_progress is None:
        return None
    size = int(connection.execute("PRAGMA page_size").fetchone()[0])
    return lambda _status, remaining, total: on_progress((total - remaining) * size, total * size)


def _check_integrity(connection: sqlite3.Connection, what: str, *, full: bool = True) -> None:
    # quick_check: every page and b-tree, not whether each index matches its table (O(N)).
    pragma = "integrity_check(5)" if full else "quick_check(5)"
    problems = [row[0] for row in connection.execute(f"PRAGMA {pragma}")]
    if problems != ["ok"]:
        raise BackupError(f"{what} failed its integrity check: {'; '.join(problems)}")


def _copy(reader: sqlite3.Connection, scratch: Path, on_progress: Progress | None) -> None:
    """Copy into a new file: a file that was copied into once already carries the source's
    WAL flag, and a second pass into it would go through a journal of the whole database."""
    _remove_with_journals(scratch)
    with _connect(scratch) as copy:
        if on_progress is None:
            reader.backup(copy)
        else:
            reader.backup(copy, pages=PAGES_PER_STEP, sleep=STEP_PAUSE_SECONDS,
                          progress=_step_progress(on_progress, reader))  # fmt: skip


def backup(
    source: Path, target: Path, on_progress: Progress | None = None, *, full_check: bool = True
) -> SqliteBackup:
    snapshot, final = _scratch_beside(target, "partial"), _scratch_beside(target, "final")
    try:
        with _connect(source) as reader:
            # data_version moves when another connection commits: read before the snapshot,
            # it can only over-report, which costs an unneeded last pass, never a lost write.
            version = reader.execute("PRAGMA data_version").fetchone()[0]
            copy_started = time.monotonic()
            reader.execute("BEGIN")  # one snapshot for every step: no restarts under writes
            reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
            _copy(reader, snapshot, on_progress or (lambda _done, _total: None))
            reader.execute("COMMIT")
            snapshot_seconds = time.monotonic() - copy_started
            result, writers_waited = snapshot, 0.0
            with _connect(source) as lock:
                lock.execute("BEGIN IMMEDIATE")  # writers queue (busy_timeout); readers don't
                try:
                    if reader.execute("PRAGMA data_version").fetchone()[0] != version:
                        started = time.monotonic()
                        _copy(reader, final, None)  # the latest commit, in one step
                        writers_waited = time.monotonic() - started
                        result = final
                    consistent_at = time.time()
                finally:
                    lock.execute("ROLLBACK")
        with _connect(result) as copy:
            # A single file, readable without -wal/-shm companions wherever it is copied.
            copy.execute("PRAGMA journal_mode=DELETE")
            check_started = time.monotonic()
            _check_integrity(copy, "the copy", full=full_check)
            check_seconds = time.monotonic() - check_started
            pages = copy.execute("PRAGMA page_count").fetchone()[0]
            page_size = copy.execute("PRAGMA page_size").fetchone()[0]
        with result.open("rb") as written:
            os.fsync(written.fileno())
        result.chmod(0o600)  # password hashes, tokens, addresses
        os.replace(result, target)
    except sqlite3.Error as exc:
        raise BackupError(f"could not copy the database {source}: {exc}") from None
    finally:
        _remove_with_journals(snapshot)
        _remove_with_journals(final)
    return SqliteBackup(pages, page_size, consistent_at, writers_waited, snapshot_seconds,
                        check_seconds)  # fmt: skip


def tables_with_rows(database: Path) -> list[str]:
    """The tables of ``database`` that hold rows beyond a bare ``migrate`` (none: empty)."""
    if not database.exists() or database.stat().st_size == 0:
        return []
    try:
        with _connect(database.resolve().as_uri() + "?mode=ro", uri=True) as connection:
            rows = connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            ).fetchall()
            virtual = [
                name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")
            ]
            found = []
            for name, _sql in rows:
                derived = any(name == v or name.startswith(f"{v}_") for v in virtual)
                if derived or name in BOOKKEEPING_TABLES:
                    continue  # full-text indexes follow the tables they index
                quoted = name.replace('"', '""')
                if connection.execute(f'SELECT EXISTS (SELECT 1 FROM "{quoted}")').fetchone()[0]:
                    found.append(name)
            return found
    except sqlite3.DatabaseError as exc:
        return [f"(not a readable SQLite database: {exc})"]


def restore(backup_file: Path, database: Path, on_progress: Progress | None = None) -> int:
    """Put ``backup_file`` in place of ``database``; the pages restored."""
    scratch = _scratch_beside(database, "restoring")
    try:
        # immutable: the backup is read as a plain file, no -shm beside it is made or needed.
        source = backup_file.resolve().as_uri() + "?mode=ro&immutable=1"
        with _connect(source, uri=True) as original, _connect(scratch) as checked:
            original.backup(
                checked, pages=PAGES_PER_STEP, progress=_step_progress(on_progress, original)
            )
            _check_integrity(checked, str(backup_file))
            if not checked.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'"
            ).fetchone():
                raise BackupError(f"{backup_file} is a SQLite file but not a dailypapers database")
            pages = checked.execute("PRAGMA page_count").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        _remove_with_journals(scratch)
        raise BackupError(f"{backup_file} is damaged ({exc}); nothing was changed") from None
    except BaseException:
        _remove_with_journals(scratch)
        raise
    try:
        with _connect(scratch) as checked, _connect(database) as live:
            checked.backup(live)
            live.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as exc:
        raise BackupError(f"could not write {database} ({exc}); it was left as it was") from None
    finally:
        _remove_with_journals(scratch)
    return int(pages)
