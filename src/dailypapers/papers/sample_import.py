"""`make run SAMPLE=FILE` imports a file once: a record of what was imported, and when.

After a successful import the file's size, modification time and a digest of its first
megabyte are kept in ``DATA_DIR/imported-samples.json``, per database; the next start
compares them (a stat and a 1 MB read: milliseconds) and skips an unchanged file. A
changed file, another database, or an empty one imports again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings

RECORD_NAME = "imported-samples.json"
HEAD_BYTES = 1 << 20


def fingerprint(path: Path) -> dict[str, object]:
    stat = path.stat()
    with path.open("rb") as handle:
        head = hashlib.sha256(handle.read(HEAD_BYTES)).hexdigest()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "head_sha256": head}


def _record_path() -> Path:
    return Path(settings.DATA_DIR) / RECORD_NAME


def _key(path: Path) -> str:
    database = settings.DATABASES["default"]
    where = f"{database['ENGINE']}:{database.get('HOST') or ''}:{database['NAME']}"
    return f"{where}|{path.resolve()}"


def _load() -> dict[str, dict[str, object]]:
    try:
        return json.loads(_record_path().read_text())
    except (OSError, ValueError):
        return {}


def already_imported(path: Path) -> bool:
    return _load().get(_key(path)) == fingerprint(path)


def remember(path: Path) -> None:
    """Note a successful import of ``path`` (best effort: a failure only costs a re-import)."""
    record = _load()
    record[_key(path)] = fingerprint(path)
    target = _record_path()
    try:
        partial = target.with_suffix(".tmp")
        partial.write_text(json.dumps(record, indent=1))
        partial.replace(target)
    except OSError:
        pass
