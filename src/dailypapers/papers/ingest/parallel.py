"""Parse and clean a bulk file in a second process while this one writes to the database.

On a bulk import the CPU work (JSON, TeX clean-up, author splitting) and the database
writes take about as long as each other; on two cores they overlap. The child process
never touches the database: it sends batches of clean papers (or skips) through a
bounded queue, which also keeps memory flat however large the file is.

The child dies with its parent (kill -9, OOM, SIGTERM): Linux sends it SIGKILL when the
parent goes, and elsewhere it notices while waiting on a full queue that nobody reads.
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queue_module
from collections.abc import Callable, Iterator
from typing import Any

from dailypapers.lib.process import die_with_parent, parent_gone
from dailypapers.lib.records import PaperRecord, SkippedInput, SourceError
from dailypapers.papers.ingest.normalize import CleanPaper, InvalidRecord, normalize

CHUNK = 500
QUEUE_DEPTH = 8  # chunks in flight: bounds memory
Producer = Callable[[], Iterator[tuple[str, PaperRecord | SkippedInput]]]
Prepare = Callable[[CleanPaper], None]
_DONE = "done"
_ERROR = "error"
PARENT_CHECK_SECONDS = 1.0  # how often a child blocked on a full queue looks for its parent


def _put(out: Any, message: object, parent_pid: int) -> None:
    """Put ``message`` on the queue, leaving at once should the parent die meanwhile."""
    while True:
        try:
            out.put(message, timeout=PARENT_CHECK_SECONDS)
            return
        except queue_module.Full:
            if parent_gone(parent_pid):
                os._exit(1)


def _produce(
    produce: Producer, max_chars: int, prepare: Prepare | None, out: Any, parent_pid: int
) -> None:
    die_with_parent()
    if parent_gone(parent_pid):  # it died before the line above took effect
        os._exit(1)
    chunk: list[CleanPaper | SkippedInput] = []
    try:
        for where, item in produce():
            if isinstance(item, SkippedInput):
                chunk.append(item)
            else:
                try:
                    clean = normalize(item, max_field_chars=max_chars)
                except InvalidRecord as exc:
                    chunk.append(SkippedInput(where=where or item.arxiv_id, reason=str(exc)))
                else:
                    if prepare is not None:
                        prepare(clean)
                    chunk.append(clean)
            if len(chunk) >= CHUNK:
                _put(out, chunk, parent_pid)
                chunk = []
        _put(out, chunk, parent_pid)
        _put(out, _DONE, parent_pid)
    except SourceError as exc:
        _put(out, (_ERROR, str(exc)), parent_pid)
    except BaseException as exc:  # report anything to the parent rather than dying silently
        _put(out, (_ERROR, f"{type(exc).__name__}: {exc}"), parent_pid)


def normalized_in_child(
    produce: Producer, *, max_chars: int, prepare: Prepare | None = None
) -> Iterator[CleanPaper | SkippedInput]:
    """Yield what ``produce`` gives, normalised (and ``prepare``d) in a forked child process."""
    context = multiprocessing.get_context("fork")
    out = context.Queue(maxsize=QUEUE_DEPTH)
    # The child inherits the parent's database sockets but never uses them, and a forked
    # multiprocessing child leaves through os._exit, so no finaliser closes them either.
    child = context.Process(
        target=_produce, args=(produce, max_chars, prepare, out, os.getpid()), daemon=True
    )
    child.start()
    try:
        while True:
            try:
                message = out.get(timeout=5)
            except queue_module.Empty:
                if not child.is_alive():
                    raise SourceError("the parsing process stopped unexpectedly") from None
                continue
            if message == _DONE:
                break
            if isinstance(message, tuple) and message[0] == _ERROR:
                raise SourceError(message[1])
            yield from message
    finally:
        if child.is_alive():
            child.terminate()
        child.join(timeout=5)
