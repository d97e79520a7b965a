"""Backup bench: `dailypapers backup` of the 90,929-paper SQLite store while it is read and
written, then `dailypapers restore` into a new folder and a check of what came back.

    .venv/bin/python bench/backup.py [--from-store DIR] [--readers 2] [--writers 1]
                                     [--read-rate 50] [--write-rate 10] [--quick-check]

The store is a scratch copy: of ``--from-store DIR`` (a data folder holding
dailypapers.sqlite3, e.g. one `make run` or an earlier bench made; it is only read), or else
imported from ../shared/data/arxiv-metadata.jsonl.gz. Load processes (bench/backup_load.py)
read papers and day listings (50/s each) and write members, votes and comments (10/s) from
four seconds before the backup to its end. Reported: the backup's seconds (target 10 s),
how long writers waited for its last pass, reads and writes completed during it, errors,
the load average; then the restore's seconds, and that the restored store has every paper
and every write committed before the backup's consistent point.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data" / "arxiv-metadata.jsonl.gz"
TARGET_SECONDS = 10.0
COUNTS = """
import json
from dailypapers.papers.models import Paper
from dailypapers.accounts.models import User
from dailypapers.feed.models import Comment, Vote
print(json.dumps({"papers": Paper.objects.count(), "votes": Vote.objects.count(),
    "comments": Comment.objects.count(),
    "bench_members": list(User.objects.filter(email__startswith="bench-")
                          .values_list("email", flat=True))}))
"""


def site_env(data_dir: Path) -> dict[str, str]:
    drop = {"DATABASE_URL", "REDIS_URL", "TASK_BACKEND", "DJANGO_SETTINGS_MODULE"}
    env = {key: value for key, value in os.environ.items() if key not in drop}
    return env | {"DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO / "src"),
                  "LOG_LEVEL": "WARNING", "SECRET_KEY": "bench-" + "x" * 50}  # fmt: skip


def dailypapers(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "dailypapers", *args], env=env,
                          capture_output=True, text=True, timeout=900)  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"dailypapers {' '.join(args)} failed: {done.stderr.strip()[-2000:]}")
    return done


def prepare(scratch: Path, from_store: Path | None) -> dict[str, str]:
    store = scratch / "store"
    store.mkdir()
    env = site_env(store)
    if from_store is not None:
        shutil.copyfile(from_store / "dailypapers.sqlite3", store / "dailypapers.sqlite3")
        dailypapers(env, "migrate", "--noinput")
    else:
        dailypapers(env, "migrate", "--noinput")
        dailypapers(env, "ingest", "jsonl", str(SHARED_DATA), "--no-progress")
    return env


def counts(env: dict[str, str]) -> dict[str, object]:
    return dict(json.loads(dailypapers(env, "shell", "-c", COUNTS).stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from-store", type=Path, help="a data folder to copy the store from")
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--writers", type=int, default=1)
    parser.add_argument(
        "--read-rate", type=float, default=50, help="reads/s per reader (0: flat out)"
    )
    parser.add_argument("--write-rate", type=float, default=10, help="writes/s per writer")
    parser.add_argument("--quick-check", action="store_true", help="pass --quick-check on")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    try:
        run(scratch, options)
    finally:
        if not options.keep:
            shutil.rmtree(scratch, ignore_errors=True)


def run(scratch: Path, options: argparse.Namespace) -> None:
    env = prepare(scratch, options.from_store)
    before = counts(env)
    stop = scratch / "stop"
    loads = []
    for number, mode in enumerate(["read"] * options.readers + ["write"] * options.writers):
        result = scratch / f"load-{number}.json"
        rate = options.read_rate if mode == "read" else options.write_rate
        process = subprocess.Popen([sys.executable, str(REPO / "bench" / "backup_load.py"), mode,
                                    str(stop), str(result), str(rate)], env=env)  # fmt: skip
        loads.append((process, result))
    time.sleep(4)  # the load processes start (Django, the id list) and run for a while
    backup = scratch / "site.backup"
    load_before = os.getloadavg()[0]
    started = time.time()
    check = ["--quick-check"] if options.quick_check else []
    made = dailypapers(env, "backup", "--no-progress", *check, str(backup))
    finished = time.time()
    load_during = os.getloadavg()[0]
    time.sleep(1)
    stop.touch()
    results = []
    for process, result in loads:
        process.wait(timeout=60)
        results.append(json.loads(result.read_text()))
    with tarfile.open(f"{backup}.data.tar") as archive:
        handle = archive.extractfile("manifest.json")
        assert handle is not None
        manifest = json.loads(handle.read())

    def during(mode: str) -> int:
        return sum(
            started <= at <= finished for r in results if r["mode"] == mode for at in r["done"]
        )

    errors = [error for r in results for error in r["errors"]]
    committed = {email for r in results for email, at in r["written"]
                 if at < manifest["consistent_at_unix"]}  # fmt: skip
    new = scratch / "restored"
    new.mkdir()
    restore_started = time.time()
    dailypapers(site_env(new), "restore", "--no-progress", str(backup))
    restore_seconds = time.time() - restore_started
    restored = counts(site_env(new))
    missing = committed - set(restored["bench_members"])  # type: ignore[arg-type]
    seconds = finished - started
    print(made.stdout.strip())
    print(
        f"backup: {seconds:.1f} s wall (target {TARGET_SECONDS:.0f} s) for "
        f"{backup.stat().st_size / 2**20:,.0f} MB; writers waited "
        f"{manifest.get('writers_waited_seconds', 0):.2f} s for the last pass; snapshot copy "
        f"{manifest.get('snapshot_seconds', 0):.2f} s, {manifest.get('check', '')} "
        f"{manifest.get('check_seconds', 0):.2f} s"
    )
    print(
        f"during the backup: {during('read'):,} reads, {during('write'):,} writes "
        f"({options.readers} readers at {options.read_rate:g}/s, "
        f"{options.writers} writers at {options.write_rate:g}/s); "
        f"errors: {len(errors)}{' ' + repr(errors[:3]) if errors else ''}"
    )
    print(
        f"load average (1 min): {load_before:.2f} before, {load_during:.2f} after; "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"restore: {restore_seconds:.1f} s; papers {restored['papers']:,} "
        f"(source {before['papers']:,}); writes committed before the consistent point: "
        f"{len(committed):,}, missing after restore: {len(missing)}"
    )
    ok = (seconds <= TARGET_SECONDS and not errors and not missing
          and restored["papers"] == before["papers"])  # fmt: skip
    print("ok" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
