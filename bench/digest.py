"""Benchmark email digests end to end: plan a run, render and deliver every digest over SMTP.

    .venv/bin/python bench/digest.py [--subscribers 100000] [--papers 1000] [--workers 4]
                                     [--personal 0.1] [--topics 0.3] [--markdown]

What it does, in order:

1. Builds a scratch site (its own DATA_DIR in a temporary folder, SQLite, the database task
   queue): ``--papers`` synthetic papers announced on one day and ``--subscribers``
   confirmed subscribers, all due now: ``--personal`` of them personal (each linked to a
   member account, ranked by the feed's ``recommend_for_user``), ``--topics`` of them topics
   (half chosen categories, half feed topics), the rest trending. Not timed.
2. Starts a counting SMTP sink (aiosmtpd, no parsing) in a process of its own on loopback.
3. Baseline, in the same run: one process sends one pre-built digest-sized message
   ``--baseline`` times over one reused SMTP connection to the same sink: what SMTP and the
   sink alone allow on this machine at this moment.
4. Timed, end to end: ``runs.check()`` (the scheduler's digest job: creates the run, turns
   every due subscriber into a delivery row, enqueues chunk tasks of DIGEST_CHUNK_SIZE ids
   into the database queue after each planning batch), run by ``--workers`` ``dailypapers
   db_worker`` processes (real workers, started with the clock, so their start-up counts)
   that select, rank, render and send every digest, claiming and recording each delivery in
   the database; the clock stops when no delivery of the run is pending or sending.
5. Checks the outcome (every subscriber exactly one message at the sink, every delivery
   sent) and prints digests/s, the ratio to the baseline, the peak RSS of each process,
   the split between phases (summed over the workers, from the run's counters), and the
   load average before and after.

Target (issue): >= 500 digests/s (the 100k in 200 s or less) within 1 GiB.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from digest_setup import (  # noqa: E402 - the bench folder is not a package
    Sink,
    cpu_seconds,
    django_setup,
    free_port,
    make_papers,
    make_subscribers,
    peak_rss_mib,
    scratch_env,
    start_worker,
    wait_all,
)


def baseline(port: int, count: int) -> tuple[float, int]:
    """Messages/s sending one digest-sized message over one reused connection, and its size."""
    import smtplib

    from django.utils import timezone

    from dailypapers.digests import runs, sending
    from dailypapers.digests.models import DigestRun, Subscriber
    from dailypapers.digests.render import DigestRenderer
    from dailypapers.digests.selection import RunPapers, SubscriberChoice, choose

    run = DigestRun(pk=0, slot=timezone.now(), latest_day=runs.latest_announcement_day())
    papers = RunPapers(run)
    row = Subscriber.objects.filter(content="trending").values(*SubscriberChoice.FIELDS)[0]
    choice = SubscriberChoice.from_row(row)
    message = sending.build_message(
        DigestRenderer(run, papers), choice, choose(choice, papers, set()), "<bench@example>"
    )
    connection = smtplib.SMTP("127.0.0.1", port)
    started = time.perf_counter()
    for number in range(count):
        connection.sendmail("digest@example.org", [f"baseline{number}@example.net"], message)
    elapsed = time.perf_counter() - started
    connection.quit()
    return count / elapsed, len(message)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--papers", type=int, default=1000)
    # Workers spend most of their time waiting for SMTP replies: more of them than cores.
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--personal", type=float, default=0.1)
    parser.add_argument("--topics", type=float, default=0.3)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--baseline", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="dp-digest-bench-"))
    port = free_port()
    env = scratch_env(data_dir, port, DIGEST_CHUNK_SIZE=str(args.chunk))
    sink = Sink(port, data_dir / "sink.tsv")
    try:
        started = time.perf_counter()
        django_setup(env)
        make_papers(args.papers)
        kinds = make_subscribers(
            args.subscribers, personal_share=args.personal, topic_share=args.topics
        )
        print(f"setup: {args.papers:,} papers, {kinds} in {time.perf_counter() - started:.1f} s")
        sink.start()
        base_rate, message_bytes = baseline(port, args.baseline)
        sink.stop()
        sink.totals.clear()
        sink.start()
        print(
            f"baseline: {base_rate:,.0f} messages/s ({message_bytes:,} bytes each, one connection)"
        )

        from django.db import connections
        from django.utils import timezone

        from dailypapers.digests import runs
        from dailypapers.digests.models import Delivery, DigestRun

        load_before = os.getloadavg()
        assert sink.process is not None
        sink_cpu_before = cpu_seconds(sink.process.pid)
        parent_cpu_before = time.process_time()
        clock = time.perf_counter()
        # Workers run throughout, as in production: they take chunks while planning goes on.
        workers = [start_worker(env, batch=False) for _ in range(args.workers)]
        runs.check(timezone.now())
        planned_at = time.perf_counter() - clock
        connections.close_all()
        peaks: dict[int, float] = {}
        run = DigestRun.objects.get()
        while Delivery.objects.filter(run=run, state__in=["pending", "sending"]).exists():
            for worker in workers:
                peaks[worker.pid] = max(peaks.get(worker.pid, 0.0), peak_rss_mib(worker.pid))
                if worker.poll() is not None:
                    raise SystemExit(f"a worker exited with status {worker.returncode}")
            time.sleep(0.1)
        elapsed = time.perf_counter() - clock
        load_after = os.getloadavg()
        worker_cpu = sum(cpu_seconds(worker.pid) for worker in workers)
        assert sink.process is not None
        sink_cpu = cpu_seconds(sink.process.pid) - sink_cpu_before
        sink_peak = peak_rss_mib(sink.process.pid)
        parent_cpu = time.process_time() - parent_cpu_before
        for worker in workers:
            peaks[worker.pid] = max(peaks.get(worker.pid, 0.0), peak_rss_mib(worker.pid))
            worker.terminate()
        wait_all(workers, peaks)
        received = sink.stop()

        run.refresh_from_db()
        sent = Delivery.objects.filter(run=run, state="sent").count()
        states = runs.summary(run)
        repeats = sum(n - 1 for n in received.values() if n > 1)
        missing = args.subscribers - len(received)
        parent_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        phases = {
            "select": run.select_seconds, "rank": run.rank_seconds,
            "render": run.render_seconds, "send (SMTP)": run.send_seconds,
            "record (DB state)": run.record_seconds,
        }  # fmt: skip
        worker_busy = sum(phases.values())
        print(
            f"\nmachine: {platform.node()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}"
        )
        print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
        print(f"deliveries: {states}")
        print(f"sink: {sum(received.values()):,} messages, {len(received):,} recipients, "
              f"{repeats} repeats, {missing} subscribers without a digest "
              f"({states['empty']} of them had nothing new)")  # fmt: skip
        print(f"end to end: {sent:,} digests in {elapsed:.1f} s = {sent / elapsed:,.0f} digests/s "
              f"(planning took {planned_at:.1f} s, overlapped); "
              f"{sent / elapsed / base_rate:.0%} of the baseline")  # fmt: skip
        print(f"peak RSS: parent {parent_peak:.0f} MiB (setup included), workers "
              + ", ".join(f"{v:.0f}" for v in peaks.values()) + " MiB")  # fmt: skip
        print(f"peak RSS of the SMTP sink: {sink_peak:.0f} MiB; all processes together at most "
              f"{parent_peak + sink_peak + sum(peaks.values()):.0f} MiB")  # fmt: skip
        total_cpu = worker_cpu + sink_cpu + parent_cpu
        print(f"CPU time: workers {worker_cpu:.1f} s, SMTP sink {sink_cpu:.1f} s, parent "
              f"(planning, checks) {parent_cpu:.1f} s = {1000 * total_cpu / sent:.2f} ms a digest "
              f"({1000 * worker_cpu / sent:.2f} ms in the workers): on {os.cpu_count()} idle "
              f"cores that is {os.cpu_count() * sent / total_cpu:,.0f} digests/s")  # fmt: skip
        print("phases (seconds summed over workers):")
        print(f"  plan (parent, check(), while workers send): {planned_at:.1f}")
        for name, value in phases.items():
            print(f"  {name}: {value:.1f} ({value / worker_busy:.0%})")
        print(f"  worker time outside the phases (start-up, task queue): "
              f"{args.workers * elapsed - worker_busy:.1f} (approx.)")  # fmt: skip
        ok = sent + states["empty"] == args.subscribers and len(received) == sent and repeats == 0
        print("OK" if ok else "MISMATCH")
        return 0 if ok else 1
    finally:
        sink.stop()
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
        else:
            print(f"kept {data_dir}")


if __name__ == "__main__":
    sys.exit(main())
