"""The vector index of one model: saved once per machine, mapped by every process.

Vectors live in the database (search_paperembedding); the index is derived from it.
``dailypapers embed`` builds it (``build``): 8-bit codes in a faiss file (an inverted file
from VECTOR_IVF_FROM vectors when the vectors cluster, vector_store.py) with the filter
arrays beside it, in a folder of its own under DATA_DIR/vectors/<model>/, then names that
folder in ``current.json`` (written to a temporary name and renamed, so a crash leaves the
previous index whole). Every process maps those files read-only: one copy in the page
cache for the machine, not one per worker.

Vectors stored after the build are added without rebuilding (``add_newer``, run by the
embedding task after each chunk): every vector newer than the main segment goes into a
small flat segment, written the same way and named in ``current.json`` beside it. What is
newer still (written since the last add) a process reads from the database itself and
searches alongside. Filters apply inside the index; callers check their final candidates
against the database, which catches a paper changed or deleted since.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection

from dailypapers.core.cache_guard import cache_get, cache_set
from dailypapers.search.vector_index import Segment, Snapshot, VectorIndex, day_number
from dailypapers.search.vector_store import Codes

logger = logging.getLogger(__name__)
TABLE = "search_paperembedding"
CURRENT = "current.json"


def newest_write(model: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(embedded_at) FROM {TABLE} WHERE model = %s", [model])
        (newest,) = cursor.fetchone()
    if isinstance(newest, datetime):
        newest = newest.isoformat()
    return str(newest or "")


@dataclass
class Rows:
    """Vectors read from the database, in ascending paper id order."""

    ids: list[int] = field(default_factory=list)
    blobs: list[bytes] = field(default_factory=list)
    days: list[int] = field(default_factory=list)
    code: list[bool] = field(default_factory=list)
    listed: dict[str, list[int]] = field(default_factory=dict)

    def vectors(self, dim: int) -> np.ndarray:
        if not self.ids:
            return np.zeros((0, dim), dtype=np.float32)
        raw = np.frombuffer(b"".join(self.blobs), dtype="<f2")
        return raw.astype(np.float32).reshape(len(self.ids), dim)

    def arrays(self) -> dict[str, np.ndarray]:
        names = sorted(self.listed)
        flat = [np.asarray(self.listed[name], dtype=np.int64) for name in names]
        return {
            "ids": np.asarray(self.ids, dtype=np.int64),
            "days": np.asarray(self.days, dtype=np.int32),
            "has_code": np.asarray(self.code, dtype=bool),
            "category_rows": np.concatenate(flat) if flat else np.zeros(0, np.int64),
            "category_sizes": np.asarray([len(rows) for rows in flat], dtype=np.int64),
        }


def read_rows(model: str, since: str | None = None) -> Rows:
    sql = (
        f"SELECT e.paper_id, e.vector, p.announced_on, p.has_code, p.categories "
        f"FROM {TABLE} e JOIN papers_paper p ON p.id = e.paper_id WHERE e.model = %s"
    )
    params: list[str] = [model]
    if since:
        sql += " AND e.embedded_at > %s"
        params.append(since)
    rows = Rows()
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY e.paper_id", params)
        for row, (pk, blob, announced_on, has_code, categories) in enumerate(cursor):
            rows.ids.append(pk)
            rows.blobs.append(bytes(blob))
            rows.days.append(day_number(announced_on))
            rows.code.append(bool(has_code))
            for category in (categories or "").split():
                rows.listed.setdefault(category, []).append(row)
    return rows


def _segment(codes: Codes, arrays: dict[str, np.ndarray], names: list[str]) -> Segment:
    bounds = np.concatenate([[0], np.cumsum(arrays["category_sizes"])])
    rows = arrays["category_rows"]
    return Segment(
        ids=arrays["ids"],
        codes=codes,
        days=arrays["days"],
        has_code=arrays["has_code"],
        categories={name: rows[bounds[i] : bounds[i + 1]] for i, name in enumerate(names)},
    )


def in_memory(rows: Rows, dim: int) -> Segment:
    """A segment searched exactly, from rows just read (never saved)."""
    return _segment(Codes.flat(rows.vectors(dim)), rows.arrays(), sorted(rows.listed))


def read_index(model: str, dim: int) -> VectorIndex:
    """Every stored vector of ``model`` read from the database (no saved copy needed)."""
    newest = newest_write(model)
    rows = read_rows(model)
    return VectorIndex(model, [in_memory(rows, dim)], Snapshot(len(rows.ids), newest))


# -- the saved copy under DATA_DIR/vectors/<model>/ ------------------------------------------


def index_dir(model: str) -> Path:
    safe = "".join(char if char.isalnum() or char in "-_." else "_" for char in model)
    return Path(settings.DATA_DIR) / "vectors" / safe


def _database() -> str:
    return f"{connection.vendor}:{connection.settings_dict['NAME']}"


@contextlib.contextmanager
def _writing(model: str) -> Iterator[Path]:
    """One writer at a time per model (``embed`` and the workers' adds)."""
    folder = index_dir(model)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_segment(folder: Path, codes: Codes, rows: Rows) -> dict[str, object]:
    """A new segment folder, complete before anything names it."""
    name = f"{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(4)}"
    target = folder / name
    target.mkdir()
    codes.save(target / "codes.faiss")
    for array_name, array in rows.arrays().items():
        np.save(target / f"{array_name}.npy", array, allow_pickle=False)
    return {"folder": name, "count": len(rows.ids), "categories": sorted(rows.listed),
            "measured_recall": codes.measured_recall}  # fmt: skip


def _publish(folder: Path, segments: list[dict[str, object]], newest: str, count: int) -> None:
    current = {"database": _database(), "newest": newest, "count": count, "segments": segments}
    temporary = folder / f"{CURRENT}.{secrets.token_hex(4)}.tmp"
    temporary.write_text(json.dumps(current))
    temporary.replace(folder / CURRENT)  # atomic: readers see the old index or the new
    named = {str(segment["folder"]) for segment in segments}
    for child in folder.iterdir():
        # Processes still mapping a removed file keep it until they reload.
        if child.is_dir() and child.name not in named:
            shutil.rmtree(child, ignore_errors=True)
        elif child.is_file() and child.name not in (CURRENT, ".lock"):
            # Temporary files of a crashed write, and the arrays of the format before
            # issue 15 (meta.json and .npy files beside current.json).
            child.unlink(missing_ok=True)


def build(model: str, dim: int, approximate: bool | None = None) -> VectorIndex:
    """Read every vector of ``model`` from the database, save the index (what `embed` runs)
    and return it as other processes will map it."""
    newest = newest_write(model)
    rows = read_rows(model)
    if approximate is None:
        approximate = len(rows.ids) >= settings.VECTOR_IVF_FROM
    codes = Codes.build(rows.vectors(dim), approximate=approximate)
    with _writing(model) as folder:
        main = _write_segment(folder, codes, rows) | {"newest": newest}
        _publish(folder, [main], newest, len(rows.ids))
    forget()
    saved = load_saved(model)
    assert saved is not None, "the index just saved could not be read"
    return saved


# The added segment is rewritten whole at each add and scored whole at each search: past a
# tenth of the main segment (and this floor), the next add rebuilds everything instead.
REBUILD_FROM = 20_000
REBUILD_SHARE = 10


def add_newer(model: str, dim: int) -> int:
    """Save the vectors stored after the main segment as a segment of their own (flat, the
    cost of the newer rows only); the number of rows it holds (0: nothing saved yet, or
    nothing newer). ``embed``, or an add that finds the newer rows past a tenth of the
    main segment, folds them into the main segment."""
    with _writing(model) as folder:
        current = _read_current(folder)
        if current is None or not current["segments"]:
            return 0
        main = current["segments"][0]
        since = str(main["newest"])
        newest = newest_write(model)
        if newest == current["newest"]:
            return 0
        rows = read_rows(model, since=since)
        if len(rows.ids) > max(REBUILD_FROM, int(main["count"]) // REBUILD_SHARE):
            rebuild = True
        else:
            rebuild = False
            segments = [main]
            if rows.ids:
                added = _write_segment(folder, Codes.flat(rows.vectors(dim)), rows)
                segments.append(added)
            _publish(folder, segments, newest, int(main["count"]) + len(rows.ids))
    if rebuild:
        build(model, dim)
    changed(model)
    return len(rows.ids)


def _read_current(folder: Path) -> dict | None:
    try:
        current = json.loads((folder / CURRENT).read_text())
    except (OSError, ValueError):
        return None
    if current.get("database") != _database():
        return None  # saved for another database (a test run, a copy of DATA_DIR)
    return current


def _open_segment(folder: Path, meta: dict) -> Segment:
    where = folder / str(meta["folder"])
    arrays = {
        name: np.load(where / f"{name}.npy", mmap_mode="r", allow_pickle=False)
        for name in ("ids", "days", "has_code", "category_rows", "category_sizes")
    }
    codes = Codes.open(where / "codes.faiss", float(meta.get("measured_recall") or 0))
    if not len(arrays["ids"]) == len(arrays["days"]) == len(codes) == int(meta["count"]):
        raise ValueError(f"segment {where} is incomplete")
    return _segment(codes, arrays, list(meta["categories"]))


def load_saved(model: str) -> VectorIndex | None:
    """The saved index, mapped; None when there is none (or it is damaged or for another
    database): the caller reads the database instead."""
    folder = index_dir(model)
    for _ in range(2):  # a writer may remove a folder between reading current.json and it
        current = _read_current(folder)
        if current is None:
            return None
        try:
            segments = [_open_segment(folder, meta) for meta in current["segments"]]
        except FileNotFoundError:
            continue
        except (OSError, ValueError, KeyError, RuntimeError) as error:
            logger.warning("the saved vector index of %s is unusable (%s)", model, error)
            return None
        snapshot = Snapshot(count=int(current["count"]), newest=str(current["newest"]))
        return VectorIndex(model, segments, snapshot)
    return None


def _with_newer(saved: VectorIndex, model: str, dim: int, newest: str) -> VectorIndex:
    """The saved index plus the vectors stored after it, read into this process."""
    newer = read_rows(model, since=saved.snapshot.newest)
    if not newer.ids:
        return saved
    snapshot = Snapshot(count=saved.snapshot.count + len(newer.ids), newest=newest)
    return VectorIndex(model, [*saved.segments, in_memory(newer, dim)], snapshot)


_lock = threading.Lock()
_cached: dict[str, tuple[VectorIndex, float, str]] = {}  # model -> index, checked, generation


def _generation_key(model: str) -> str:
    return f"search:vectors:{connection.settings_dict['NAME']}:{model}"


def generation(model: str) -> str:
    return str(cache_get(_generation_key(model), ""))


def changed(model: str) -> None:
    """Say that vectors of ``model`` were written: indexes sharing this cache reload at once.

    A fresh random token rather than a counter, so a cleared or evicted cache can never
    bring back a value an index was built at. Processes that share no cache (the
    local-memory default) notice within VECTOR_INDEX_CHECK_SECONDS, when they compare the
    table's newest row.
    """
    # Unsaid while the cache is down: indexes notice by the table check instead.
    cache_set(_generation_key(model), secrets.token_hex(8), timeout=None)


def current(model: str, dim: int) -> VectorIndex:
    """This process's view of the index of ``model``, reopened when vectors have changed."""
    with _lock:
        found = _cached.get(model)
        now = time.monotonic()
        seen = generation(model)
        if (
            found is not None
            and found[2] == seen
            and now - found[1] < settings.VECTOR_INDEX_CHECK_SECONDS
        ):
            return found[0]
        newest = newest_write(model)
        if found is not None and found[0].snapshot.newest == newest and found[2] == seen:
            _cached[model] = (found[0], now, seen)
            return found[0]
        saved = load_saved(model)
        if saved is None:
            index = read_index(model, dim)
        elif saved.snapshot.newest == newest:
            index = saved
        else:
            index = _with_newer(saved, model, dim, newest)
        _cached[model] = (index, now, seen)
        return index


def forget() -> None:
    """Drop every cached index (tests, and after `embed` in the same process)."""
    with _lock:
        _cached.clear()
