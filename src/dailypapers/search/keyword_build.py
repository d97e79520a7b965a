"""Writing the embedded keyword index (keyword_index.py): a full build, and the catch-up that
applies the change log (keyword_log.py) since the index's sequence.

One writer at a time, by a lock file beside the folder. A full build writes a new folder from
one read transaction and swaps it in with a rename. A catch-up deletes each changed paper by
id and adds it again when it is still stored, commits, and only then writes the stamp file
(atomically, by a rename): a crash between the two leaves the old sequence in the stamp, so
searches keep away from the index until the next catch-up applies the same changes again
(deleting and adding a paper twice gives the same index).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

from dailypapers.search import backends, keyword_index, keyword_log
from dailypapers.search.backends.common import PAPER_TABLE

# The writer's memory, split between its threads; each thread's share fills before it writes
# a segment. Large enough that 91k papers make one segment per thread (no merging after the
# build: docs/benchmarks.md, "Tantivy build").
WRITER_HEAP = 400_000_000
# Indexing threads besides the Python thread that reads rows and makes documents: measured
# on 2 cores (docs/benchmarks.md).
WRITER_THREADS = 2
CATCH_UP_HEAP = 50_000_000  # a day's changes are a few thousand papers
_COLUMNS = "id, title, author_names, abstract, categories, announced_on, has_code"
_IDS_PER_STATEMENT = 500  # SQLite's oldest supported builds allow 999 parameters


@contextmanager
def _writer_lock() -> Iterator[bool]:
    base = keyword_index.folder()
    base.parent.mkdir(parents=True, exist_ok=True)
    with open(base.parent / f"{keyword_index.FOLDER}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def _write_stamp(path: Path, seq: int, papers: int, build: str) -> None:
    record = {"format": keyword_index.STAMP_FORMAT, "seq": seq, "papers": papers, "build": build}
    temporary = path / f"{keyword_index.STAMP_FILE}.new"
    temporary.write_text(json.dumps(record))
    os.replace(temporary, path / keyword_index.STAMP_FILE)


def _add(writer: Any, cursor: CursorWrapper, ids: list[int] | None = None) -> int:
    """Add the papers ``ids`` (every paper when None) as the cursor sees them; how many."""
    select = f"SELECT {_COLUMNS} FROM {PAPER_TABLE}"
    statements: list[tuple[str, list[int]]] = [(select, [])]
    if ids is not None:
        chunks = [
            ids[at : at + _IDS_PER_STATEMENT] for at in range(0, len(ids), _IDS_PER_STATEMENT)
        ]
        statements = [(f"{select} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)
                      for chunk in chunks]  # fmt: skip
    document = keyword_index._document
    added = 0
    for sql, params in statements:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            for row in rows:
                writer.add_document(document(*row))
            added += len(rows)
    return added


def rebuild(
    connection: BaseDatabaseWrapper, heap: int = WRITER_HEAP, threads: int = WRITER_THREADS
) -> tuple[int, float] | None:
    """Build the index from the papers and swap it in; None when another writer holds the lock."""
    with _writer_lock() as held:
        if not held:
            return None
        started = time.perf_counter()
        return _rebuild(connection, heap, threads), time.perf_counter() - started


def _rebuild(connection: BaseDatabaseWrapper, heap: int, threads: int) -> int:
    import tantivy

    base = keyword_index.folder()
    fresh = base.parent / f"{keyword_index.FOLDER}.new-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir()
    index = tantivy.Index(keyword_index._schema(), path=str(fresh))
    writer = index.writer(heap_size=heap, num_threads=threads)
    backend = backends.current(connection)
    assert backend is not None  # keyword_index.enabled() said so
    # One read transaction: the sequence and the rows are the same state of the database,
    # without holding the write lock (which would stop every vote and ingest meanwhile).
    with backend.read_snapshot() as cursor:
        seq = keyword_log.last(cursor)
        papers = _add(writer, cursor)
    writer.commit()
    writer.wait_merging_threads()
    _write_stamp(fresh, seq, papers, uuid.uuid4().hex)
    old = base.parent / f"{keyword_index.FOLDER}.old-{os.getpid()}"
    if base.exists():
        base.rename(old)
    fresh.rename(base)
    shutil.rmtree(old, ignore_errors=True)
    keyword_log.prune(connection, seq)
    return papers


def catch_up(connection: BaseDatabaseWrapper) -> tuple[str, int, float] | None:
    """Bring the index in step: apply the changes since its sequence, or build it whole when
    it is missing, unreadable or behind what the log still holds. ("caught up", papers
    changed, seconds), ("rebuilt", papers, seconds), ("in step", 0, 0.0), or None when
    another writer holds the lock."""
    with _writer_lock() as held:
        if not held:
            return None
        started = time.perf_counter()
        changed = _catch_up(connection)
        if changed is None:
            return "rebuilt", _rebuild(connection, WRITER_HEAP, WRITER_THREADS), \
                time.perf_counter() - started  # fmt: skip
        if changed < 0:
            return "in step", 0, 0.0
        return "caught up", changed, time.perf_counter() - started


def _catch_up(connection: BaseDatabaseWrapper) -> int | None:
    """Papers re-indexed (-1 when in step already), or None when only a full build will do."""
    import tantivy

    record = keyword_index._stamp_record()
    applied = record.get("seq")
    if not isinstance(applied, int):
        return None
    try:
        index = tantivy.Index.open(str(keyword_index.folder()))
    except ValueError:
        return None
    backend = backends.current(connection)
    assert backend is not None
    with backend.read_snapshot() as cursor:
        upto = keyword_log.last(cursor)
        if upto == applied:
            return -1
        if upto < applied or not keyword_log.can_catch_up(cursor, applied):
            return None
        ids = keyword_log.changed_since(cursor, applied, upto)
        writer = index.writer(heap_size=CATCH_UP_HEAP, num_threads=1)
        for pk in ids:
            writer.delete_documents_by_term("id", pk)
        _add(writer, cursor, ids)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    _write_stamp(keyword_index.folder(), upto, index.searcher().num_docs,
                 str(record.get("build", "")))  # fmt: skip
    keyword_log.prune(connection, upto)
    return len(ids)
