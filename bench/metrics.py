"""What /metrics costs: the home page with metrics off and on, in the same run.

    .venv/bin/python bench/metrics.py [--data-dir DIR] [--duration 10] [--rounds 3]

Sets up DATA_DIR as bench/web.py does (its helpers: import of the shared 90,929 papers
unless ``--data-dir`` holds them), then starts two gunicorn servers on the same data, one
without METRICS_TOKEN and one with it (and its own PROMETHEUS_MULTIPROC_DIR), and per round
runs wrk on / against each in turn (order alternating). While the metrics server is measured
a scraper reads /metrics every ``--scrape-every`` seconds, as Prometheus would. Reported per
server: req/s and CPU per request (user + system time of gunicorn's processes, read from
/proc, over the requests wrk made), medians of the rounds, and the on/off ratio.

Target (issue 14): metrics on adds <= 5 % to the home page's CPU per request.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

from web import bench_site, free_port, lua_script, prepare, run_wrk, wait_until_up

TOKEN = "bench-scrape-token"
TICKS = os.sysconf("SC_CLK_TCK")


def group_cpu_seconds(group: int) -> float:
    """User + system CPU of every live process in process group ``group``."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp; utime and stime are fields 14 and 15 of stat
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def start(args: argparse.Namespace, env: dict[str, str], data_dir: Path, name: str) -> tuple:
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "dailypapers.wsgi",
        "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
        "--threads", str(args.threads), "--worker-class", "gthread",
        "--log-level", "warning", "--error-logfile", str(data_dir / f"gunicorn-{name}.log"),
        "--config", "python:dailypapers.core.gunicorn_conf",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=data_dir, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base, server, data_dir / f"gunicorn-{name}.log")
    return server, base


def scrape_while(base: str, every: float, stop: threading.Event, times: int = 0) -> None:
    """Read /metrics every ``every`` seconds until ``stop`` (or ``times`` reads, when given)."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    request = urllib.request.Request(base + "/metrics", headers=headers)
    done = 0
    while not stop.wait(every) and (not times or done < times):
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()
        done += 1


def measure(args: argparse.Namespace, server: subprocess.Popen, base: str, script: Path) -> dict:
    stop = threading.Event()
    scraper = None
    if base in args.scraped:
        # Outside the measured window: each worker's first scrape may load the embedding
        # model (the backlog counts vectors of the active one), as its first search would.
        scrape_while(base, 0, threading.Event(), times=2 * args.workers)
    run_wrk(args, base + "/", script, args.warmup, show=False)
    if base in args.scraped:
        scraper = threading.Thread(target=scrape_while, args=(base, args.scrape_every, stop))
        scraper.start()
    cpu_before = group_cpu_seconds(server.pid)
    run = run_wrk(args, base + "/", script, args.duration, show=False)
    run["cpu_ms"] = (group_cpu_seconds(server.pid) - cpu_before) * 1000 / run["requests"]
    stop.set()
    if scraper:
        scraper.join()
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="DATA_DIR to use (kept); default: scratch")
    parser.add_argument("--file", type=Path, default=Path(__file__).resolve().parents[2]
                        / "shared" / "data" / "arxiv-metadata.jsonl.gz")  # fmt: skip
    parser.add_argument("--expect-papers", type=int, default=90_929)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per run")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--scrape-every", type=float, default=5.0, help="seconds (0: no scrapes, counting alone)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--paper-ids", type=int, default=10)
    parser.add_argument("--trending-papers", type=int, default=0)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    args.src = Path(__file__).resolve().parent.parent / "src"

    with bench_site(args, "dailypapers-metricsbench-") as (env, data_dir):
        prepare(args, env)
        metrics_dir = Path(tempfile.mkdtemp(prefix="metrics-mp-"))
        env_on = dict(env, METRICS_TOKEN=TOKEN, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
        env_off = {k: v for k, v in env.items() if k != "METRICS_TOKEN"}
        servers = {}
        load_before = os.getloadavg()
        try:
            servers["off"] = start(args, env_off, data_dir, "off")
            servers["on"] = start(args, env_on, data_dir, "on")
            args.scraped = {servers["on"][1]} if args.scrape_every > 0 else set()
            script = lua_script(Path(tempfile.mkdtemp(prefix="metricsbench-lua-")), "home", None)
            runs: dict[str, list[dict]] = {"off": [], "on": []}
            for number in range(args.rounds):
                for name in ("off", "on") if number % 2 == 0 else ("on", "off"):
                    run = measure(args, *servers[name], script)
                    runs[name].append(run)
                    print(f"round {number + 1} metrics {name}: {run['rps']:,.0f} req/s, "
                          f"{run['cpu_ms']:.3f} CPU ms/request", flush=True)  # fmt: skip
        finally:
            for server, _ in servers.values():
                if server.poll() is None:
                    os.killpg(server.pid, signal.SIGTERM)
                    server.wait(timeout=30)
            shutil.rmtree(metrics_dir, ignore_errors=True)
        load_after = os.getloadavg()
    rps = {name: statistics.median(r["rps"] for r in runs[name]) for name in runs}
    cpu = {name: statistics.median(r["cpu_ms"] for r in runs[name]) for name in runs}
    ratios = [on["cpu_ms"] / off["cpu_ms"] for on, off in zip(runs["on"], runs["off"], strict=True)]
    print()
    print("| metrics | req/s | CPU ms/request |")
    print("| --- | ---: | ---: |")
    for name in ("off", "on"):
        print(f"| {name} | {rps[name]:,.0f} | {cpu[name]:.3f} |")
    each = ", ".join(f"{r:.3f}" for r in ratios)
    print(f"CPU per request on/off: {statistics.median(ratios):.3f} (rounds: {each}); "
          f"req/s on/off {rps['on'] / rps['off']:.3f}")  # fmt: skip
    print(f"load average before {load_before[0]:.2f} {load_before[1]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f}; {os.cpu_count()} CPUs")  # fmt: skip


if __name__ == "__main__":
    main()
