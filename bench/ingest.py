"""Benchmark the bulk JSON-lines import against a bare floor of the same writes.

    python bench/ingest.py [--db sqlite|postgres|both] [--limit N] [--sizes 10000,30000,90929]
                           [--file PATH] [--markdown] [--no-bare] [--profile [serial|parallel]]

For each database (SQLite, PostgreSQL) this measures, each run in its own child process
on its own freshly migrated database (so settings are per database and peak RSS is per run):

* ours: ``import_jsonl(path, listing_events=...)``, the call ``dailypapers ingest jsonl``
  makes, end to end: load the listing-events file, read and parse the gzip JSON lines,
  normalise, dedupe, upsert in batches (one transaction per batch, search index included),
  write the IngestRun. Once per size in ``--sizes`` (peak RSS per size: is memory flat?).
* bare: the write floor at the largest size, one child per style. The rows ours stores
  (papers, authors, paper-author links, paper-category rows) are computed in memory *before*
  the clock starts, with the pipeline's own parser, normaliser and row function, ids
  assigned client-side; then only the writes are timed, on the raw DB-API cursor, one
  transaction per batch of INGEST_BATCH_SIZE papers. No reads, no parsing, no ORM. Styles:

  - ``executemany`` (both databases; the baseline the ratio is judged against):
    ``cursor.executemany`` per table per batch. On SQLite the search index is filled the
    way ours fills it: the insert trigger is dropped for the run and each batch indexes
    its papers with one ``INSERT … SELECT`` (timed, as "search index"). On PostgreSQL the
    index is a generated column, written with every row on both sides.
  - ``triggers`` (SQLite): the same, with the index kept by the insert trigger row by row,
    as a plain ``executemany`` into the schema as it ships would do.
  - ``copy`` (PostgreSQL): ``COPY … FROM STDIN`` per table per batch.

Rates are input records per second (the same record count on both sides), and the ratio
is ours / bare. Each figure comes both as wall time and as CPU time (this process, its
forked parsing child, and its server backend on PostgreSQL, read from /proc): the machine is
shared, and CPU time moves far less than wall time when something else is running.

Targets (issue): >= 5,000 records/s into SQLite, ratio >= 40 %, memory flat.

PostgreSQL: scratch databases ``dailypapers_bench`` (and ``_tmpl``) are created and dropped
through ``--pg-admin-url`` (default postgres://postgres@127.0.0.1:5432/postgres). The peak
RSS is that of the Python processes only (the server's memory is not counted).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from ingest_report import STYLE_LABELS, mem_text, print_profile, print_results

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FILE = REPO.parent / "shared" / "data" / "arxiv-metadata.jsonl.gz"
DEFAULT_PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "dailypapers_bench"
PG_TEMPLATE = "dailypapers_bench_tmpl"
DEFAULT_SIZES = (10_000, 30_000)  # plus the whole file (or --limit)
BARE_STYLES = {"sqlite": ("executemany", "triggers"), "postgres": ("executemany", "copy")}


class Sqlite:
    name = "sqlite"

    def __init__(self, workdir: Path) -> None:
        self.dir = workdir / "sqlite"
        self.template = self.dir / "template" / "db.sqlite3"
        self.current = self.dir / "run"

    def template_env(self) -> dict[str, str]:
        self.template.parent.mkdir(parents=True, exist_ok=True)
        return {"DATA_DIR": str(self.template.parent), "DATABASE_URL": f"sqlite:///{self.template}"}

    def fresh(self) -> dict[str, str]:
        shutil.rmtree(self.current, ignore_errors=True)
        self.current.mkdir(parents=True)
        db = self.current / "db.sqlite3"
        shutil.copyfile(self.template, db)
        return {"DATA_DIR": str(self.current), "DATABASE_URL": f"sqlite:///{db}"}

    def version(self) -> str:
        import sqlite3

        return sqlite3.sqlite_version

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


class Postgres:
    name = "postgres"

    def __init__(self, workdir: Path, admin_url: str) -> None:
        self.dir = workdir / "postgres"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.admin_url = admin_url
        self.base = admin_url.rsplit("/", 1)[0]

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def template_env(self) -> dict[str, str]:
        self._admin(
            f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)",
            f"DROP DATABASE IF EXISTS {PG_TEMPLATE} WITH (FORCE)",
            f"CREATE DATABASE {PG_TEMPLATE}",
        )
        return {"DATA_DIR": str(self.dir), "DATABASE_URL": f"{self.base}/{PG_TEMPLATE}"}

    def fresh(self) -> dict[str, str]:
        self._admin(
            f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)",
            f"CREATE DATABASE {PG_DB} TEMPLATE {PG_TEMPLATE}",
            "CHECKPOINT",
        )
        return {"DATA_DIR": str(self.dir), "DATABASE_URL": f"{self.base}/{PG_DB}"}

    def version(self) -> str:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]

    def cleanup(self) -> None:
        try:
            self._admin(
                f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)",
                f"DROP DATABASE IF EXISTS {PG_TEMPLATE} WITH (FORCE)",
            )
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def spawn(kind: str, env: dict[str, str], args: argparse.Namespace, **extra) -> dict:
    result = Path(tempfile.mkstemp(prefix=f"bench-{kind}-", suffix=".json")[1])
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        kind,
        "--result",
        str(result),
        "--file",
        str(args.file),
    ]
    for key, value in extra.items():
        if value is not None:
            command += [f"--{key.replace('_', '-')}", str(value)]
    child_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dailypapers.settings",
        "SECRET_KEY": "bench-ingest-not-secret",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")])
        ),
        **env,
    }
    try:
        subprocess.run(command, env=child_env, check=True, cwd=REPO)
        return json.loads(result.read_text())
    finally:
        result.unlink(missing_ok=True)


def machine_info(databases: list) -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in cpuinfo.splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    mhz = next(
        (
            line.split(":", 1)[1].strip()
            for line in cpuinfo.splitlines()
            if line.startswith("cpu MHz")
        ),
        "",
    )
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem_kib = next(
        (int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal")), 0
    )
    import django

    info = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{model}" + (f" @ {float(mhz):.0f} MHz" if mhz else ""),
        "cores": f"{os.cpu_count()} logical ({len(os.sched_getaffinity(0))} usable)",
        "ram": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "django": django.get_version(),
    }
    for db in databases:
        info[db.name] = db.version()
    try:
        import psycopg

        info["psycopg"] = psycopg.__version__
    except ImportError:
        pass
    return info


def count_records(path: Path) -> int:
    with open(path, "rb") as probe:
        opener = gzip.open if probe.read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as handle:
        return sum(1 for line in handle if line.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--limit", type=int, help="largest size (default: the whole file)")
    parser.add_argument("--sizes", help="comma-separated record counts (default: 10000,30000,all)")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--pg-admin-url", default=DEFAULT_PG_ADMIN)
    parser.add_argument("--no-bare", action="store_true", help="skip the bare executemany floor")
    parser.add_argument("--markdown", action="store_true", help="also print markdown tables")
    parser.add_argument(
        "--profile",
        nargs="?",
        const="serial",
        choices=("serial", "parallel"),
        help="also run the largest import under cProfile (CPU time): serial (default; every "
        "stage in one process) or parallel (the writing process, as run by default)",
    )
    # Internal: child processes.
    parser.add_argument("--child", choices=("migrate", "ours", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    parser.add_argument("--profile-mode", default="serial", help=argparse.SUPPRESS)
    parser.add_argument("--style", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        from ingest_children import run_child

        run_child(args)
        return

    path = args.file.resolve()
    if not path.is_file():
        sys.exit(f"no such file: {path} (see --file)")
    args.file = path
    total = args.limit or count_records(path)
    if args.sizes:
        sizes = sorted(
            {
                total if s.strip() == "all" else min(int(s.replace("_", "")), total)
                for s in args.sizes.split(",")
            }
        )
    else:
        sizes = sorted({*(s for s in DEFAULT_SIZES if s < total), total})
    names = ("sqlite", "postgres") if args.db == "both" else (args.db,)

    workdir = Path(tempfile.mkdtemp(prefix="dailypapers-bench-"))
    databases = [
        Sqlite(workdir) if n == "sqlite" else Postgres(workdir, args.pg_admin_url) for n in names
    ]
    results: dict[str, tuple[list[dict], dict | None]] = {}
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    try:
        info = machine_info(databases)
        info["input"] = (
            f"{path.name} ({total:,} records), sizes {', '.join(f'{s:,}' for s in sizes)}"
        )
        for db in databases:
            say(f"[{db.name}] migrating a template database")
            migrated = spawn("migrate", db.template_env(), args)
            say(f"[{db.name}] migrated in {migrated['seconds']:.1f} s")
            runs = []
            for size in sizes:
                run = spawn("ours", db.fresh(), args, limit=size)
                say(
                    f"[{db.name}] ours, {run['records']:,} records: {run['seconds']:.2f} s, "
                    f"{run['rate']:,.0f}/s, CPU {run['cpu']['total']:.1f} s, "
                    f"peak RSS {mem_text(run)} MiB"
                )
                runs.append(run)
            bare = None
            if not args.no_bare:
                styles = []
                for style in BARE_STYLES[db.name]:
                    styles.append(spawn("bare", db.fresh(), args, limit=sizes[-1], style=style))
                    say(
                        f"[{db.name}] {STYLE_LABELS[style]}: {styles[-1]['seconds']:.2f} s, "
                        f"{styles[-1]['rate']:,.0f}/s, CPU {styles[-1]['cpu']['total']:.1f} s"
                    )
                first = styles[0]
                bare = {"records": first["records"], "stages": first["stages"], "styles": styles}
            results[db.name] = (runs, bare)
            if args.profile:
                prof = workdir / f"{db.name}.prof"
                spawn(
                    "ours",
                    db.fresh(),
                    args,
                    limit=sizes[-1],
                    profile_out=prof,
                    profile_mode=args.profile,
                )
                print_profile(prof, db.name, args.profile)
        print_results(info, results, args.markdown)
    finally:
        for db in databases:
            db.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
