"""Parse and clean a bulk file in a second process while this one writes to the database.

On a bulk import the CPU work (JSON, TeX clean-up, author splitting) and the database
writes take about as long as each other; on two cores they overlap. The child process
never touches the database: it sends batches of clean papers (or skips) through a
bounded queue, which also keeps memory flat however large the file is.
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
from collections.abc import Callable, Iterator
from typing import Any

from dailypapers.lib.records import PaperRecord, SkippedInput, SourceError
from dailypapers.papers.ingest.normalize import CleanPaper, InvalidRecord, normalize

CHUNK = 500
QUEUE_DEPTH = 8  # chunks in flight: bounds memory
Producer = Callable[[], Iterator[tuple[str, PaperRecord | SkippedInput]]]
Prepare = Callable[[CleanPaper], None]
_DONE = "done"
_ERROR = "error"


def _produce(produce: Producer, max_chars: int, prepare: Prepare | None, out: Any) -> None:
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
                out.put(chunk)
                chunk = []
        out.put(chunk)
        out.put(_DONE)
    except SourceError as exc:
        out.put((_ERROR, str(exc)))
    except BaseException as exc:  # report anything to the parent rather than dying silently
        out.put((_ERROR, f"{type(exc).__name__}: {exc}"))


def normalized_in_child(
    produce: Producer, *, max_chars: int, prepare: Prepare | None = None
) -> Iterator[CleanPaper | SkippedInput]:
    """Yield what ``produce`` gives, normalised (and ``prepare``d) in a forked child process."""
    context = multiprocessing.get_context("fork")
    out = context.Queue(maxsize=QUEUE_DEPTH)
    # The child inherits the parent's database sockets but never uses them, and a forked
    # multiprocessing child leaves through os._exit, so no finaliser closes them either.
    child = context.Process(target=_produce, args=(produce, max_chars, prepare, out), daemon=True)
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
