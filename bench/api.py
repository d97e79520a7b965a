"""Benchmark the JSON API under gunicorn with wrk, beside the HTML home page in the same run.

    .venv/bin/python bench/api.py [--data-dir DIR] [--duration 10] [--connections 32]
                                  [--workers 2] [--threads 4] [--rounds 3] [--no-write]

It reuses bench/web.py's machinery (the same import, server, wrk runs and result rows) and
measures, all anonymous, from 127.0.0.1, at ``--connections`` connections:

- home: ``/``, the HTML page of the latest day (the baseline);
- daily_papers: ``/api/daily_papers``, the Hugging Face-compatible list of that same day
  (50 papers, the Hub's default page);
- v1-day: ``/api/v1/days/<busiest day>``, our own list of the busiest day (50 papers);
- search: ``/api/papers/search?q=…``, one query asked again and again (a popular search);
- v1-search: ``/api/v1/search?q=…``, the same query;
- search-cold: ``/api/papers/search?q=…`` over ``--queries`` distinct two-word queries taken
  in turn (words of random titles, fixed seed), so nearly every request runs the search
  engine: the cold path.

Every target runs right after a ``--home-duration`` s run on the home page, so each pair
sees the same machine load; "ratio" is the median over rounds of target req/s / paired home
req/s. Target (issue): daily_papers and search at least as fast as the page (ratio >= 1).
Like the signed-out pages, API lists are kept for ANONYMOUS_PAGE_CACHE_SECONDS; the cold
search shows what a request costs when it is not.

The API's per-IP rate limit is raised out of reach (not turned off: the counting stays in
the measured path) with API_RATE_PER_MINUTE_IP. Writes bench/results/api.md unless
``--no-write``; notes below its ``<!-- notes -->`` line are kept.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "api.md"
NOTES_MARKER = "<!-- notes -->"
RATE_OUT_OF_REACH = "1000000000"
WORD = re.compile(r"[A-Za-z]{5,}")


def _load_web() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_web", Path(__file__).with_name("web.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_web"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


web = _load_web()


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of gunicorn's master and its workers so far, from /proc.

    Per request, it is the steady figure on a shared machine: other work slows wall-clock
    req/s down, but does not make a request cost more CPU.
    """
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(child) for child in children]
    except OSError:
        pass
    ticks = 0
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def measured(args, url: str, script: Path, duration: float, pid: int) -> dict:  # noqa: ANN001
    before = server_cpu_seconds(pid)
    run = web.run_wrk(args, url, script, duration, show=True)
    run["cpu_ms"] = (server_cpu_seconds(pid) - before) * 1000 / max(run["requests"], 1)
    return run


def child_queries(args: argparse.Namespace) -> None:
    """Two-word queries from random titles, and the hot query (one that finds papers)."""
    web._django()
    from dailypapers.papers.models import Paper
    from dailypapers.search import engine

    titles = list(Paper.objects.order_by("?").values_list("title", flat=True)[: args.queries * 2])
    rng = random.Random(args.seed)
    queries: list[str] = []
    for title in titles:
        words = list(dict.fromkeys(word.lower() for word in WORD.findall(title)))
        if len(words) >= 2:
            queries.append(" ".join(rng.sample(words, 2)))
        if len(queries) >= args.queries:
            break
    hot = args.hot_query
    found = engine.search(hot, per_page=20)
    print(json.dumps({"queries": queries, "hot_query": hot, "hot_total": found.total}))


def child(env: dict[str, str], args: argparse.Namespace) -> dict:
    argv = [sys.executable, __file__, "--child=queries", f"--seed={args.seed}",
            f"--queries={args.queries}", f"--hot-query={args.hot_query}"]  # fmt: skip
    out = subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def verdicts(results: list) -> list[tuple[str, bool, str]]:
    out = []
    for result in results:
        if result.name == "home":
            continue
        if result.name in ("daily_papers", "search", "v1-search", "v1-day"):
            ok = result.ratio >= 1.0
            detail = (
                f"{result.rps:,.0f} req/s, {result.ratio:.0%} of the paired home runs; "
                f"CPU {result.cpu_ms:.2f} ms a request against the home page's "
                f"{result.home_cpu_ms:.2f} ms"
            )
            out.append((f"{result.name} at least as fast as the home page", ok, detail))
        ok = result.p99_ms < web.P99_TARGET_MS and result.error_count == 0
        detail = f"p99 {result.p99_ms:.1f} ms" + (
            f", errors {result.errors}" if result.errors else ""
        )
        out.append((f"{result.name} p99 < 100 ms, no errors", ok, detail))
    return out


def table(results: list) -> str:
    lines = [
        "| target | path | req/s | home req/s (paired) | ratio | p50 ms | p99 ms | home p99 ms "
        "| max ms | CPU ms/req | home CPU ms/req | requests | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        errors = ", ".join(f"{k} {v}" for k, v in r.errors.items()) or "0"
        lines.append(
            f"| {r.name} | `{r.path}` | {r.rps:,.0f} | {r.static_rps:,.0f} | {r.ratio:.0%} | "
            f"{r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.static_p99_ms:.1f} | {r.max_ms:.1f} | "
            f"{r.cpu_ms:.2f} | {r.home_cpu_ms:.2f} | {r.requests:,} | {errors} |"
        )
    return "\n".join(lines)


def write_markdown(args, results, facts, info, gunicorn_cmd, wrk_cmd) -> None:  # noqa: ANN001
    notes = ""
    if RESULTS.exists() and NOTES_MARKER in RESULTS.read_text():
        notes = RESULTS.read_text().split(NOTES_MARKER, 1)[1].lstrip("\n")
    rounds = "; ".join(f"{r.name} " + ", ".join(f"{x:,.0f}" for x in r.rounds) for r in results)
    checks = verdicts(results)
    text = f"""# API benchmark: JSON endpoints beside the home page

Written by `bench/api.py`; the part above the notes line is regenerated on every run.

## Command

    .venv/bin/python bench/api.py {" ".join(sys.argv[1:])}

Per target and round: a {args.warmup:g} s warm-up, {args.home_duration:g} s on the home page,
then {args.duration:g} s on the target; for example:

    {wrk_cmd}

## Machine

{chr(10).join(f"- {k}: {v}" for k, v in facts.items())}

## Data and server

- {info["papers"]:,} papers (the shared arXiv metadata, imported with `dailypapers ingest jsonl`).
- search: the query `{info["hot_query"]}` ({info["hot_total"]:,} matches), asked again and
  again; search-cold: {len(info["queries"]):,} distinct two-word queries from random titles
  (seed {args.seed}), taken in turn.
- Server: `python {" ".join(gunicorn_cmd[1:])}` ({args.workers} worker processes x
  {args.threads} threads, gthread), DEBUG unset, SQLite in WAL mode, local-memory cache per
  worker, anonymous page (and API list) cache {info["cache_seconds"]} s,
  API_RATE_PER_MINUTE_IP={RATE_OUT_OF_REACH} (counted, never reached).
- Load: {args.connections} connections, anonymous, from 127.0.0.1, wrk {args.wrk_threads} threads.

## Results

"home req/s (paired)" and "home p99" are the home-page runs right before each target (for
the home row: all of them); "ratio" is the median over rounds of target req/s / paired
home req/s. "CPU ms/req" is the CPU time gunicorn (master and workers, from /proc) spent
during the run divided by the requests answered (median over rounds), beside the same for
the paired home runs: unlike req/s it does not drop when other work takes the cores.
Median of {args.rounds} interleaved rounds (by req/s); every round's req/s:
{rounds}.

{table(results)}

## Targets

{chr(10).join(f"- [{'x' if ok else ' '}] {label}: {detail}" for label, ok, detail in checks)}

{NOTES_MARKER}

{notes}"""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text.rstrip() + "\n")
    print(f"wrote {RESULTS.relative_to(REPO)}")


def run_server(args: argparse.Namespace, env: dict[str, str], data_dir: Path, info: dict) -> None:
    port = args.port or web.free_port()
    base = f"http://127.0.0.1:{port}"
    log = data_dir / "gunicorn.log"
    gunicorn_cmd = [
        sys.executable, "-m", "gunicorn", "dailypapers.wsgi",
        "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
        "--threads", str(args.threads), "--worker-class", "gthread",
        "--log-level", "warning", "--error-logfile", str(log),
    ]  # fmt: skip
    hot = urlencode({"q": info["hot_query"]})
    cold_paths = [f"/api/papers/search?{urlencode({'q': q})}" for q in info["queries"]]
    targets = [
        ("home", "/", None),
        ("daily_papers", "/api/daily_papers", None),
        ("v1-day", f"/api/v1/days/{info['busiest_day']}", None),
        ("search", f"/api/papers/search?{hot}", None),
        ("v1-search", f"/api/v1/search?{hot}", None),
        ("search-cold", cold_paths[0], cold_paths),
    ]
    if args.only:
        wanted = set(args.only.split(","))
        targets = [t for t in targets if t[0] in wanted or t[0] == "home"]
    workdir = Path(tempfile.mkdtemp(prefix="apibench-lua-"))
    load_before = os.getloadavg()[0]
    print("$ " + " ".join(gunicorn_cmd))
    server = subprocess.Popen(gunicorn_cmd, env=env, cwd=data_dir, start_new_session=True)
    runs: dict[str, list[dict]] = {name: [] for name, _, _ in targets}
    wrk_cmd = ""
    try:
        web.wait_until_up(base, server, log)
        scripts = {name: web.lua_script(workdir, name, paths) for name, _, paths in targets}
        # The cold search warms up on other queries than the ones it measures.
        warm_cold = web.lua_script(workdir, "search-cold-warmup", cold_paths[::-1][:200])
        for name, path, _ in targets:
            status, detail = web.check_ok(base, path)
            print(f"GET {path} -> {status} ({detail})")
            if status != 200:
                raise SystemExit(f"{name}: {path} answered {status}; fix that before measuring")
        home_name, home_path, _ = targets[0]
        for round_number in range(args.rounds):
            order = targets[1:] if round_number % 2 == 0 else targets[1:][::-1]
            for name, path, _ in order:
                warm = warm_cold if name == "search-cold" else scripts[name]
                web.run_wrk(args, base + path, warm, args.warmup, show=False)
                print(f"round {round_number + 1}: home before {name}", flush=True)
                home = measured(args, base + home_path, scripts[home_name],
                                args.home_duration, server.pid)  # fmt: skip
                runs[home_name].append(home)
                print(f"round {round_number + 1}: {name} {path}", flush=True)
                run = measured(args, base + path, scripts[name], args.duration, server.pid)
                run["static"] = home
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
    shown = {"search-cold": f"/api/papers/search?q=…, {len(cold_paths):,} queries"}
    results = [
        web.median_result(name, shown.get(name, path), runs[name]) for name, path, _ in targets
    ]
    for result, (name, _path, _) in zip(results, targets, strict=True):
        result.cpu_ms = web._median([run["cpu_ms"] for run in runs[name]])
        paired = [run["static"]["cpu_ms"] for run in runs[name] if "static" in run]
        result.home_cpu_ms = web._median(paired) if paired else result.cpu_ms
    print()
    print(table(results))
    print()
    for label, ok, detail in verdicts(results):
        print(f"{'met   ' if ok else 'MISSED'} {label}: {detail}")
    if not args.no_write:
        write_markdown(args, results, web.machine_facts(info), info, gunicorn_cmd, wrk_cmd)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="DATA_DIR to use (kept); default: scratch")
    parser.add_argument("--file", type=Path, default=web.DEFAULT_FILE, help="JSON lines to import")
    parser.add_argument("--expect-papers", type=int, default=90_929, help="skip import from here")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per target")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per target")
    parser.add_argument("--home-duration", type=int, default=5, help="seconds of the paired home")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--rounds", type=int, default=3, help="median of this many rounds")
    parser.add_argument("--queries", type=int, default=5000, help="distinct cold queries")
    parser.add_argument("--hot-query", default="graph neural networks")
    parser.add_argument("--only", default="", help="comma-separated targets to run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results/api.md")
    parser.add_argument("--keep", action="store_true", help="keep a scratch DATA_DIR")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # bench/web.py's prepare() and child() read these.
    args.paper_ids, args.trending_papers, args.src = 10, 1000, REPO / "src"

    if args.child == "queries":
        return child_queries(args)

    with web.bench_site(
        args, "dailypapers-apibench-", API_RATE_PER_MINUTE_IP=RATE_OUT_OF_REACH
    ) as (env, data_dir):
        info = web.prepare(args, env)
        info.update(child(env, args))
        info["cache_seconds"] = int(env.get("ANONYMOUS_PAGE_CACHE_SECONDS", "60"))
        run_server(args, env, data_dir, info)


if __name__ == "__main__":
    main()
