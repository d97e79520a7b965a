"""Shared by bench/digest.py and bench/digest_faults.py: a scratch site, synthetic papers and
subscribers, a counting SMTP sink in its own process, and helpers to watch processes.

Nothing here is real data: titles, abstracts and names are made of a fixed word list with a
fixed seed, so every run builds the same site.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DAY = date(2026, 3, 4)
CATEGORIES = ["cs.LG", "cs.CL", "cs.CV", "cs.AI", "stat.ML", "cs.RO", "cs.IR", "math.OC"]
WORDS = [
    "learning",
    "graph",
    "neural",
    "sparse",
    "robust",
    "efficient",
    "language",
    "vision",
    "model",
    "attention",
    "diffusion",
    "policy",
    "reward",
    "optimal",
    "transport",
    "kernel",
    "bayesian",
    "causal",
    "inference",
    "retrieval",
    "token",
    "scaling",
    "contrastive",
    "federated",
    "adaptive",
    "quantum",
    "spectral",
    "convex",
    "stochastic",
    "gradient",
    "latent",
]


def scratch_env(data_dir: Path, smtp_port: int, **extra: str) -> dict[str, str]:
    """The environment every process of a run shares (the parent sets it on itself too)."""
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "dailypapers.settings",
        "TASK_BACKEND": "db",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_TIMEOUT": "10",
        "SITE_URL": "https://papers.example.org",
        "DIGEST_FROM_EMAIL": "dailypapers <digest@papers.example.org>",
        "DIGEST_POSTAL_ADDRESS": "1 Example Street, Example Town",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO / "src"),
        **extra,
    }
    for name in ("DATABASE_URL", "REDIS_URL"):  # a scratch SQLite site unless told otherwise
        if name not in extra:
            env.pop(name, None)
    return env


def django_setup(env: dict[str, str]) -> None:
    os.environ.clear()  # nothing of the caller's DATABASE_URL or REDIS_URL may leak in
    os.environ.update(env)
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def make_papers(count: int, seed: int = 1) -> list[int]:
    """``count`` papers announced on DAY (the newest day), with trending scores and votes."""
    from dailypapers.papers.models import Paper, PaperCategory

    rng = random.Random(seed)
    papers = []
    for number in range(count):
        categories = rng.sample(CATEGORIES, k=rng.choice((1, 1, 2, 3)))
        score = rng.random() ** 3 * 50
        papers.append(
            Paper(
                arxiv_id=f"2603.{number + 1:05d}",
                title=_sentence(rng, rng.randint(6, 14)).capitalize(),
                abstract=". ".join(_sentence(rng, 18).capitalize() for _ in range(8)) + ".",
                author_names=[
                    f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS).capitalize()}"
                    for _ in range(rng.randint(1, 9))
                ],
                primary_category=categories[0],
                categories=" ".join(categories),
                announced_on=DAY,
                trending_score=score,
                upvote_count=int(score),
                code_links=[f"https://example.org/code/{number}"] if rng.random() < 0.3 else [],
                has_code=False,
                content_hash=f"bench{number}",
            )
        )
    Paper.objects.bulk_create(papers, batch_size=500)
    # Category pages and topics read these rows, as after a real ingest.
    PaperCategory.objects.bulk_create(
        [
            PaperCategory(paper_id=pk, category=category, announced_on=DAY)
            for pk, categories in Paper.objects.values_list("pk", "categories")
            for category in categories.split()
        ],
        batch_size=2000,
    )
    return list(Paper.objects.values_list("pk", flat=True))


def make_subscribers(
    count: int, *, personal_share: float, topic_share: float, seed: int = 2
) -> dict:
    """Confirmed subscribers due now: trending, topics (categories, or feed topics when the
    feed app has them) and personal (linked to a member account)."""
    from django.contrib.auth import get_user_model

    from dailypapers.digests.models import Subscriber

    rng = random.Random(seed)
    now = datetime.now(UTC)
    due = now - timedelta(minutes=5)
    topic_ids: list[int] = []
    try:
        from dailypapers.feed.models import Topic

        for index, category in enumerate(CATEGORIES):
            topic = Topic.objects.create(
                name=f"Bench {category}", slug=f"bench-{index}", categories=[category]
            )
            topic_ids.append(topic.pk)
    except ImportError:
        pass
    personal = int(count * personal_share)
    topics = int(count * topic_share)
    user_model = get_user_model()
    # bulk_create skips save(), which gives each member a handle: name them here.
    users = [
        user_model(email=f"member{i}@example.net", password="!", handle=f"bench-member-{i}")
        for i in range(personal)
    ]
    user_model.objects.bulk_create(users, batch_size=2000)
    user_ids = list(
        user_model.objects.filter(email__startswith="member").values_list("pk", flat=True)
    )
    batch: list[Subscriber] = []
    kinds = {"trending": 0, "topics": 0, "personal": 0}
    for number in range(count):
        if number < personal:
            kind, extra = "personal", {"user_id": user_ids[number]}
        elif number < personal + topics:
            kind = "topics"
            if topic_ids and number % 2:
                extra = {"topic_ids": rng.sample(topic_ids, k=rng.randint(1, 3))}
            else:
                extra = {"categories": rng.sample(CATEGORIES, k=rng.randint(1, 3))}
        else:
            kind, extra = "trending", {}
        kinds[kind] += 1
        batch.append(
            Subscriber(
                email=f"reader{number}@example.com",
                content=kind,
                top_n=rng.choice((5, 10, 10, 15)),
                confirmed_at=now - timedelta(days=1),
                next_due_at=due,
                **extra,
            )
        )
        if len(batch) >= 5000:
            Subscriber.objects.bulk_create(batch)
            batch = []
    Subscriber.objects.bulk_create(batch)
    return kinds


SINK_CODE = r"""
import asyncio, signal, sys, threading, time
from aiosmtpd.controller import Controller

class Counter:
    def __init__(self):
        self.count = 0
        self.recipients = {}
    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        for rcpt in envelope.rcpt_tos:
            self.recipients[rcpt] = self.recipients.get(rcpt, 0) + 1
        return "250 OK"

handler = Counter()
controller = Controller(handler, hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
stop.wait()
controller.stop()
with open(sys.argv[2], "w") as out:
    for rcpt, n in handler.recipients.items():
        out.write(f"{rcpt}\t{n}\n")
print(handler.count, flush=True)
"""


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """A counting aiosmtpd server in a process of its own; ``stop()`` returns per-recipient
    counts. Stopping and starting it again on the same port plays a mail server outage."""

    def __init__(self, port: int, report: Path) -> None:
        self.port, self.report = port, report
        self.process: subprocess.Popen | None = None
        self.totals: dict[str, int] = {}

    def start(self) -> None:
        self.process = subprocess.Popen(
            [PYTHON, "-c", SINK_CODE, str(self.port), str(self.report)],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if line != "ready":
            raise RuntimeError(f"the SMTP sink did not start: {line!r}")

    def stop(self) -> dict[str, int]:
        if self.process is None:
            return self.totals
        self.process.terminate()
        self.process.wait(timeout=30)
        self.process = None
        for line in self.report.read_text().splitlines():
            rcpt, n = line.split("\t")
            self.totals[rcpt] = self.totals.get(rcpt, 0) + int(n)
        return self.totals


def peak_rss_mib(pid: int) -> float:
    """VmHWM of a live process (its peak resident set so far), in MiB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process so far; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_worker(env: dict[str, str], *, batch: bool) -> subprocess.Popen:
    command = [PYTHON, "-m", "dailypapers", "db_worker", "--no-reload", "--no-startup-delay",
               "--interval", "0.2", "--verbosity", "0"]  # fmt: skip
    if batch:
        command.append("--batch")
    return subprocess.Popen(command, env=env, cwd=REPO)


def wait_all(processes: list[subprocess.Popen], peaks: dict[int, float]) -> None:
    while any(p.poll() is None for p in processes):
        for p in processes:
            peaks[p.pid] = max(peaks.get(p.pid, 0.0), peak_rss_mib(p.pid))
        time.sleep(0.2)
