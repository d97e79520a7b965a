"""SIGTERM or SIGINT while a digest chunk is sent: stop after the message in flight."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

# Set while a chunk should stop after its message in flight (a graceful shutdown).
stop_requested = threading.Event()


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """While a chunk is sent, SIGTERM and SIGINT also ask it to stop between messages.

    The worker's own handler still runs (db_worker's marks itself stopping and waits for
    this task; a second signal still ends it at once). Where the previous disposition was
    the default (RQ's work horse), the chunk stops early instead of dying mid-message.
    Python's own Ctrl-C handler (`dailypapers digest send` in a terminal) would raise
    KeyboardInterrupt wherever the chunk is, even between an SMTP accept and its record:
    the first Ctrl-C is raised once the chunk has stopped and recorded what was sent.
    """
    stop_requested.clear()
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    interrupted = False

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal interrupted
        first = not stop_requested.is_set()
        stop_requested.set()
        chained = previous[signal.Signals(signum)]
        if first and chained is signal.default_int_handler:
            interrupted = True
        elif callable(chained):
            chained(signum, frame)
        elif not first and chained == signal.SIG_DFL:
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)

    for signum in previous:
        signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, chained in previous.items():
            signal.signal(signum, chained)
    if interrupted:
        raise KeyboardInterrupt
