"""Fault bench: the whole service under kill -9, dependency outages, a full disk and SIGTERM.

    .venv/bin/python bench/faults.py [--records 20000] [--repeats 3] [--outage 10]
                                     [--postgres-url postgres://…] [--restart-postgres]
                                     [--short] [--seed 7]

On scratch sites (synthetic Kaggle-schema records; a scratch SQLite database, or a scratch
database created on the PostgreSQL server of ``--postgres-url``) it plays each fault class
``--repeats`` times and reports, per class, the data lost (must be 0), the repeats and the
seconds to recover without a manual restart (target: at most 10 s after the dependency
returns):

* ``import-kill``: ``dailypapers ingest jsonl`` killed with SIGKILL at a random moment, then
  run again; its parse child must die with it, and the store must end with every record;
* ``full-disk`` (root only: a small tmpfs): the data folder fills up during an import, which
  ends with one line; the disk grows again and the import, run again, completes;
* ``child-kill``: under ``dailypapers run``, the worker, the scheduler or the web server gets
  SIGKILL at a random moment; recovered = a new one runs and the site answers 200;
* ``redis-outage``: a private redis-server (the page cache) stopped for ``--outage`` seconds;
  pages must keep answering 200; recovered = pages are served from the cache again;
* ``postgres-drop`` (with ``--postgres-url``): every connection of the scratch database is
  terminated (``pg_terminate_backend``), or with ``--restart-postgres`` the server is
  restarted (``pg_ctlcluster 15 main restart``: never in CI, the server is shared);
  recovered = the site answers 200 and the scheduler queues tasks again;
* ``sigterm``: ``dailypapers run`` gets SIGTERM; it must exit 0 within its grace, with no
  child left.

The exit status is 0 only when nothing was lost and every recovery was seen in time.
``--short`` is the CI version (bench tests, ``slow``): small numbers, under a minute.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
RECOVERY_TARGET = 10.0
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from faults_setup import (  # noqa: E402 - the bench folder is not a package
    Outcome,
    Site,
    alive,
    dailypapers,
    paper_count,
    processes_matching,
    site_env,
    write_records,
)

from dailypapers.testing.redis_server import PrivateRedis  # noqa: E402


def import_kill(records: Path, count: int, repeats: int, rng: random.Random, env_of) -> Outcome:
    outcome = Outcome("import-kill")
    data_dir = Path(tempfile.mkdtemp(prefix="dp-faults-import-"))
    env = env_of(data_dir)
    dailypapers(env, "migrate", "-v0")
    started = time.monotonic()
    dailypapers(env, "ingest", "jsonl", str(records))
    full_seconds = time.monotonic() - started
    dailypapers(env, "flush", "--no-input")
    for _ in range(repeats):
        process = subprocess.Popen(
            [PYTHON, "-m", "dailypapers", "ingest", "jsonl", str(records)], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.3, max(0.4, full_seconds * 0.8)))
        process.send_signal(signal.SIGKILL)
        process.wait()
        outcome.repeats += 1
        deadline = time.monotonic() + 5
        while processes_matching(str(records)) and time.monotonic() < deadline:
            time.sleep(0.1)
        orphans = processes_matching(str(records))
        if orphans:
            outcome.failures.append(f"parse child orphaned: {orphans}")
            for pid in orphans:
                os.kill(pid, signal.SIGKILL)
        outcome.recover.append(0.0)  # the next import resumes at once
    done = dailypapers(env, "ingest", "jsonl", str(records))
    if done.returncode != 0:
        outcome.failures.append(done.stderr.strip()[-300:])
    outcome.lost = count - paper_count(env)
    outcome.note = f"full import {full_seconds:.1f} s"
    shutil.rmtree(data_dir, ignore_errors=True)
    return outcome


def full_disk(records: Path, count: int, env_of) -> Outcome:
    outcome = Outcome("full-disk")
    mount = Path(tempfile.mkdtemp(prefix="dp-faults-disk-"))
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:  # fmt: skip
        outcome.note = "skipped: mounting a tmpfs needs root"
        return outcome
    try:
        env = env_of(mount)
        migrated = dailypapers(env, "migrate", "-v0")
        first = (
            migrated
            if migrated.returncode != 0
            else dailypapers(env, "ingest", "jsonl", str(records))
        )
        outcome.repeats = 1
        error_lines = [line for line in first.stderr.splitlines() if line.strip()]
        if first.returncode == 0:
            outcome.note = "the disk did not fill: use more --records"
        elif len(error_lines) != 1 or "Traceback" in first.stderr:
            outcome.failures.append(f"not one line: {error_lines[:3]}")
        else:
            outcome.note = error_lines[0][:90]
        subprocess.run(["mount", "-o", "remount,size=400m", str(mount)], check=True)
        returned = time.monotonic()
        dailypapers(env, "migrate", "-v0")
        again = dailypapers(env, "ingest", "jsonl", str(records))
        outcome.recover.append(time.monotonic() - returned)
        if again.returncode != 0:
            outcome.failures.append(again.stderr.strip()[-300:])
        outcome.lost = count - paper_count(env)
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
    return outcome


def child_kill(site: Site, repeats: int, rng: random.Random) -> Outcome:
    outcome = Outcome("child-kill")
    by_child: dict[str, list[float]] = {}
    for _ in range(repeats):
        name = rng.choice(["worker", "scheduler", "web"])
        victim = site.child(name)
        if victim is None:
            outcome.failures.append(f"no {name} to kill")
            continue
        time.sleep(rng.uniform(0, 1.5))
        os.kill(victim, signal.SIGKILL)
        killed = time.monotonic()
        outcome.repeats += 1
        while time.monotonic() - killed < 30:
            replacement = site.child(name)
            if replacement and replacement != victim and site.get()[0] == 200:
                outcome.recover.append(time.monotonic() - killed)
                by_child.setdefault(name, []).append(outcome.recover[-1])
                break
            time.sleep(0.1)
        else:
            outcome.failures.append(f"{name} not back within 30 s")
        time.sleep(1.0)  # past the restart backoff of this child
    outcome.note = ", ".join(
        f"{name} {len(times)}x worst {max(times):.1f} s" for name, times in sorted(by_child.items())
    )
    return outcome


def redis_outage(site: Site, redis: PrivateRedis, seconds: float) -> Outcome:
    outcome = Outcome("redis-outage", repeats=1)
    paths = ["/", "/trending/", "/api/v1/trending", "/api/daily_papers"]
    redis.stop()
    errors = answers = 0
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        for path in paths:
            status = site.get(path)[0]
            answers += 1
            errors += status != 200
        time.sleep(0.1)
    redis.start()
    returned = time.monotonic()
    while time.monotonic() - returned < 30:
        site.get("/trending/")
        if site.get("/trending/")[1].get("X-Page-Cache") == "hit":
            outcome.recover.append(time.monotonic() - returned)
            break
        time.sleep(0.1)
    else:
        outcome.failures.append("pages not cached again within 30 s")
    if errors:
        outcome.failures.append(f"{errors} of {answers} answers were not 200 while Redis was down")
    outcome.note = f"{answers} requests during the outage, {errors} errors"
    return outcome


def postgres_drop(
    site: Site, admin_url: str, database: str, restart: bool, repeats: int
) -> Outcome:
    import psycopg

    outcome = Outcome("postgres-drop")

    def queued() -> int:
        with psycopg.connect(admin_url.rsplit("/", 1)[0] + f"/{database}") as conn:
            return conn.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult"
            ).fetchone()[0]

    for _ in range(repeats):
        scheduler = site.child("scheduler")
        if restart:
            subprocess.run(["pg_ctlcluster", "15", "main", "restart"], check=True)
        else:
            with psycopg.connect(_admin_url(admin_url), autocommit=True) as conn:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [database],
                )
        returned = time.monotonic()
        outcome.repeats += 1
        before = None
        while time.monotonic() - returned < 30:
            with contextlib.suppress(Exception):
                before = queued() if before is None else before
                if site.get()[0] == 200 and queued() > before:
                    outcome.recover.append(time.monotonic() - returned)
                    break
            time.sleep(0.2)
        else:
            outcome.failures.append("not recovered within 30 s")
        if site.child("scheduler") != scheduler:
            outcome.note = "the scheduler was restarted by run (it should survive)"
        time.sleep(1)
    return outcome


def sigterm(site: Site) -> Outcome:
    outcome = Outcome("sigterm", repeats=1)
    children = [pid for pid in (site.child(n) for n in ("worker", "scheduler", "web")) if pid]
    site.process.send_signal(signal.SIGTERM)
    started = time.monotonic()
    try:
        status = site.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        site.process.kill()
        status = -9
    outcome.recover.append(time.monotonic() - started)
    if status != 0:
        outcome.failures.append(f"run exited with status {status}")
    left = [pid for pid in children if alive(pid)]
    if left:
        outcome.failures.append(f"children left running: {left}")
    return outcome


def _admin_url(url: str) -> str:
    """The server's maintenance database: the named one may not exist (the tests' own)."""
    return url.rsplit("/", 1)[0] + "/postgres"


def _scratch_postgres(url: str) -> tuple[str, str]:
    import psycopg

    database = f"dp_faults_bench_{os.getpid()}"
    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    return url.rsplit("/", 1)[0] + f"/{database}", database


def _drop_postgres(url: str, database: str) -> None:
    import psycopg

    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--outage", type=float, default=10.0)
    parser.add_argument("--postgres-url", default="", help="an admin URL; a scratch DB is made")
    parser.add_argument("--restart-postgres", action="store_true")
    parser.add_argument("--short", action="store_true", help="the CI version")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.short:
        args.records, args.repeats, args.outage = 1000, 1, 2.0
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="dp-faults-"))
    records = work / "records.jsonl"
    write_records(records, args.records, args.seed)
    database_url = database = ""
    if args.postgres_url:
        database_url, database = _scratch_postgres(args.postgres_url)

    def env_of(data_dir: Path, **extra: str) -> dict[str, str]:
        return site_env(
            data_dir, **({"DATABASE_URL": database_url} if database_url else {}), **extra
        )

    outcomes: list[Outcome] = []
    redis = PrivateRedis(work)
    site: Site | None = None
    try:
        outcomes.append(import_kill(records, args.records, args.repeats, rng, env_of))
        if not args.short and not database_url:
            outcomes.append(full_disk(records, args.records, env_of))
        redis.start()
        site_dir = work / "site"
        site_dir.mkdir()
        site = Site(env_of(site_dir, REDIS_URL=redis.url, TASK_BACKEND="db"), site_dir)
        if not site.wait_ready():
            raise SystemExit("the site did not start:\n" + site.log.read_text()[-2000:])
        outcomes.append(child_kill(site, args.repeats * 2, rng))
        outcomes.append(redis_outage(site, redis, args.outage))
        if database_url:
            outcomes.append(
                postgres_drop(
                    site, args.postgres_url, database, args.restart_postgres, args.repeats
                )
            )
        outcomes.append(sigterm(site))
    finally:
        if site is not None and site.process.poll() is None:
            site.process.kill()
        redis.stop()
        if database:
            _drop_postgres(args.postgres_url, database)
        shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {args.records:,} records;"
          f" database {'PostgreSQL' if database_url else 'SQLite'}")  # fmt: skip
    for outcome in outcomes:
        print(outcome.line())
        for failure in outcome.failures:
            print(f"  - {failure}")
    bad = [o for o in outcomes if o.failures or o.lost]
    slow = [
        o for o in outcomes if o.name != "full-disk" and any(s > RECOVERY_TARGET for s in o.recover)
    ]
    ok = not bad and not slow
    print("OK: nothing lost, every recovery within 10 s" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
