"""Shared by bench/faults.py: outcomes, synthetic records, scratch environments, and
`dailypapers run` on a free port."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
sys.path.insert(0, str(REPO / "src"))

from dailypapers.testing.redis_server import free_port  # noqa: E402


@dataclass
class Outcome:
    name: str
    repeats: int = 0
    lost: int = 0
    recover: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    note: str = ""

    def line(self) -> str:
        worst = f"{max(self.recover):.1f}" if self.recover else "-"
        mean = f"{sum(self.recover) / len(self.recover):.1f}" if self.recover else "-"
        status = "OK" if not self.failures and self.lost == 0 else "FAIL"
        text = (
            f"{self.name:14} repeats {self.repeats:2}  lost {self.lost}  "
            f"recover mean {mean:>4} s  worst {worst:>4} s  {status}"
        )
        return text + (f"  ({self.note})" if self.note else "")


def write_records(path: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    words = ["graph", "neural", "sparse", "robust", "language", "vision", "kernel", "causal"]
    with path.open("w") as out:
        for number in range(1, count + 1):
            title = " ".join(rng.choice(words) for _ in range(6)).capitalize()
            record = {
                "id": f"2501.{number:05d}", "submitter": "Invented Person",
                "authors": "Ada Example and Bo Sample", "title": title,
                "comments": None, "journal-ref": None, "doi": None, "report-no": None,
                "categories": "cs.LG", "license": None,
                "abstract": " ".join(rng.choice(words) for _ in range(60)),
                "versions": [{"version": "v1", "created": "Mon, 6 Jan 2025 10:00:00 GMT"}],
                "update_date": "2025-01-06", "authors_parsed": [],
            }  # fmt: skip
            out.write(json.dumps(record) + "\n")


def site_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "TASK_BACKEND", "DJANGO_SETTINGS_MODULE"}
    }
    env.update({
        "DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO / "src"), "LOG_LEVEL": "WARNING",
        "ARXIV_RSS_URL": "http://127.0.0.1:9/rss", "TRENDING_REFRESH_MINUTES": "0",
        "SECRET_KEY": "bench-" + "x" * 50, **extra,
    })  # fmt: skip
    return env


def dailypapers(
    env: dict[str, str], *args: str, timeout: float = 300
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "-m", "dailypapers", *args], env=env, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip


def paper_count(env: dict[str, str]) -> int:
    code = "from dailypapers.papers.models import Paper; print(Paper.objects.count())"
    done = dailypapers(env, "shell", "-c", code)
    return int(done.stdout.strip().splitlines()[-1])


def processes_matching(text: str) -> list[int]:
    found = subprocess.run(["pgrep", "-f", text], capture_output=True, text=True).stdout.split()
    return [int(pid) for pid in found if alive(int(pid))]


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


class Site:
    """`dailypapers run` on a free port, with its output in a file."""

    def __init__(self, env: dict[str, str], data_dir: Path) -> None:
        self.port = free_port()
        self.log = data_dir / "run.log"
        self.env = env
        self.process = subprocess.Popen(
            [PYTHON, "-m", "dailypapers", "run", "--port", str(self.port), "--web-workers", "1",
             "--max-restarts", "50"],
            env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip

    def get(self, path: str = "/") -> tuple[int, dict[str, str]]:
        try:
            url = f"http://127.0.0.1:{self.port}{path}"
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, {}
        except OSError:
            return 0, {}

    def wait_ready(self, timeout: float = 90) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.get()[0] == 200 and self.get("/api/v1/trending")[0] == 200:
                return True
            time.sleep(0.2)
        return False

    def child(self, name: str) -> int | None:
        pattern = {"worker": "db_worker", "scheduler": "scheduler --loop",
                   "web": "dailypapers.wsgi"}[name]  # fmt: skip
        out = subprocess.run(["pgrep", "-P", str(self.process.pid), "-f", pattern],
                             capture_output=True, text=True).stdout.split()  # fmt: skip
        return int(out[0]) if out else None
