"""The data folder's state that the database cannot rebuild, as ``PATH.data.tar``.

Kept: ``secret_key`` (the generated key signs digest, feed and unsubscribe links and
sessions), ``outbox/`` (mail kept locally when no SMTP is configured: a log of what was
sent) and ``imported-samples.json``. Left out, rebuilt from the database: ``vectors/``,
``keyword-index/``, ``cache/``, ``models/``, ``static/``.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

from dailypapers.ops.backup.layout import BackupError

KEPT_FILES = ("secret_key", "imported-samples.json")
KEPT_FOLDERS = ("outbox",)
MANIFEST = "manifest.json"
# Derived from the database: after a restore they describe the store that was replaced.
REBUILT_FOLDERS = ("vectors", "keyword-index")


def write(data_dir: Path, target: Path, manifest: dict[str, Any]) -> int:
    """Write the archive (atomically, mode 0600: it holds the secret key); its size."""
    scratch = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        with tarfile.open(scratch, "w") as archive:
            body = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(body), 0o600, int(time.time())
            archive.addfile(info, io.BytesIO(body))
            for name in (*KEPT_FILES, *KEPT_FOLDERS):
                if (data_dir / name).exists():
                    archive.add(data_dir / name, arcname=name)
        scratch.chmod(0o600)
        os.replace(scratch, target)
    except BaseException:
        scratch.unlink(missing_ok=True)
        raise
    return target.stat().st_size


def _allowed(member: tarfile.TarInfo) -> bool:
    top = member.name.split("/", 1)[0]
    return (member.isfile() or member.isdir()) and (
        member.name in (MANIFEST, *KEPT_FILES) or top in KEPT_FOLDERS
    )


def read_manifest(archive_path: Path) -> dict[str, Any]:
    """The archive's manifest, checking every member first (BackupError if unusable)."""
    try:
        with tarfile.open(archive_path, "r") as archive:
            members = archive.getmembers()
            strange = [m.name for m in members if not _allowed(m)]
            if strange:
                raise BackupError(f"{archive_path} holds unexpected entries: {strange[:3]}")
            handle = archive.extractfile(MANIFEST)
            if handle is None:
                raise BackupError(f"{archive_path} has no {MANIFEST}")
            return dict(json.loads(handle.read()))
    except (tarfile.TarError, KeyError, ValueError, EOFError) as exc:
        raise BackupError(f"{archive_path} is damaged ({exc}); nothing was changed") from None


def restore(archive_path: Path, data_dir: Path) -> list[str]:
    """Put the archive's files in place (each swapped in whole); the names restored."""
    data_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restoring-", dir=data_dir))
    try:
        with tarfile.open(archive_path, "r") as archive:
            archive.extractall(staging, filter="data")
        restored = []
        for name in (*KEPT_FILES, *KEPT_FOLDERS):
            incoming = staging / name
            if not incoming.exists():
                continue
            current = data_dir / name
            if current.is_dir():
                shutil.rmtree(current)
            os.replace(incoming, current)
            restored.append(name)
        return restored
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def forget_rebuilt(data_dir: Path) -> list[str]:
    """Remove the derived folders, which described the replaced store; the names removed."""
    removed = []
    for name in REBUILT_FOLDERS:
        if (data_dir / name).is_dir():
            shutil.rmtree(data_dir / name)
            removed.append(name)
    return removed
