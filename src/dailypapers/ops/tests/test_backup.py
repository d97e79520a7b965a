"""`dailypapers backup` and `dailypapers restore`, run as an operator runs them, against
stores of their own (a SQLite folder, or scratch PostgreSQL databases named after the test
database on the PostgreSQL leg), while another process writes."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from dailypapers.testing.commands import run_dailypapers

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
_store_numbers = count(1)
WRITTEN = """
import json
from dailypapers.accounts.models import User
from dailypapers.digests.models import Subscriber
from dailypapers.feed.models import Comment, Vote
def numbers(values, prefix):
    return sorted(int(v[len(prefix):].split('@')[0]) for v in values if v.startswith(prefix))
print(json.dumps({
    'members': numbers(User.objects.values_list('email', flat=True), 'w'),
    'votes': numbers(Vote.objects.values_list('user__email', flat=True), 'w'),
    'comments': numbers(Comment.objects.values_list('body', flat=True), 'c'),
    'subscribers': numbers(Subscriber.objects.values_list('email', flat=True), 's'),
}))
"""


@dataclass
class Store:
    """One site's configuration: its data folder and database."""

    data_dir: Path
    database_url: str

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_dailypapers(list(args), self.data_dir, DATABASE_URL=self.database_url)

    def env(self) -> dict[str, str]:
        drop = {"DATABASE_URL", "REDIS_URL", "TASK_BACKEND", "SECRET_KEY"}
        clean = {key: value for key, value in os.environ.items() if key not in drop}
        return clean | {"DATA_DIR": str(self.data_dir), "DATABASE_URL": self.database_url}

    def written(self) -> dict[str, list[int]]:
        shown = self.run("shell", "-c", WRITTEN)
        assert shown.returncode == 0, shown.stderr
        return dict(json.loads(shown.stdout.strip().splitlines()[-1]))


def _postgres_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def _postgres_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(_postgres_url("postgres"), autocommit=True) as admin:
        admin.execute(sql)


@pytest.fixture(scope="module")
def new_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], Store]]:
    """Make brand-new, unmigrated stores: a SQLite file in a new folder, or a new
    PostgreSQL database named after the test database."""
    made: list[str] = []

    def make() -> Store:
        number = next(_store_numbers)
        folder = tmp_path_factory.mktemp(f"store{number}")
        if not ON_POSTGRES:
            return Store(folder, f"sqlite:///{folder}/db.sqlite3")
        name = f"test_{urlsplit(os.environ['DATABASE_URL']).path.lstrip('/')}_backup{number}"
        _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _postgres_admin(f'CREATE DATABASE "{name}"')
        made.append(name)
        return Store(folder, _postgres_url(name))

    yield make
    for name in made:
        _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrated(store: Store) -> Store:
    migrated = store.run("migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    return store


def _manifest(backup: Path) -> dict[str, object]:
    with tarfile.open(f"{backup}.data.tar") as archive:
        handle = archive.extractfile("manifest.json")
        assert handle is not None
        return dict(json.loads(handle.read()))


def _fingerprint(store: Store) -> object:
    """What a refused restore must leave alone: the SQLite file's bytes, or PG's rows."""
    if not ON_POSTGRES:
        return (store.data_dir / "db.sqlite3").read_bytes()
    return store.written()


class Writer:
    """The writing process: what it committed, and when."""

    def __init__(self, store: Store) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dailypapers.ops.tests.backup_writer"], env=store.env(),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "ready"
        self.commits: list[tuple[int, float]] = []

    def wait_for(self, commits: int) -> None:
        assert self.process.stdout is not None
        while len(self.commits) < commits:
            number, at = self.process.stdout.readline().split()
            self.commits.append((int(number), float(at)))

    def stop(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        for line in self.process.stdout:
            number, at = line.split()
            self.commits.append((int(number), float(at)))
        assert self.process.wait(timeout=30) == 0


@pytest.fixture(scope="module")
def source_with_backup(
    new_store: Callable[[], Store], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Store, Path, Writer, float, float]:
    """One store written to during its backup, shared by the tests below (migrating a new
    store takes seconds); the test that replaces it with --force comes last."""
    source = _migrated(new_store())
    writer = Writer(source)
    writer.wait_for(20)
    backup = tmp_path_factory.mktemp("backups") / "site.backup"
    started = time.time()
    made = source.run("backup", str(backup))
    finished = time.time()
    assert made.returncode == 0, made.stderr
    writer.wait_for(len(writer.commits) + 5)  # the writer was never stopped by the backup
    writer.stop()
    return source, backup, writer, started, finished


def test_a_backup_taken_during_writes_restores_every_write_committed_before_it_finished(
    new_store, source_with_backup
) -> None:
    source, backup, writer, started, finished = source_with_backup
    consistent_at = float(_manifest(backup)["consistent_at_unix"])
    assert started <= consistent_at <= finished
    committed = {number for number, at in writer.commits if at < consistent_at}
    assert committed, "nothing was committed before the backup"
    target = new_store()
    restored = target.run("restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    written = target.written()
    for kind in ("members", "votes", "comments", "subscribers"):
        assert committed <= set(written[kind]), f"{kind} committed before the backup are missing"
    # Whole transactions only: each restored member has their vote, comment and subscriber.
    assert written["members"] == written["votes"] == written["comments"] == written["subscribers"]
    assert set(written["members"]) <= {number for number, _ in writer.commits}
    assert "No migrations to apply" in target.run("migrate", "--noinput").stdout
    if not ON_POSTGRES:
        checked = sqlite3.connect(target.data_dir / "db.sqlite3")
        assert checked.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        checked.close()
    with_writes_during = [at for _, at in writer.commits if started < at < finished]
    assert with_writes_during, "the writer was blocked for the whole backup"


def test_restore_refuses_a_store_that_holds_data_without_force_and_changes_nothing(
    source_with_backup,
) -> None:
    source, backup, *_ = source_with_backup
    before = _fingerprint(source)
    refused = source.run("restore", str(backup))
    assert refused.returncode == 2
    assert "already holds data" in refused.stderr and "--force" in refused.stderr
    assert _fingerprint(source) == before


@pytest.mark.parametrize("damage", ["truncated", "garbage", "missing"])
def test_a_damaged_or_missing_backup_is_refused_and_the_store_is_untouched(
    source_with_backup, tmp_path: Path, damage: str
) -> None:
    source, backup, *_ = source_with_backup
    bad = tmp_path / f"{damage}.backup"
    if damage == "truncated":
        bad.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    elif damage == "garbage":
        bad.write_bytes(b"this is not a backup\n" * 100)
    before = _fingerprint(source)
    refused = source.run("restore", "--force", str(bad))
    assert refused.returncode == 1
    message = refused.stderr.strip().splitlines()[-1]
    assert {"truncated": "damaged", "garbage": "not a dailypapers backup",
            "missing": "no backup at"}[damage] in message  # fmt: skip
    assert _fingerprint(source) == before


def test_a_backup_of_the_other_engine_is_refused_with_the_reason(
    source_with_backup, tmp_path: Path
) -> None:
    source, *_ = source_with_backup
    foreign = tmp_path / "foreign.backup"
    # The first bytes of the other engine's format, then nothing usable.
    foreign.write_bytes((b"SQLite format 3\x00" if ON_POSTGRES else b"PGDMP\x01\x0e\x00") * 64)
    refused = source.run("restore", "--force", str(foreign))
    assert refused.returncode == 1
    assert ("SQLite backup" if ON_POSTGRES else "PostgreSQL backup") in refused.stderr


def test_a_backup_of_an_older_schema_restores_and_then_migrates(new_store, tmp_path: Path) -> None:
    older = new_store()
    partly = older.run("migrate", "--noinput", "papers")
    assert partly.returncode == 0, partly.stderr
    backup = tmp_path / "older.backup"
    assert older.run("backup", str(backup)).returncode == 0
    target = new_store()
    restored = target.run("restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "run `dailypapers migrate`" in restored.stdout
    migrated = target.run("migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    assert "No migrations to apply" in target.run("migrate", "--noinput").stdout


def test_restore_with_force_replaces_the_store_with_the_backup(source_with_backup) -> None:
    source, backup, writer, *_ = source_with_backup
    assert len(source.written()["members"]) == len(writer.commits)  # more than the backup
    forced = source.run("restore", "--force", str(backup))
    assert forced.returncode == 0, forced.stderr
    consistent_at = float(_manifest(backup)["consistent_at_unix"])
    members = set(source.written()["members"])
    assert {number for number, at in writer.commits if at < consistent_at} <= members
    assert len(members) < len(writer.commits)
