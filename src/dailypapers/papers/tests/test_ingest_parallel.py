"""The parse child of a bulk import dies with its parent instead of blocking forever."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

PARENT = textwrap.dedent(
    """
    import multiprocessing, time
    from dailypapers.lib.records import PaperRecord
    from dailypapers.papers.ingest.parallel import normalized_in_child

    def produce():
        number = 0
        while True:  # more than the queue holds: the child blocks on a full queue
            number += 1
            yield "", PaperRecord(arxiv_id=f"2501.{number % 99999:05d}", title="A title",
                                  abstract="An abstract.", authors=["Ada Lovelace"],
                                  categories=["cs.LG"])

    items = normalized_in_child(produce, max_chars=20000)
    next(items)
    print(multiprocessing.active_children()[0].pid, flush=True)
    time.sleep(600)
    """
)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_the_parse_child_exits_when_its_parent_is_killed():
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline())
    assert _alive(child_pid)
    time.sleep(0.5)  # let the child fill the queue and block on it
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 5
    while _alive(child_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    gone = not _alive(child_pid)
    if not gone:
        os.kill(child_pid, signal.SIGKILL)
    assert gone, "the parse child outlived its parent"
