"""bench/digest_faults.py, small: workers killed with SIGKILL and the SMTP server stopped,
yet every subscriber gets their digest, with no more repeats than kills."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[4] / "bench" / "digest_faults.py"


@pytest.mark.slow
def test_killed_workers_and_a_mail_server_outage_lose_nothing_and_repeat_little():
    if not SCRIPT.exists():
        pytest.skip(f"{SCRIPT} is not in this checkout")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--subscribers", "300", "--kills", "4", "--outage", "5",
         "--rate", "30", "--timeout", "240"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "OK" in result.stdout.splitlines()[-1]
