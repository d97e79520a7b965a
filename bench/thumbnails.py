"""Thumbnail bench: the whole pipeline (claim, fetch over HTTP, render page 1, write the WebP,
record the row) over generated paper-like PDFs, then the render alone.

    .venv/bin/python bench/thumbnails.py [--count 40] [--seed 1]

What it does, in order:

1. Writes ``--count`` PDFs (dailypapers.testing.pdfs: 4 to 10 US-letter pages of text, each
   with a line plot of 8,000 to 18,000 segments, uncompressed: 0.5 to 3 MB) to a scratch
   folder, one at a time.
2. Serves them from a separate process (``python -m http.server`` on 127.0.0.1), so the
   server's memory is not counted.
3. Sets up a scratch site (SQLite under a scratch DATA_DIR, migrated), with
   THUMBNAIL_PDF_URL at that server and ARXIV_REQUEST_INTERVAL=0: the speed figure is the
   pipeline's, not arXiv's pace (3 s a request in production, 0.33 papers/s at most).
4. Runs ``make_thumbnail`` for one paper per file, timed: renders/s end to end. Then
   ``first_page_webp`` alone over the same bytes: renders/s of PDFium + WebP.
5. Prints a Markdown table with the process's peak RSS (VmHWM: Django, the client and every
   render; the whole process, not a difference), the machine and its load average.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from dailypapers.testing.pdfs import paper_pdf  # noqa: E402


def peak_rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else float("nan")


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown CPU"
    found = re.search(r"model name\s*:\s*(.+)", text)
    return found.group(1).strip() if found else "unknown CPU"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_fixtures(folder: Path, count: int, seed: int) -> list[tuple[str, int]]:
    """(arxiv id, bytes) of each PDF written under folder/pdf/<id>v1."""
    rng = random.Random(seed)
    (folder / "pdf").mkdir(parents=True)
    written = []
    for number in range(1, count + 1):
        arxiv_id = f"2501.{number:05d}"
        data = paper_pdf(
            pages=rng.randint(4, 10),
            drawing_ops=rng.randint(8_000, 18_000),
            seed=number,
            title=f"Benchmark paper {number}",
        )
        (folder / "pdf" / f"{arxiv_id}v1").write_bytes(data)
        written.append((arxiv_id, len(data)))
    return written


def serve(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
         "--directory", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return server, url
        except OSError:
            time.sleep(0.05)
    server.kill()
    sys.exit("the fixture server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-thumbnails-"))
    fixtures = write_fixtures(scratch / "www", args.count, args.seed)
    server, url = serve(scratch / "www")
    try:
        run(scratch, url, fixtures)
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(scratch, ignore_errors=True)


def run(scratch: Path, url: str, fixtures: list[tuple[str, int]]) -> None:
    for name in ("DATABASE_URL", "REDIS_URL", "TASK_BACKEND"):
        os.environ.pop(name, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="dailypapers.settings", DATA_DIR=str(scratch / "data"),
        THUMBNAIL_PDF_URL=f"{url}/pdf", ARXIV_REQUEST_INTERVAL="0", LOG_LEVEL="WARNING",
        ARXIV_CONTACT="bench@example.org", SECRET_KEY="bench-" + "x" * 50,
    )  # fmt: skip
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from dailypapers.lib.pdf_thumbnail import first_page_webp
    from dailypapers.papers.models import Paper
    from dailypapers.thumbnails import storage
    from dailypapers.thumbnails.fetching import make_thumbnail, pdf_client

    call_command("migrate", verbosity=0)
    papers = [
        Paper.objects.create(arxiv_id=arxiv_id, version=1, title=arxiv_id, content_hash="x")
        for arxiv_id, _ in fixtures
    ]
    before = peak_rss_mb()
    started = time.perf_counter()
    outcomes: dict[str, int] = {}
    with pdf_client() as client:
        for paper in papers:
            row = make_thumbnail(paper.pk, client)
            status = str(row.status) if row is not None else "none"
            outcomes[status] = outcomes.get(status, 0) + 1
    pipeline_seconds = time.perf_counter() - started
    pipeline_peak = peak_rss_mb()

    render_seconds = 0.0
    for arxiv_id, _ in fixtures:
        data = (scratch / "www" / "pdf" / f"{arxiv_id}v1").read_bytes()
        started = time.perf_counter()
        first_page_webp(data, width=storage.WIDTH, max_height=storage.MAX_HEIGHT)
        render_seconds += time.perf_counter() - started

    sizes = [size for _, size in fixtures]
    webp = [path.stat().st_size for path in Path(settings.THUMBNAIL_DIR).rglob("*.webp")]
    count = len(fixtures)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"outcomes: {outcomes}")
    print()
    print("| PDFs | PDF size (min / mean / max) | end to end | render only | WebP (mean) "
          "| peak RSS before / after |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    print(
        f"| {count} | {min(sizes) / 1e6:.2f} / {sum(sizes) / count / 1e6:.2f} / "
        f"{max(sizes) / 1e6:.2f} MB | {count / pipeline_seconds:.1f} renders/s "
        f"| {count / render_seconds:.1f} renders/s | {sum(webp) / max(len(webp), 1) / 1e3:.0f} kB "
        f"| {before:.0f} / {pipeline_peak:.0f} MB |"
    )
    print()
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores; load average {load}")
    print(f"python {platform.python_version()}")


if __name__ == "__main__":
    main()
