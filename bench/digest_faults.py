"""Fault test for digest delivery: workers killed with SIGKILL, and the mail server down.

    .venv/bin/python bench/digest_faults.py [--subscribers 2000] [--kills 10] [--outage 30]
                                            [--workers 2] [--rate 40] [--seed 7]

On a scratch site (SQLite, the database task queue) with ``--subscribers`` subscribers all
due, this starts a counting SMTP sink and ``--workers`` ``dailypapers db_worker`` processes,
and plays the scheduler itself: it calls ``runs.check()`` (the scheduler's digest job) once
a second. Workers send at most ``--rate`` messages a second each (DIGEST_SEND_RATE), so the
run lasts long enough for the faults:

* ``--kills`` times, at random moments while the run is unfinished, one random worker gets
  SIGKILL and a new one is started at once;
* once a third of the digests have arrived, the SMTP server is stopped for ``--outage``
  seconds and started again on the same port.

Leases and retries are short for the test (DIGEST_LEASE_SECONDS=5, DIGEST_REQUEUE_SECONDS=10,
DIGEST_RETRY_SECONDS=1). At the end it checks that every due subscriber received a digest,
that the number of repeated messages is at most the number of kills, and that every
delivery is recorded as sent; the exit status is 0 only then.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from digest_setup import (  # noqa: E402 - the bench folder is not a package
    Sink,
    django_setup,
    free_port,
    make_papers,
    make_subscribers,
    scratch_env,
    start_worker,
    wait_all,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--papers", type=int, default=200)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--outage", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=40.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    data_dir = Path(tempfile.mkdtemp(prefix="dp-digest-faults-"))
    port = free_port()
    env = scratch_env(
        data_dir, port,
        DIGEST_CHUNK_SIZE="50", DIGEST_SEND_RATE=str(args.rate), DIGEST_LEASE_SECONDS="5",
        DIGEST_REQUEUE_SECONDS="10", DIGEST_RETRY_SECONDS="1", DIGEST_MAX_ATTEMPTS="12",
        EMAIL_TIMEOUT="2",  # below the lease, as DIGEST_LEASE_SECONDS asks
    )  # fmt: skip
    sink = Sink(port, data_dir / "sink.tsv")
    workers = []
    try:
        django_setup(env)
        make_papers(args.papers)
        make_subscribers(args.subscribers, personal_share=0.1, topic_share=0.3)
        from django.db import connections
        from django.utils import timezone

        from dailypapers.digests import runs
        from dailypapers.digests.models import Delivery, DigestRun

        sink.start()
        workers = [start_worker(env, batch=False) for _ in range(args.workers)]
        started = time.monotonic()
        runs.check(timezone.now())
        run = DigestRun.objects.get()
        kills_done = 0
        next_kill = time.monotonic() + rng.uniform(0.5, 3.0)
        outage_state = "waiting"  # then "down", then "done"
        outage_ends = 0.0
        log: list[str] = []

        def note(text: str) -> None:
            log.append(f"{time.monotonic() - started:6.1f} s  {text}")
            print(log[-1], flush=True)

        while True:
            now = time.monotonic()
            if now - started > args.timeout:
                note("timed out")
                break
            open_left = Delivery.objects.filter(run=run, state__in=["pending", "sending"])
            if not open_left.exists() and outage_state != "down":
                note("run complete")
                break
            sent = Delivery.objects.filter(run=run, state="sent").count()
            if kills_done < args.kills and now >= next_kill:
                victim = rng.randrange(len(workers))
                workers[victim].kill()
                workers[victim].wait()
                workers[victim] = start_worker(env, batch=False)
                kills_done += 1
                note(f"kill -9 worker {victim} ({kills_done}/{args.kills}), {sent} sent")
                next_kill = now + rng.uniform(0.5, 4.0)
            if outage_state == "waiting" and sent >= args.subscribers // 3:
                sink.stop()
                outage_state, outage_ends = "down", now + args.outage
                note(f"SMTP server stopped for {args.outage:.0f} s, {sent} sent")
            elif outage_state == "down" and now >= outage_ends:
                sink.start()
                outage_state = "done"
                note(f"SMTP server back, {sent} sent")
            runs.check(timezone.now())
            connections.close_all()
            time.sleep(1.0)

        received = sink.stop()
        states = runs.summary(run)
        due = args.subscribers - states["empty"]
        repeats = sum(n - 1 for n in received.values() if n > 1)
        missing = due - len(received)
        took = time.monotonic() - started
        print(f"\n{args.subscribers} subscribers, {kills_done} kills, "
              f"{args.outage:.0f} s SMTP outage, {took:.1f} s in all")  # fmt: skip
        print(f"deliveries: {states}")
        print(f"received: {sum(received.values())} messages for {len(received)} subscribers; "
              f"{repeats} repeats (at most {kills_done} allowed), {missing} missing")  # fmt: skip
        ok = (
            missing == 0
            and repeats <= kills_done
            and states["sent"] == due
            and kills_done == args.kills
            and outage_state == "done"
        )
        print("OK" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
        wait_all(workers, {})
        sink.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
