"""The embedded keyword index (Tantivy) that ranks plain-word searches on SQLite, exactly and fast.

FTS5 has no top-k pruning: ranking every paper that holds any word of "diffusion models for
image generation" reads 50,000 of 91,000 papers (0.2 to 1 s, docs/benchmarks.md). Tantivy's
block-max WAND returns the exact BM25 top k of the same OR-query in about a millisecond.

The FTS5 table stays the source of truth, kept by triggers in the same transactions as the
papers (crash-safe by SQLite). Its structure record changes with every write to it, so a
digest of that record (``database_stamp``) names the state of the papers' text. The Tantivy
index is built from one read transaction and stamped with the digest it saw; a search uses
it only when the stamps agree, and otherwise ranks with FTS5 (exact, slower) and queues a
rebuild. So the index is never out of step: it is used or it is not. A rebuild writes a new
folder and swaps it in with a rename; readers (every gunicorn worker) reopen on the next
search; one writer at a time, by a lock file. ``dailypapers keyword_index`` rebuilds it by
hand; ``KEYWORD_INDEX=off`` turns it off.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

from dailypapers.lib.env import env_str
from dailypapers.lib.query import Query
from dailypapers.search import backends
from dailypapers.search.backends.common import PAPER_TABLE, Filters, Found

FOLDER = "keyword-index"
STAMP_FILE = "dailypapers-stamp.json"
FIELDS = ("title", "authors", "abstract")
# Words rank over one field of title, authors and abstract, the title written TITLE_REPEAT
# times: one BM25 saturation for all of them, as FTS5's weighted bm25 does. Boosting
# separate fields instead adds up one BM25 per field, so a common word in a title outranks
# everything: on the known-item set (dev half) that gave MRR@10 0.28 (boosts 10/4) to 0.51
# (no boosts), against 0.54 for FTS5 (docs/benchmarks.md).
TEXT = "text"
TITLE_REPEAT = 3
WRITER_HEAP = 200_000_000
EPOCH = date(1970, 1, 1)


def enabled(connection: BaseDatabaseWrapper) -> bool:
    backend = backends.current(connection)
    if backend is None or not backend.serves_keyword_index:
        return False
    if env_str("KEYWORD_INDEX").strip().lower() == "off":
        return False
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


def folder() -> Path:
    return Path(settings.DATA_DIR) / FOLDER


def database_stamp(connection: BaseDatabaseWrapper) -> str:
    """A digest that changes whenever the papers' text does (SearchBackend.text_stamp)."""
    backend = backends.current(connection)
    return backend.text_stamp() if backend is not None else ""


def index_stamp(path: Path | None = None) -> str:
    try:
        return json.loads(((path or folder()) / STAMP_FILE).read_text())["stamp"]
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def _schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    for name in (*FIELDS, TEXT):
        builder.add_text_field(name, stored=False, tokenizer_name="en_stem")
    builder.add_text_field("categories", stored=False, tokenizer_name="raw")
    builder.add_integer_field("day", indexed=True, fast=True)
    builder.add_integer_field("has_code", indexed=True, fast=True)
    return builder.build()


@dataclass
class _Opened:
    stamp: str
    index: Any
    searcher: Any


_lock = threading.Lock()
_opened: _Opened | None = None


def _searcher(stamp: str) -> _Opened | None:
    """The open index if its stamp is ``stamp``, reopening after a rebuild; else None."""
    global _opened
    with _lock:
        if _opened is not None and _opened.stamp == stamp:
            return _opened
        if index_stamp() != stamp:
            return None
        import tantivy

        index = tantivy.Index.open(str(folder()))
        _opened = _Opened(stamp, index, index.searcher())
        return _opened


def forget() -> None:
    """Close the open index and forget rebuild requests (tests; a process after a fork)."""
    global _opened, _requested_at
    with _lock:
        _opened = None
    _requested_at = float("-inf")


def rebuild(connection: BaseDatabaseWrapper) -> tuple[int, float] | None:
    """Build the index from the papers and swap it in; None when another build holds the lock."""
    import tantivy

    started = time.perf_counter()
    base = folder()
    base.parent.mkdir(parents=True, exist_ok=True)
    with open(base.parent / f"{FOLDER}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        fresh = base.parent / f"{FOLDER}.new-{os.getpid()}"
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir()
        index = tantivy.Index(_schema(), path=str(fresh))
        writer = index.writer(heap_size=WRITER_HEAP)
        papers = 0
        # One read transaction: the stamp and the rows are the same state of the database,
        # without holding the write lock (which would stop every vote and ingest meanwhile).
        backend = backends.current(connection)
        assert backend is not None  # enabled() said so
        with backend.read_snapshot() as cursor:
            stamp = database_stamp(connection)
            cursor.execute(
                f"SELECT id, title, author_names, abstract, categories, announced_on, has_code "
                f"FROM {PAPER_TABLE}"
            )
            while rows := cursor.fetchmany(2000):
                for pk, title, authors, abstract, categories, day, has_code in rows:
                    writer.add_document(_document(pk, title, authors, abstract, categories,
                                                  day, has_code))  # fmt: skip
                    papers += 1
        writer.commit()
        writer.wait_merging_threads()
        (fresh / STAMP_FILE).write_text(json.dumps({"stamp": stamp, "papers": papers}))
        old = base.parent / f"{FOLDER}.old-{os.getpid()}"
        if base.exists():
            base.rename(old)
        fresh.rename(base)
        shutil.rmtree(old, ignore_errors=True)
    return papers, time.perf_counter() - started


def _document(pk, title, authors, abstract, categories, day, has_code) -> Any:  # noqa: ANN001
    import tantivy

    if isinstance(authors, str):
        try:
            authors = json.loads(authors)
        except ValueError:
            authors = []
    if isinstance(day, str):
        day = date.fromisoformat(day)
    names = "\n".join(str(name) for name in authors or [])
    document = tantivy.Document(
        id=pk,
        title=title or "",
        authors=names,
        abstract=abstract or "",
        text="\n".join([title or ""] * TITLE_REPEAT + [names, abstract or ""]),
        day=(day - EPOCH).days if day else 0,
        has_code=int(bool(has_code)),
    )
    for category in (categories or "").split():
        document.add_text("categories", category)
    return document


def _query(index: Any, query: Query, filters: Filters, words: list[str]) -> Any:
    import tantivy
    from tantivy import Occur

    schema = index.schema
    fields = [TEXT]
    # Words and phrases hold only letters and digits (lib/query.py): never query syntax.
    phrases = [" ".join(phrase.words) for phrase in query.phrases]
    optional = list(words)
    if len(query.terms) > 1:
        optional.append('"' + " ".join(query.terms) + '"')
    optional += [f'"{phrase}"' for phrase in phrases]
    clauses = []
    if optional:
        clauses.append((Occur.Must, index.parse_query(" ".join(optional), fields)))
    for phrase in phrases:
        clauses.append((Occur.Must, index.parse_query(f'"{phrase}"', fields)))
    for author in query.authors:
        clauses.append((Occur.Must, index.parse_query(f'"{" ".join(author.words)}"', ["authors"])))

    def constant(found: Any) -> Any:
        return tantivy.Query.const_score_query(found, 0.0)

    for category in filters.categories:
        clauses.append(
            (Occur.Must, constant(tantivy.Query.term_query(schema, "categories", category)))
        )
    if filters.date_from or filters.date_to:
        low = max((filters.date_from - EPOCH).days, 1) if filters.date_from else 1
        high = (filters.date_to - EPOCH).days if filters.date_to else None
        clauses.append((Occur.Must, constant(tantivy.Query.range_query(
            schema, "day", tantivy.FieldType.Integer, low, high))))  # fmt: skip
    if filters.has_code is not None:
        clauses.append((Occur.Must, constant(
            tantivy.Query.term_query(schema, "has_code", int(filters.has_code)))))  # fmt: skip
    for excluded in query.excluded:
        text = f'"{" ".join(excluded.words)}"'
        clauses.append((Occur.MustNot, index.parse_query(text, fields)))
    for author in query.excluded_authors:
        text = f'"{" ".join(author.words)}"'
        clauses.append((Occur.MustNot, index.parse_query(text, ["authors"])))
    for category in filters.excluded_categories:
        clauses.append((Occur.MustNot, tantivy.Query.term_query(schema, "categories", category)))
    return tantivy.Query.boolean_query(clauses)


def search(connection: BaseDatabaseWrapper, query: Query, filters: Filters, words: list[str],
           limit: int, offset: int, snippets: bool) -> Found | None:  # fmt: skip
    """The ranked page from the index, or None when it is not in step: the caller then
    ranks with FTS5 and asks for a rebuild (keyword_tasks.request_rebuild)."""
    stamp = database_stamp(connection)
    opened = _searcher(stamp)
    if opened is None:
        return None
    found = opened.searcher.search(_query(opened.index, query, filters, words), offset + limit,
                                   count=True)  # fmt: skip
    ids = [opened.searcher.doc(address)["id"][0] for _, address in found.hits[offset:]]
    backend = backends.current(connection)
    marked = backend.snippets(query, ids) if snippets and ids and backend is not None else {}
    return Found.counted(found.count or 0, ids, marked)


_requested_at = float("-inf")
REQUEST_EVERY = 60.0  # seconds between two rebuild requests from one process


def rebuild_due() -> bool:
    """True at most once every REQUEST_EVERY seconds in a process: a rebuild may be asked for."""
    global _requested_at
    if time.monotonic() - _requested_at < REQUEST_EVERY:
        return False
    _requested_at = time.monotonic()
    return True
