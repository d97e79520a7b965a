"""A made-up sample file, a `dailypapers run` in a subprocess and its outbox, for the
first-hour browser test (test_first_hour_browser.py).

The sample is a small Kaggle-schema JSON-lines file with a listing-events file beside it
(found by name, as beside the shared sample): four announcement days of invented papers in
cs.LG, cs.CL and cs.CV. Nothing in it is a real abstract.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import gzip
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

from dailypapers.papers.ingest.jsonl import LISTING_EVENTS_NAME
from dailypapers.testing.factories import kaggle_line

# Tuesday to Friday: the sample's last day is its "today", however old it is by the clock.
SAMPLE_DAYS = [date(2025, 3, 11), date(2025, 3, 12), date(2025, 3, 13), date(2025, 3, 14)]
PAPERS_PER_DAY = 10
_CATEGORIES = ["cs.LG", "cs.CL", "cs.CV"]
_CROSS_LISTS = {"cs.LG": "stat.ML", "cs.CL": "cs.AI", "cs.CV": "eess.IV"}
_WORDS = {
    "cs.LG": (["Sparse", "Federated", "Bayesian", "Curious", "Frugal", "Patient", "Noisy"],
              ["Gradient Descent", "Kernel Machines", "Optimisers", "Ensembles", "Mixtures"],
              ["Tabular Puzzles", "Toy Markets", "Lazy Robots", "Paper Planes", "Tide Tables"]),
    "cs.CL": (["Tiny", "Polite", "Multilingual", "Chatty", "Quiet", "Rhyming", "Careful"],
              ["Parsers", "Tokenisers", "Translators", "Summarisers", "Taggers"],
              ["Invented Dialects", "Recipe Books", "Crossword Clues", "Sea Shanties", "Menus"]),
    "cs.CV": (["Blurry", "Panoramic", "Colourful", "Shy", "Dense", "Sleepy", "Nimble"],
              ["Segmenters", "Detectors", "Depth Maps", "Optical Flows", "Renderers"],
              ["Garden Snails", "Cloud Shapes", "Pebble Beaches", "Street Murals", "Teacups"]),
}  # fmt: skip
_AUTHORS = ["Ada Example", "Bo Madeup", "Cy Invented", "Di Fictive", "Ed Sample", "Flo Pretend"]


@dataclass(frozen=True)
class SamplePaper:
    arxiv_id: str
    title: str
    category: str
    announced_on: date


def sample_papers() -> list[SamplePaper]:
    """Ten papers a day, the three categories in turn; titles unique and made up."""
    papers = []
    for day_index, day in enumerate(SAMPLE_DAYS):
        for slot in range(PAPERS_PER_DAY):
            number = day_index * PAPERS_PER_DAY + slot
            category = _CATEGORIES[number % 3]
            first, middle, last = _WORDS[category]
            title = f"{first[number % 7]} {middle[(number // 3) % 5]} for {last[number % 5]}"
            papers.append(SamplePaper(f"2503.{10001 + number}", title, category, day))
    return papers


def _record(paper: SamplePaper, number: int) -> str:
    category_words = " ".join(" ".join(group) for group in _WORDS[paper.category]).lower()
    abstract = (
        f"We study {paper.title.lower()} with made-up data. "
        f"Everything here is invented for a test: {category_words}. " * 2
    )
    submitted = paper.announced_on - timedelta(days=1)
    categories = [paper.category] + ([_CROSS_LISTS[paper.category]] if number % 4 == 0 else [])
    names = [_AUTHORS[number % 6], _AUTHORS[(number + 1) % 6]]
    return kaggle_line(
        paper.arxiv_id,
        paper.title,
        authors=", ".join(names),
        submitter=names[0],
        abstract=abstract,
        categories=" ".join(categories),
        comments=None if number % 5 else f"9 pages. Code: https://github.com/inventedlab/r{number}",
        versions=[{"version": "v1", "created": f"{submitted:%a, %d %b %Y} 17:00:00 GMT"}],
        update_date=paper.announced_on.isoformat(),
        authors_parsed=[[name.split()[1], name.split()[0], ""] for name in names],
    )


def write_sample(folder: Path) -> Path:
    """The JSON-lines file (and its listing events beside it) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    papers = sample_papers()
    sample = folder / "first-hour-sample.jsonl"
    sample.write_text("".join(_record(p, n) + "\n" for n, p in enumerate(papers)))
    events = ["listing_date\tsource\tsource_file\tid\tvariant"] + [
        f"{p.announced_on}\tdaily-listings-cs\tdata/{p.announced_on}.jsonl\t{p.arxiv_id}\t0"
        for p in papers
    ]
    with gzip.open(folder / LISTING_EVENTS_NAME, "wt") as handle:
        handle.write("\n".join(events) + "\n")
    return sample


# The embedded default: none of these may leak in from the test run's own environment
# (the CI's PostgreSQL/Redis leg sets some; a developer's shell may set mail settings).
_NOT_INHERITED = {
    "DATABASE_URL", "REDIS_URL", "TASK_BACKEND", "CACHE_KEY_PREFIX", "DJANGO_SETTINGS_MODULE",
    "DATA_DIR", "DAILYPAPERS_DATA_DIR", "SITE_URL", "SITE_NAME", "ALLOWED_HOSTS", "PORT",
    "DEBUG", "SECRET_KEY", "DEFAULT_FROM_EMAIL", "EMBEDDING_MODEL",
}  # fmt: skip
_NOT_INHERITED_PREFIXES = ("EMAIL_", "DIGEST_", "ARXIV_")


def default_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a fresh install: scratch SQLite under ``data_dir``, no SMTP."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _NOT_INHERITED and not key.startswith(_NOT_INHERITED_PREFIXES)
    }
    env.update(
        DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{data_dir / 'dailypapers.sqlite3'}",
        ALLOWED_HOSTS="127.0.0.1 localhost",
        **extra,
    )
    return env


def dailypapers(*args: str, env: dict[str, str], cwd: Path, timeout: float = 120) -> str:
    """Run one operator command like `make` users do; its output, or a failure with it."""
    result = subprocess.run(
        [sys.executable, "-m", "dailypapers", *args],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    assert result.returncode == 0, f"dailypapers {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


@dataclass
class RunningSite:
    """`dailypapers run` in its own process group, its output in a log file."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path
    exit_code: int | None = field(default=None)
    left_running: list[int] = field(default_factory=list)  # group members alive after run

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, grace: float = 60.0) -> int:
        """Ctrl-C to the whole group (as a terminal sends it); SIGKILL if it will not stop."""
        if self.exit_code is not None:
            return self.exit_code
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.exit_code = self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
            self.exit_code = -signal.SIGKILL
        self.left_running = _live_members(self.process.pid)
        # Whatever is left in the group (nothing, when run stopped its children) goes too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        return self.exit_code


def _live_members(group: int) -> list[int]:
    """Processes of this process group still alive (zombies waiting for a reaper aside)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its ")".
            state, _ppid, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue
        if int(pgrp) == group and state != "Z":
            alive.append(int(stat.parent.name))
    return alive


@contextlib.contextmanager
def running_site(
    port: int, sample: Path, env: dict[str, str], cwd: Path, start_timeout: float = 240
) -> Iterator[RunningSite]:
    """Start `dailypapers run --port PORT --sample FILE`; yield once it answers pages."""
    log = cwd / "run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "dailypapers", "run", "--port", str(port), "--sample",
             str(sample)],
            env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    site = RunningSite(process, f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_serving(site, start_timeout)
        yield site
    finally:
        site.stop()


def _wait_until_serving(site: RunningSite, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if site.process.poll() is not None:
            raise AssertionError(f"run exited with {site.process.returncode}:\n{site.output()}")
        if "is running at" in site.output():
            try:
                with urllib.request.urlopen(site.url + "/", timeout=10) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
        time.sleep(0.5)
    raise AssertionError(f"run did not serve pages within {timeout:.0f} s:\n{site.output()}")


def wait_for_mail(outbox: Path, to: str, subject: str, timeout: float = 120) -> EmailMessage:
    """The outbox message to ``to`` whose subject contains ``subject``, once the background
    worker has written it (files appear whole: they are renamed into place)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.eml")) if outbox.is_dir() else []:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            if message["To"] == to and subject in str(message["Subject"]):
                return message
        time.sleep(0.5)
    found = sorted(p.name for p in outbox.glob("*")) if outbox.is_dir() else "no outbox folder"
    raise AssertionError(f"no email to {to} about {subject!r} within {timeout:.0f} s: {found}")
