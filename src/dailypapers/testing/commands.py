"""Run the `dailypapers` command as an operator would, in a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_dailypapers(
    args: list[str], tmp_path: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    """`python -m dailypapers ARGS` with DATA_DIR in ``tmp_path`` and none of this
    process's database, cache or secret settings: what a fresh install sees."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "TASK_BACKEND",
            "SECRET_KEY",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    clean.update({"DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-m", "dailypapers", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
