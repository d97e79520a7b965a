"""Child processes that do not outlive their parent."""

from __future__ import annotations

import ctypes
import hashlib
import os
import signal
import socket
import sys
from functools import lru_cache

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(signum: int = signal.SIGKILL) -> bool:
    """Ask Linux to send ``signum`` to this process when its parent dies; False elsewhere.

    Call it in the child right after fork. Where it is unavailable, callers check
    ``parent_gone`` while they wait.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    return True


def parent_gone(parent_pid: int) -> bool:
    """True once the process that started this one has exited (this one was re-parented)."""
    return os.getppid() != parent_pid


def pid_alive(pid: int) -> bool:
    """True while a process with this id runs on this machine (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True  # no /proc: assume it runs


@lru_cache(maxsize=1)
def host_tag() -> str:
    """A short, stable tag of this machine, to tell its processes' marks from others'."""
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]
