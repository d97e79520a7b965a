"""`dailypapers run` starts web server, worker and scheduler, and Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_run_serves_pages_offline_and_stops_every_process_on_ctrl_c(tmp_path: Path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "TASK_BACKEND", "DJANGO_SETTINGS_MODULE"}
    }
    # Port 9 on loopback refuses connections: the run must notice it is offline.
    env.update({"DATA_DIR": str(tmp_path), "ARXIV_RSS_URL": "http://127.0.0.1:9/rss"})
    process = subprocess.Popen(
        [sys.executable, "-m", "dailypapers", "run", "--port", str(port), "--web-workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "is running at" in line:
                break
        assert any(
            "offline: arXiv is unreachable, serving the 0 papers stored" in ln for ln in lines
        )
        body = ""
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert "No papers yet" in body
        children = subprocess.run(
            ["pgrep", "-f", f"dailypapers.wsgi --bind 127.0.0.1:{port}"],
            capture_output=True,
            text=True,
        ).stdout.split()
        assert children, "the web server process is running"
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, "".join(lines) + output
    assert "stopped" in output
    for pid in children:
        assert not Path(f"/proc/{pid}").exists() or _is_zombie(pid)
    assert (tmp_path / "dailypapers.sqlite3").exists()


def _is_zombie(pid: str) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True
