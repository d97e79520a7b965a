"""The service's Prometheus metrics: defined here, low in the layers, so any app may count.

Counters and histograms only: what a process records goes to prometheus-client's
multiprocess files when PROMETHEUS_MULTIPROC_DIR is set (settings.py sets it from
METRICS_TOKEN, before this module is first imported), so gunicorn's web workers and the task
workers add up in one scrape. Numbers read from the database at scrape time (queue depth,
embedding backlog) are not recorded here: ops/metrics.py collects them.

Every label takes a few known values, never one from a request (a path, an address, a user):
views by their URL pattern name, statuses by class.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from prometheus_client import Counter, Histogram

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# Pages answer in milliseconds; the slow end is a cold search or a big export.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# An SMTP hand-over on the same network takes milliseconds; a remote relay, up to seconds.
SMTP_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUEST_SECONDS = Histogram(
    "dailypapers_http_request_duration_seconds",
    "Time to answer a request, by URL pattern name and status class (_count: requests).",
    ["view", "status"],
    buckets=REQUEST_BUCKETS,
)
PAGE_CACHE = Counter(
    "dailypapers_page_cache_requests",
    "Anonymous pages and API lists served from the shared cache (hit) or computed (miss).",
    ["result"],
)
INGEST_PAPERS = Counter(
    "dailypapers_ingest_papers",
    "Papers seen by finished ingests, by source and outcome.",
    ["source", "outcome"],
)
INGEST_RUNS = Counter(
    "dailypapers_ingest_runs",
    "Finished ingests, by source and result (ok or error).",
    ["source", "result"],
)
DIGEST_DELIVERIES = Counter(
    "dailypapers_digest_deliveries",
    "Digest messages by outcome: sent (accepted by SMTP), failed (for good), retrying.",
    ["outcome"],
)
EMAILS = Counter(
    "dailypapers_emails",
    "Queued emails (sign-up, password, notices) by outcome: sent, failed, retrying, skipped.",
    ["outcome"],
)
SMTP_SECONDS = Histogram(
    "dailypapers_smtp_send_seconds",
    "Time to hand one message to the mail server (digests) or one email's batch (mail).",
    ["sender"],
    buckets=SMTP_BUCKETS,
)


def status_class(status: int) -> str:
    """200 -> "2xx": five values in all."""
    return f"{min(max(status // 100, 1), 5)}xx"


def multiprocess_dir() -> Path | None:
    """The folder this process's metrics are written to; None when they stay in memory."""
    configured = os.environ.get(MULTIPROC_ENV, "").strip()
    return Path(configured) if configured else None


def reset_multiprocess_dir(folder: Path) -> None:
    """Empty ``folder`` before any process writes to it: counts start again from zero.

    Files left by processes of an earlier start would otherwise be summed with the new
    ones forever (prometheus-client keys its files by process id, and ids are reused).
    """
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)


def mark_process_dead(pid: int) -> None:
    """Bookkeeping for a process that exited (gunicorn's child_exit hook)."""
    if multiprocess_dir() is None:
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
