"""Disk use of the data folder, per top-level entry, by walking it (no `du` to shell out to).

The folder holds the SQLite database, the cache, the outbox, the vector and keyword indexes:
some thousands of files, walked in a fraction of a second. Links are not followed (a link
out of the folder is not the folder's use), and an entry that vanishes mid-walk (a cache file
culled meanwhile) is skipped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Usage:
    name: str  # the entry's name in the data folder; a folder's ends in "/"
    bytes: int
    files: int


def _tree_size(path: str) -> tuple[int, int]:
    total = files = 0
    stack = [path]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    total += entry.stat(follow_symlinks=False).st_size
                    files += 1
            except OSError:
                continue
    return total, files


def data_folder_usage(root: Path) -> list[Usage]:
    """Each top-level entry of ``root`` with its size, largest first."""
    usage: list[Usage] = []
    try:
        entries = list(os.scandir(root))
    except OSError:
        return usage
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                size, files = _tree_size(entry.path)
                usage.append(Usage(entry.name + "/", size, files))
            else:
                usage.append(Usage(entry.name, entry.stat(follow_symlinks=False).st_size, 1))
        except OSError:
            continue
    return sorted(usage, key=lambda item: (-item.bytes, item.name))
