"""The in-process vector index: every stored vector of one model, searchable with filters.

Vectors live in the database (search_paperembedding); this index is derived from it. It is
built on the first semantic question a process asks and kept until the stored vectors
change (checked at most every VECTOR_INDEX_CHECK_SECONDS). Filters (categories, dates, has
code) are applied inside the index with per-row arrays, so a narrow filter still finds k
papers; the caller checks its final candidates against the database, which catches a paper
changed or deleted since the index was read.

At VECTOR_IVF_FROM vectors and more, the index is approximate (ann.py's inverted file,
tuned to recall@10 >= 0.97 against exact); building that takes tens of seconds, so
``dailypapers embed`` saves it under DATA_DIR/vectors/ and processes load the saved copy,
plus the few vectors stored after it (searched exactly), instead of clustering again.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from datetime import datetime
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection

from dailypapers.core.cache_guard import cache_get, cache_set
from dailypapers.search import ann
from dailypapers.search.vector_index import Snapshot, VectorIndex, day_number

logger = logging.getLogger(__name__)
# An inverted file that must probe more than a quarter of its clusters is not worth having.
IVF_MAX_PROBED_SHARE = 4
TABLE = "search_paperembedding"


def newest_write(model: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(embedded_at) FROM {TABLE} WHERE model = %s", [model])
        (newest,) = cursor.fetchone()
    if isinstance(newest, datetime):
        newest = newest.isoformat()
    return str(newest or "")


def _rows(model: str, since: str | None = None):  # noqa: ANN202 - a cursor's rows
    sql = (
        f"SELECT e.paper_id, e.vector, p.announced_on, p.has_code, p.categories "
        f"FROM {TABLE} e JOIN papers_paper p ON p.id = e.paper_id WHERE e.model = %s"
    )
    params: list[str] = [model]
    if since:
        sql += " AND e.embedded_at > %s"
        params.append(since)
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY e.paper_id", params)
        yield from cursor


def read_index(model: str, dim: int) -> VectorIndex:
    """Every stored vector of ``model``, exactly searchable."""
    newest = newest_write(model)
    ids: list[int] = []
    days: list[int] = []
    code: list[bool] = []
    blobs: list[bytes] = []
    listed: dict[str, list[int]] = {}
    for row, (pk, blob, announced_on, has_code, categories) in enumerate(_rows(model)):
        ids.append(pk)
        blobs.append(bytes(blob))
        days.append(day_number(announced_on))
        code.append(bool(has_code))
        for category in (categories or "").split():
            listed.setdefault(category, []).append(row)
    vectors = (
        np.frombuffer(b"".join(blobs), dtype="<f2").astype(np.float32).reshape(len(ids), dim)
        if ids
        else np.zeros((0, dim), dtype=np.float32)
    )
    return VectorIndex(
        model=model,
        ids=np.asarray(ids, dtype=np.int64),
        vectors=vectors,
        days=np.asarray(days, dtype=np.int32),
        has_code=np.asarray(code, dtype=bool),
        categories={name: np.asarray(rows, dtype=np.int64) for name, rows in listed.items()},
        snapshot=Snapshot(count=len(ids), newest=newest),
    )


def _tuned(vectors: np.ndarray, seed: int) -> ann.IvfLayout:
    rng = np.random.default_rng(seed + 1)
    layout = ann.build_ivf(vectors, seed=seed)
    laid_out = vectors[layout.order]
    # Tuning queries: stored vectors blurred with noise, so a query is never its own row.
    picked = laid_out[rng.choice(len(laid_out), min(200, len(laid_out)), replace=False)]
    noisy = picked + rng.normal(0, 0.5 / np.sqrt(vectors.shape[1]), picked.shape)
    noisy = (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)
    return ann.tune_nprobe(layout, laid_out, noisy)


def _clusters_well(layout: ann.IvfLayout, model: str) -> bool:
    if layout.nprobe <= len(layout.centres) // IVF_MAX_PROBED_SHARE:
        return True
    # Vectors that do not cluster (the lexical embedder's) need most clusters probed for
    # the recall target, which costs more than one product over the whole matrix.
    logger.info(
        "vectors of %s do not cluster (nprobe %d of %d for recall %.2f): exact search",
        model, layout.nprobe, len(layout.centres), layout.measured_recall,
    )  # fmt: skip
    return False


TRIAL_SAMPLE = 20_000


def with_ivf(index: VectorIndex, seed: int = 0) -> VectorIndex:
    """The same vectors laid out cluster by cluster, with nprobe tuned on sample rows; the
    index unchanged when clustering does not pay (decided on a sample first, cheaply)."""
    if len(index) < 2:
        return index
    if len(index) > 2 * TRIAL_SAMPLE:
        rows = np.random.default_rng(seed).choice(len(index), TRIAL_SAMPLE, replace=False)
        if not _clusters_well(_tuned(index.vectors[rows], seed), index.model):
            return index
    layout = _tuned(index.vectors, seed)
    if not _clusters_well(layout, index.model):
        return index
    inverse = np.empty_like(layout.order)
    inverse[layout.order] = np.arange(len(layout.order))
    return VectorIndex(
        model=index.model,
        ids=index.ids[layout.order],
        vectors=np.ascontiguousarray(index.vectors[layout.order]),
        days=index.days[layout.order],
        has_code=index.has_code[layout.order],
        categories={name: np.sort(inverse[rows]) for name, rows in index.categories.items()},
        snapshot=index.snapshot,
        ivf=layout,
    )


# -- the saved copy under DATA_DIR/vectors/ -------------------------------------------------


def index_dir(model: str) -> Path:
    safe = "".join(char if char.isalnum() or char in "-_." else "_" for char in model)
    return Path(settings.DATA_DIR) / "vectors" / safe


def save(index: VectorIndex) -> Path:
    folder = index_dir(index.model)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {"ids": index.ids, "vectors": index.vectors, "days": index.days,
              "has_code": index.has_code}  # fmt: skip
    if index.ivf is not None:
        arrays |= {"centres": index.ivf.centres, "offsets": index.ivf.offsets}
    names = sorted(index.categories)
    flat_rows = [index.categories[name] for name in names]
    arrays["category_rows"] = np.concatenate(flat_rows) if flat_rows else np.zeros(0, np.int64)
    arrays["category_sizes"] = np.asarray([len(rows) for rows in flat_rows], dtype=np.int64)
    for name, array in arrays.items():
        np.save(folder / f"{name}.npy.tmp", array, allow_pickle=False)
        (folder / f"{name}.npy.tmp.npy").replace(folder / f"{name}.npy")
    meta = {
        "database": _database(),
        "model": index.model,
        "count": index.snapshot.count,
        "newest": index.snapshot.newest,
        "categories": names,
        "nprobe": index.ivf.nprobe if index.ivf else None,
        "measured_recall": index.ivf.measured_recall if index.ivf else None,
    }
    (folder / "meta.json.tmp").write_text(json.dumps(meta))
    (folder / "meta.json.tmp").replace(folder / "meta.json")
    return folder


def _database() -> str:
    return f"{connection.vendor}:{connection.settings_dict['NAME']}"


def load_saved(model: str) -> VectorIndex | None:
    folder = index_dir(model)
    try:
        meta = json.loads((folder / "meta.json").read_text())
        if meta.get("database") != _database():
            return None  # saved for another database (a test run, a copy of DATA_DIR)

        def array(name: str) -> np.ndarray:
            return np.load(folder / f"{name}.npy", allow_pickle=False)

        ids, vectors = array("ids"), array("vectors")
        days, has_code = array("days"), array("has_code")
        sizes, rows = array("category_sizes"), array("category_rows")
        if not len(ids) == len(vectors) == len(days) == len(has_code) == int(meta["count"]):
            raise ValueError("the saved arrays disagree: a save was interrupted")
        ivf = None
        if meta.get("nprobe"):
            ivf = ann.IvfLayout(
                centres=array("centres"),
                offsets=array("offsets"),
                order=np.arange(len(ids)),
                nprobe=int(meta["nprobe"]),
                measured_recall=float(meta.get("measured_recall") or 0),
            )
    except (OSError, ValueError, KeyError):
        return None  # none saved, or a partial copy: read the database instead
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    categories = {name: rows[bounds[i] : bounds[i + 1]]
                  for i, name in enumerate(meta["categories"])}  # fmt: skip
    return VectorIndex(
        model=model,
        ids=ids,
        vectors=vectors,
        days=days,
        has_code=has_code,
        categories=categories,
        snapshot=Snapshot(count=int(meta["count"]), newest=str(meta["newest"])),
        ivf=ivf,
    )


def build(model: str, dim: int, approximate: bool | None = None) -> VectorIndex:
    """Read the database and, for a large index, cluster and save it (what `embed` runs)."""
    index = read_index(model, dim)
    if approximate is None:
        approximate = len(index) >= settings.VECTOR_IVF_FROM
    if approximate:
        index = with_ivf(index)
    # Saved either way: a process then loads arrays from a file in a fraction of the time
    # reading every vector from the database takes.
    save(index)
    return index


def _merge_newer(saved: VectorIndex, model: str, dim: int) -> VectorIndex:
    """The saved index plus the vectors stored after it, in a tail that is always scored.

    A paper embedded again is in both; ``nearest`` keeps its best row once, and ids and
    filters are checked against the database by the callers. ``embed`` saves a new index
    when the tail grows past a tenth of the whole.
    """
    newest = newest_write(model)
    newer = list(_rows(model, since=saved.snapshot.newest))
    if not newer:
        return saved
    tail_ids = np.asarray([row[0] for row in newer], dtype=np.int64)
    tail_vectors = np.frombuffer(b"".join(bytes(row[1]) for row in newer), dtype="<f2")
    tail_vectors = tail_vectors.astype(np.float32).reshape(len(newer), dim)
    base = len(saved)
    categories = {name: rows.copy() for name, rows in saved.categories.items()}
    for offset, row in enumerate(newer):
        for category in (row[4] or "").split():
            categories[category] = np.append(
                categories.get(category, np.zeros(0, np.int64)), base + offset
            )
    merged = VectorIndex(
        model=model,
        ids=np.concatenate([saved.ids, tail_ids]),
        vectors=np.concatenate([saved.vectors, tail_vectors]),
        days=np.concatenate([saved.days, [day_number(row[2]) for row in newer]]).astype(np.int32),
        has_code=np.concatenate([saved.has_code, [bool(row[3]) for row in newer]]),
        categories=categories,
        snapshot=Snapshot(count=len(saved) + len(newer), newest=newest),
        ivf=None,
        may_repeat=True,
    )
    if saved.ivf is not None:
        # The tail lies outside every cluster: give it a cluster of its own, always probed.
        merged.ivf = _with_tail_cluster(saved.ivf, base, len(newer))
    return merged


def _with_tail_cluster(layout: ann.IvfLayout, base: int, extra: int) -> ann.IvfLayout:
    return ann.IvfLayout(
        centres=layout.centres,
        offsets=layout.offsets,
        order=layout.order,
        nprobe=layout.nprobe,
        measured_recall=layout.measured_recall,
        tail=(base, base + extra),
    )


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
    table's count and newest row.
    """
    # Unsaid while the cache is down: indexes notice by the table check instead.
    cache_set(_generation_key(model), secrets.token_hex(8), timeout=None)


def current(model: str, dim: int) -> VectorIndex:
    """This process's index of ``model``, rebuilt when the stored vectors have changed."""
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
        if found is not None and found[0].snapshot.newest == newest:
            _cached[model] = (found[0], now, seen)
            return found[0]
        saved = load_saved(model)
        if saved is not None and saved.snapshot.newest == newest:
            index = saved
        elif saved is not None:
            index = _merge_newer(saved, model, dim)
        else:
            index = read_index(model, dim)
        _cached[model] = (index, now, seen)
        return index


def forget() -> None:
    """Drop every cached index (tests, and after `embed` in the same process)."""
    with _lock:
        _cached.clear()
