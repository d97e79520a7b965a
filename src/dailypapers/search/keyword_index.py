"""The embedded keyword index (Tantivy) that ranks plain-word searches, exactly and fast.

FTS5 has no top-k pruning: ranking every paper that holds any word of "diffusion models for
image generation" reads 50,000 of 91,000 papers (0.2 to 1 s, docs/benchmarks.md). Tantivy's
block-max WAND returns the exact BM25 top k of the same OR-query in about a millisecond.

The database stays the source of truth. Triggers log every change to a paper's searchable
text in the same transaction (keyword_log.py: paper id and a sequence that only grows). The
index records the last sequence it applied (its stamp file, written after each commit); a
search uses it only when that equals the log's largest sequence, and otherwise ranks with
the database's own full text (exact, slower) and queues a catch-up: the papers named after
the index's sequence are deleted by id and added again, then committed
(keyword_build.py). A full build (a new folder swapped in with a rename) only when the log
was pruned past the index, or the index is missing or unreadable. So the index is never out
of step: it is used or it is not. Readers (every gunicorn worker) reload on the next search;
one writer at a time, by a lock file. ``dailypapers keyword_index [--check]`` rebuilds or
checks it; ``KEYWORD_INDEX=off`` turns it off.
"""

from __future__ import annotations

import json
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
from dailypapers.search import backends, keyword_log
from dailypapers.search.backends.common import Filters, Found

FOLDER = "keyword-index"
STAMP_FILE = "dailypapers-stamp.json"
STAMP_FORMAT = 2  # 1 was a digest of the FTS5 structure record: such an index is rebuilt
# Fields also indexed on their own, for ``author:``. Title and abstract are indexed only
# inside TEXT: indexing them on their own too, unqueried, doubled the build's time.
FIELDS = ("authors",)
# Words rank over one field of title, authors and abstract, the title written TITLE_REPEAT
# times: one BM25 saturation for all of them, as FTS5's weighted bm25 does. Boosting
# separate fields instead adds up one BM25 per field, so a common word in a title outranks
# everything: on the known-item set (dev half) that gave MRR@10 0.28 (boosts 10/4) to 0.51
# (no boosts), against 0.54 for FTS5 (docs/benchmarks.md).
TEXT = "text"
TITLE_REPEAT = 3
EPOCH = date(1970, 1, 1)


def enabled(connection: BaseDatabaseWrapper) -> bool:
    """KEYWORD_INDEX: ``off``; ``on`` (on either database: PostgreSQL with the index folder
    on its one web node); unset or ``auto``, the database's default (serves_keyword_index)."""
    backend = backends.current(connection)
    setting = env_str("KEYWORD_INDEX").strip().lower()
    if backend is None or setting == "off":
        return False
    if setting != "on" and not backend.serves_keyword_index:
        return False
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


def folder() -> Path:
    return Path(settings.DATA_DIR) / FOLDER


def database_stamp(connection: BaseDatabaseWrapper) -> str:
    """The state of the papers' text: the change log's largest sequence (keyword_log.py)."""
    with connection.cursor() as cursor:
        return f"seq {keyword_log.last(cursor)}"


def _stamp_record(path: Path | None = None) -> dict[str, Any]:
    try:
        record = json.loads(((path or folder()) / STAMP_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) and record.get("format") == STAMP_FORMAT else {}


def index_stamp(path: Path | None = None) -> str:
    """The state of the papers' text the index holds ("" when none or unreadable)."""
    seq = _stamp_record(path).get("seq")
    return f"seq {seq}" if isinstance(seq, int) else ""


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
    build: str  # which full build the folder holds: reopened when another is swapped in
    index: Any
    searcher: Any


_lock = threading.Lock()
_opened: _Opened | None = None


def _searcher(stamp: str) -> _Opened | None:
    """The open index if it holds ``stamp``, reloaded after a catch-up and reopened after a
    full build; else None."""
    global _opened
    with _lock:
        if _opened is not None and _opened.stamp == stamp:
            return _opened
        record = _stamp_record()  # read once: seq and build of the same stamp file
        if not isinstance(record.get("seq"), int) or f"seq {record['seq']}" != stamp:
            return None
        import tantivy

        build = str(record.get("build", ""))
        try:
            if _opened is not None and _opened.build == build:
                index = _opened.index
                index.reload()  # the catch-up committed before it wrote the stamp file
            else:
                index = tantivy.Index.open(str(folder()))
            searcher = index.searcher()
        except (OSError, ValueError):
            # A writer in another process swapped the folder or removed merged segments
            # while this one read them: the database answers this search, the next reopens.
            _opened = None
            return None
        _opened = _Opened(stamp, build, index, searcher)
        return _opened


def forget() -> None:
    """Close the open index and forget catch-up requests (tests; a process after a fork)."""
    global _opened, _requested_at
    with _lock:
        _opened = None
    _requested_at = float("-inf")


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
    ranks with the database's full text and asks for a catch-up (keyword_tasks)."""
    stamp = database_stamp(connection)
    opened = _searcher(stamp)
    if opened is None:
        return None
    found = opened.searcher.search(_query(opened.index, query, filters, words), offset + limit,
                                   count=True)  # fmt: skip
    # The id column (a fast field), not each stored document: no block of the store read.
    ids = opened.searcher.fast_field_values("id", [address for _, address in found.hits[offset:]])
    backend = backends.current(connection)
    marked = backend.snippets(query, ids) if snippets and ids and backend is not None else {}
    return Found.counted(found.count or 0, ids, marked)


_requested_at = float("-inf")
REQUEST_EVERY = 10.0  # seconds between two catch-up requests from one process


def rebuild_due() -> bool:
    """True at most once every REQUEST_EVERY seconds in a process: a catch-up may be asked for."""
    global _requested_at
    if time.monotonic() - _requested_at < REQUEST_EVERY:
        return False
    _requested_at = time.monotonic()
    return True
