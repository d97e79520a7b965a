"""The children of `dailypapers run` (web server, worker, scheduler) and their restarts.

A child that exits while the service runs is started again: at once the first time, then
after a pause that doubles (1 s, 2 s, 4 s, …, at most ``MAX_BACKOFF``), at most
``max_restarts`` times within ``window`` seconds; one more exit in that window stops
everything with one line saying which child kept failing. Each child runs in its own
process group (a stop signal reaches gunicorn's workers and RQ's work horse too) and gets
SIGTERM should `run` itself die.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from dailypapers.lib.process import die_with_parent

MAX_BACKOFF = 10.0
Say = Callable[[str], None]


class RestartLimitReached(Exception):
    """A child kept exiting: the message names it."""


@dataclass
class Child:
    name: str
    command: Callable[[int], list[str]]  # the command line of a given generation
    process: subprocess.Popen | None = None
    generation: int = 0
    exits: deque[float] = field(default_factory=deque)  # when it exited, within the window
    restart_at: float | None = None
    last_status: int | None = None

    def start(self, before_start: Callable[[Child], None] | None = None) -> None:
        if before_start is not None:
            before_start(self)
        self.generation += 1
        self.process = subprocess.Popen(
            self.command(self.generation),
            start_new_session=True,
            preexec_fn=lambda: die_with_parent(signal.SIGTERM),
        )
        self.restart_at = None


class Supervisor:
    def __init__(
        self,
        children: list[Child],
        say: Say,
        *,
        max_restarts: int = 5,
        window: float = 60.0,
        before_start: Callable[[Child], None] | None = None,
    ) -> None:
        self.children = children
        self.say = say
        self.max_restarts = max_restarts
        self.window = window
        self.before_start = before_start

    def start(self) -> None:
        for child in self.children:
            child.start(self.before_start)

    def check(self, now: float | None = None) -> None:
        """Notice exited children and restart the ones whose pause is over.

        Raises RestartLimitReached when one exited more than ``max_restarts`` times within
        the window.
        """
        now = time.monotonic() if now is None else now
        for child in self.children:
            if child.process is not None and child.process.poll() is not None:
                self._exited(child, now)
            if child.process is None and child.restart_at is not None and now >= child.restart_at:
                child.start(self.before_start)

    def _exited(self, child: Child, now: float) -> None:
        assert child.process is not None
        child.last_status = child.process.returncode
        child.process = None
        child.exits.append(now)
        while child.exits and child.exits[0] < now - self.window:
            child.exits.popleft()
        restarts = len(child.exits)
        if restarts > self.max_restarts:
            raise RestartLimitReached(
                f"the {child.name} exited {restarts} times within {self.window:.0f} s"
                f" (last status {child.last_status}); see the log above"
            )
        # A first crash restarts at once; one that keeps crashing waits 1 s, 2 s, 4 s, …
        pause = 0.0 if restarts == 1 else min(2.0 ** (restarts - 2), MAX_BACKOFF)
        child.restart_at = now + pause
        self.say(
            f"the {child.name} exited with status {child.last_status}; restarting it in"
            f" {pause:.0f} s (restart {restarts} of {self.max_restarts} within"
            f" {self.window:.0f} s)"
        )

    def stop(self, grace: float) -> list[str]:
        """SIGTERM every child's process group, wait up to ``grace`` seconds in all, then
        SIGKILL what is left; the names of the children that had to be killed."""
        running = [
            (c.name, c.process)
            for c in self.children
            if c.process is not None and c.process.poll() is None
        ]
        for _, process in running:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + grace
        killed: list[str] = []
        for name, process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
                killed.append(name)
        for _, process in running:  # what a child's group left behind (a stray grandchild)
            _signal_group(process, signal.SIGKILL)
        return killed


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)
