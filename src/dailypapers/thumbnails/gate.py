"""One request start per interval, across every process that shares the database.

The arXiv client already spaces requests within a process; a task worker, a second worker
and the ``dailypapers thumbnails`` command are separate processes. Each reserves the next
start in one row with a conditional UPDATE (compare and swap, like core.scheduling's
claim): the one whose UPDATE still sees the value it read wins the slot and sleeps until
it; a loser reads again. No lock is held while anyone sleeps.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from dailypapers.thumbnails.models import RequestSlot

ARXIV = "arxiv"


def wait_for_turn(
    name: str,
    interval: float,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
) -> float:
    """Block until a request under ``name`` may start; returns the start reserved (seconds
    since the epoch on ``clock``)."""
    if interval <= 0:
        return clock()
    step = round(interval * 1_000_000)
    while True:
        slot, _ = RequestSlot.objects.get_or_create(name=name)
        now = round(clock() * 1_000_000)
        start = max(now, slot.last_start_us + step)
        won = RequestSlot.objects.filter(pk=slot.pk, last_start_us=slot.last_start_us).update(
            last_start_us=start
        )
        if won:
            break
    if start > now:
        sleep((start - now) / 1_000_000)
    return start / 1_000_000
