"""What a backup file is, told from its first bytes, and where its companion archive lives."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
DATA_SUFFIX = ".data.tar"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is the operator's one line."""


class Kind(Enum):
    SQLITE = "SQLite"
    POSTGRES = "PostgreSQL"


def data_archive(path: Path) -> Path:
    return path.with_name(path.name + DATA_SUFFIX)


def sniff(path: Path) -> Kind:
    """The kind of database backup at ``path``, or BackupError saying why it is none."""
    if not path.exists():
        raise BackupError(f"no backup at {path}")
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return Kind.SQLITE
    if head.startswith(PG_CUSTOM_MAGIC):
        return Kind.POSTGRES
    raise BackupError(
        f"{path} is not a dailypapers backup (neither a SQLite database nor a pg_dump"
        " custom-format archive)"
    )


def human_bytes(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")
