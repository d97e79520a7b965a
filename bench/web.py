"""Benchmark the reading pages under gunicorn with wrk, beside a static file of the same run.

    .venv/bin/python bench/web.py [--data-dir DIR] [--duration 10] [--connections 32]
                                  [--workers 2] [--threads 4] [--rounds 3] [--no-write]

What it does, in order:

1. Checks that ``wrk`` is installed (Debian/Ubuntu: ``apt-get install -y wrk``; macOS:
   ``brew install wrk``; or build it from https://github.com/wg/wrk).
2. Uses ``--data-dir`` (created if missing) or a fresh scratch folder as DATA_DIR, runs
   ``dailypapers migrate``, imports the shared arXiv metadata with ``dailypapers ingest
   jsonl`` (the listing events beside it are picked up automatically) unless the database
   already holds at least that many papers, and runs ``dailypapers collectstatic``.
3. The shared data has no votes, and its newest day is months old, so no paper has a
   trending score and /trending/ would be an empty page. Unless ``--trending-papers 0``,
   the bench gives that many random papers (fixed seed) a score and upvotes in the scratch
   database, so /trending/ lists a full page like a live site does.
4. Starts the production server, ``python -m gunicorn dailypapers.wsgi`` on 127.0.0.1 with
   ``--workers N --threads T`` (gthread worker: keep-alive, like behind a proxy), DEBUG
   unset, access log off.
5. Per target: one request to check it answers 200. Then, per round and page target: a
   ``--warmup`` s wrk warm-up (steady traffic keeps caches warm), ``--static-duration`` s on
   the static file (the hashed site.css from the manifest, served by WhiteNoise in the same
   server) and ``--duration`` s on the page, each with ``--connections`` connections,
   ``--wrk-threads`` threads and ``--latency``. Pages: / (home), the busiest announcement
   day, paper pages and /trending/, all anonymous. Paper pages are measured twice, each
   with a wrk Lua script that takes the paths in turn: "paper" over ``--paper-ids`` random
   ids (nearly every request a page not asked for before in the run: the cold path; its
   warm-up reads other papers) and "paper-hot" over the 50 papers listed on that day page.
6. Prints a table (req/s, p50, p99, errors, and the ratio of each page's req/s to the
   static run just before it: the pair shares the machine's load of the moment) and, unless
   ``--no-write``, writes bench/results/web.md. Hand-written notes below the
   ``<!-- notes -->`` line of that file are kept.

gunicorn is always stopped at the end (try/finally). Rounds run the pages in alternating
order; the round with the median req/s is reported, and the ratio is the median of the
rounds' ratios. ``--src`` serves another source tree (a before/after comparison) and
``--wsgi`` another WSGI module (experiments); both default to this checkout's own.
With the defaults one run takes about 4.5 minutes plus the first import (~70 s).

Targets (issue): home >= 1,000 req/s, paper page >= 300 req/s, p99 < 100 ms on every page.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Names re-exported with `x as x`: bench/api.py reaches them through this module.
from web_children import _django as _django
from web_children import child_info, child_seed_trending
from web_report import P99_TARGET_MS as P99_TARGET_MS
from web_report import _median as _median
from web_report import machine_facts as machine_facts
from web_report import median_result, table, verdicts, write_markdown

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FILE = REPO.parent / "shared" / "data" / "arxiv-metadata.jsonl.gz"
BENCH_LINE = re.compile(r"^BENCH (\{.*\})$", re.M)


# --------------------------------------------------------------------------------------
# Parent side; the child side is in web_children.py, the report in web_report.py.
# --------------------------------------------------------------------------------------


def manage(env: dict[str, str], *command: str, quiet: bool = False) -> None:
    started = time.perf_counter()
    print(f"$ dailypapers {' '.join(command)}", flush=True)
    subprocess.run(
        [sys.executable, "-m", "dailypapers", *command],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )
    print(f"  ({time.perf_counter() - started:.1f} s)", flush=True)


def child(env: dict[str, str], kind: str, args: argparse.Namespace) -> dict:
    argv = [sys.executable, __file__, f"--child={kind}", f"--seed={args.seed}"]
    argv += [f"--paper-ids={args.paper_ids}", f"--trending-papers={args.trending_papers}"]
    out = subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base + "/about/", timeout=5):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def check_ok(base: str, path: str) -> tuple[int, str]:
    """One GET, redirects not followed: a target must answer 200 itself."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        cached = response.getheader("X-Page-Cache", "-")
        location = response.getheader("Location")
        detail = f"{len(body):,} bytes, cache: {cached}" + (f", to {location}" if location else "")
        return response.status, detail
    finally:
        connection.close()


# A done() hook prints exact percentiles and error counts as one JSON line; request() is
# added for targets that rotate through several paths.
LUA_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""

LUA_ROTATE = r"""
local paths = {%s}
local counter = 0
local thread_number = 0
setup = function(thread)
  thread:set("offset", thread_number * 7919)
  thread_number = thread_number + 1
end
request = function()
  counter = counter + 1
  local path = paths[((offset or 0) + counter) %% #paths + 1]
  return wrk.format("GET", path)
end
"""


def lua_script(workdir: Path, name: str, paths: list[str] | None) -> Path:
    script = workdir / f"{name}.lua"
    text = LUA_DONE
    if paths:
        quoted = ",".join(json.dumps(p) for p in paths)
        text = LUA_ROTATE % quoted + text
    script.write_text(text)
    return script


def run_wrk(args: argparse.Namespace, url: str, script: Path, duration: float, show: bool) -> dict:
    command = [
        args.wrk, f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{round(duration)}s",
        "--latency", "--timeout", "10s", "-s", str(script), url,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}): {' '.join(command)}\n{done.stderr}")
    out = done.stdout
    if show:
        print("\n".join("    " + line for line in out.splitlines() if not line.startswith("BENCH")))
    found = BENCH_LINE.search(out)
    if not found:
        raise SystemExit(f"could not read wrk's output:\n{out}")
    data = json.loads(found.group(1))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["command"] = " ".join(command)
    return data


def prepare(args: argparse.Namespace, env: dict[str, str]) -> dict:
    manage(env, "migrate", "--noinput", "-v0")
    info = child(env, "info", args)
    if info["papers"] < args.expect_papers:
        if not args.file.exists():
            raise SystemExit(f"{args.file} is missing; pass --file")
        manage(env, "ingest", "jsonl", str(args.file))
    else:
        print(f"database already holds {info['papers']:,} papers; import skipped")
    manage(env, "collectstatic", "--noinput", "-v0")
    info = child(env, "info", args)
    if args.trending_papers and info["trending"] == 0:
        print(f"giving {args.trending_papers} random papers a trending score (none has one)")
        child(env, "seed-trending", args)
        info = child(env, "info", args)
    return info


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="DATA_DIR to use (kept); default: scratch")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="JSON-lines to import")
    parser.add_argument("--expect-papers", type=int, default=90_929, help="skip import from here")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per target")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per target")
    parser.add_argument(
        "--static-duration", type=int, default=5, help="seconds of the paired static run"
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--rounds", type=int, default=3, help="median of this many rounds")
    parser.add_argument("--paper-ids", type=int, default=5000, help="paper pages to rotate over")
    parser.add_argument("--trending-papers", type=int, default=1000)
    parser.add_argument("--only", default="", help="comma-separated targets to run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results/web.md")
    parser.add_argument("--keep", action="store_true", help="keep a scratch DATA_DIR")
    parser.add_argument(
        "--src", type=Path, default=REPO / "src", help="source tree to serve (before/after runs)"
    )
    parser.add_argument(
        "--wsgi", default="dailypapers.wsgi", help="WSGI module to serve (for experiments)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child == "info":
        return child_info(args)
    if args.child == "seed-trending":
        return child_seed_trending(args)

    with bench_site(args, "dailypapers-webbench-") as (env, data_dir):
        info = prepare(args, env)
        info["cache_seconds"] = int(env.get("ANONYMOUS_PAGE_CACHE_SECONDS", "60"))
        run_server(args, env, data_dir, info)


@contextmanager
def bench_site(
    args: argparse.Namespace, prefix: str, **extra_env: str
) -> Iterator[tuple[dict[str, str], Path]]:
    """wrk found, a DATA_DIR (``--data-dir`` or a scratch folder) and the environment the
    server and the set-up commands run with; the scratch folder goes at the end unless
    ``--keep``. Also used by bench/api.py."""
    args.wrk = shutil.which("wrk")
    if not args.wrk:
        raise SystemExit(
            "wrk is not installed. Install it with `apt-get install -y wrk` (Debian/Ubuntu), "
            "`brew install wrk` (macOS), or build it from https://github.com/wg/wrk."
        )
    scratch = None
    if args.data_dir:
        data_dir = args.data_dir.resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        scratch = data_dir = Path(tempfile.mkdtemp(prefix=prefix))
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL", "REDIS_URL")}
    env.update(
        DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="dailypapers.settings",
        PYTHONPATH=str(args.src.resolve()) + os.pathsep + env.get("PYTHONPATH", ""),
        LOG_LEVEL="WARNING",
        **extra_env,
    )
    print(f"DATA_DIR={data_dir}")
    started = time.perf_counter()
    try:
        yield env, data_dir
    finally:
        if scratch is not None and not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    print(f"total {time.perf_counter() - started:.0f} s")


def run_server(args: argparse.Namespace, env: dict[str, str], data_dir: Path, info: dict) -> None:
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    log = data_dir / "gunicorn.log"
    gunicorn_cmd = [
        sys.executable, "-m", "gunicorn", args.wsgi,
        "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
        "--threads", str(args.threads), "--worker-class", "gthread",
        "--log-level", "warning", "--error-logfile", str(log),
    ]  # fmt: skip
    paper_paths = [f"/papers/{arxiv_id}/" for arxiv_id in info["paper_ids"]]
    hot_paths = [f"/papers/{arxiv_id}/" for arxiv_id in info["hot_ids"]]
    targets = [
        ("static", info["static_path"], None),
        ("home", "/", None),
        ("day", info["day_path"], None),
        ("paper", paper_paths[0], paper_paths),
        ("paper-hot", hot_paths[0], hot_paths),
        ("trending", "/trending/", None),
    ]
    warmup_paths = {"paper": [f"/papers/{arxiv_id}/" for arxiv_id in info["warmup_ids"]]}
    if args.only:
        wanted = set(args.only.split(","))
        targets = [t for t in targets if t[0] in wanted or t[0] == "static"]
    workdir = Path(tempfile.mkdtemp(prefix="webbench-lua-"))
    load_before = os.getloadavg()[0]
    print("$ " + " ".join(gunicorn_cmd))
    server = subprocess.Popen(gunicorn_cmd, env=env, cwd=data_dir, start_new_session=True)
    runs: dict[str, list[dict]] = {name: [] for name, _, _ in targets}
    wrk_cmd = ""
    try:
        wait_until_up(base, server, log)
        scripts = {name: lua_script(workdir, name, paths) for name, _, paths in targets}
        warm_scripts = {
            name: lua_script(workdir, f"{name}-warmup", paths)
            for name, paths in warmup_paths.items()
        }
        for name, path, _ in targets:
            status, detail = check_ok(base, path)
            print(f"GET {path} -> {status} ({detail})")
            if status != 200:
                raise SystemExit(f"{name}: {path} answered {status}; fix that before measuring")
        static_name, static_path, _ = targets[0]
        pages = targets[1:]
        for round_number in range(args.rounds):
            order = pages if round_number % 2 == 0 else pages[::-1]
            for name, path, _ in order:
                # Warm up right before measuring, as steady traffic would keep it: the
                # workers' page caches, SQLite's page cache, Python's lazy imports.
                script = warm_scripts.get(name, scripts[name])
                run_wrk(args, base + path, script, args.warmup, show=False)
                # The static file right before, so the pair sees the same machine load.
                print(f"round {round_number + 1}: static before {name}", flush=True)
                static = run_wrk(
                    args, base + static_path, scripts[static_name], args.static_duration, True
                )
                runs[static_name].append(static)
                print(f"round {round_number + 1}: {name} {path}", flush=True)
                run = run_wrk(args, base + path, scripts[name], args.duration, show=True)
                run["static"] = static
                runs[name].append(run)
                wrk_cmd = wrk_cmd or run["command"]
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        shutil.rmtree(workdir, ignore_errors=True)
        print("gunicorn stopped")
    info["load"] = f"{load_before:.1f} / {os.getloadavg()[0]:.1f} (other work shares these cores)"
    shown = {
        "paper": f"/papers/<id>/, {len(paper_paths):,} ids",
        "paper-hot": f"/papers/<id>/, {len(hot_paths)} ids of the day page",
    }
    results = [median_result(name, shown.get(name, path), runs[name]) for name, path, _ in targets]
    print()
    print(table(results))
    print()
    for label, ok, detail in verdicts(results):
        print(f"{'met   ' if ok else 'MISSED'} {label}: {detail}")
    if not args.no_write:
        facts = machine_facts(info)
        write_markdown(args, results, facts, info, gunicorn_cmd, wrk_cmd)


if __name__ == "__main__":
    main()
