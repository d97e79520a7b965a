"""bench/faults.py, short: kill -9 of import and of run's children, a Redis outage and SIGTERM
lose nothing, and the service recovers by itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[4] / "bench" / "faults.py"


@pytest.mark.slow
def test_the_short_fault_bench_loses_nothing_and_recovers_by_itself():
    if not SCRIPT.exists():
        pytest.skip(f"{SCRIPT} is not in this checkout")
    args = [sys.executable, str(SCRIPT), "--short"]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):  # the PostgreSQL leg: a scratch database beside the tests'
        args += ["--postgres-url", url]
    result = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.stdout.splitlines()[-1].startswith("OK")
