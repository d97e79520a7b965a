"""Signals and hooks the paper store offers. Other apps listen; the papers app imports none of
them (search/apps.py connects its receiver and its batch hook)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager

from django.db.backends.base.base import BaseDatabaseWrapper
from django.dispatch import Signal

# Sent when an import finishes (IngestReport.finish), by its source ("jsonl", "rss", …),
# with ``count`` (how many papers are new or updated) and ``ids`` (their ids, or [] where
# the source did not keep them, as bulk files do to save memory).
# Receivers run after the import's writes and must only queue work, not do it.
papers_imported = Signal()

# Wraps the body of each ingest batch's transaction, given the connection; it yields a list
# to which the batch adds the ids of the papers it inserts before the block ends. Search
# indexes those papers there, in the batch's own transaction (see around_ingest_batch).
BatchHook = Callable[[BaseDatabaseWrapper], AbstractContextManager[list[int]]]
_batch_hooks: list[BatchHook] = []


def wrap_ingest_batches(hook: BatchHook) -> None:
    """Run ``hook`` around every ingest batch from now on (once, however often registered)."""
    if hook not in _batch_hooks:
        _batch_hooks.append(hook)


@contextmanager
def around_ingest_batch(
    connection: BaseDatabaseWrapper,
) -> Iterator[Callable[[Iterable[int]], None]]:
    """Inside a batch's transaction: enter every hook; yields how to report inserted ids.

    A signal could not do this: a receiver cannot wrap the sender's block, and the index
    must take the new rows before the transaction commits, so that no committed state holds
    papers the index lacks.
    """
    with ExitStack() as stack:
        lists = [stack.enter_context(hook(connection)) for hook in _batch_hooks]

        def inserted(ids: Iterable[int]) -> None:
            ids = list(ids)
            for found in lists:
                found.extend(ids)

        yield inserted
