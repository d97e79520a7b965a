"""The reporting side of bench/web.py: per-target results, verdicts, tables, the markdown file."""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "web.md"
NOTES_MARKER = "<!-- notes -->"
HOME_TARGET = 1_000.0
PAPER_TARGET = 300.0
P99_TARGET_MS = 100.0


@dataclass
class Result:
    name: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    requests: int
    errors: dict[str, int]
    ratio: float = 0.0  # median over rounds of req/s / the paired static run's req/s
    static_rps: float = 0.0  # the paired static runs (median)
    static_p99_ms: float = 0.0
    rounds: list[float] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def machine_facts(info: dict) -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    import django
    import gunicorn

    wrk = shutil.which("wrk") or "wrk"
    wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True)
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "RAM": ram,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Django": django.__version__,
        "gunicorn": gunicorn.__version__,
        "Database": f"{info['db_vendor']} {info['db_version']}",
        "wrk": (wrk_version.stdout or wrk_version.stderr).split("[")[0].strip() or "wrk",
        "Date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "Load average (1 min) before / after the run": info.get("load", "unknown"),
    }


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]  # the lower middle: a value that was measured


def median_result(name: str, path: str, runs: list[dict]) -> Result:
    """The round with the median req/s; ratios and static figures are medians of their own."""
    ordered = sorted(runs, key=lambda run: run["rps"])
    chosen = ordered[(len(ordered) - 1) // 2]
    errors = {k: chosen[k] for k in ("connect", "read", "write", "status", "timeout") if chosen[k]}
    paired = [run for run in runs if "static" in run]
    return Result(
        name=name,
        path=path,
        rps=chosen["rps"],
        p50_ms=chosen["p50_us"] / 1000,
        p99_ms=chosen["p99_us"] / 1000,
        max_ms=chosen["max_us"] / 1000,
        requests=chosen["requests"],
        errors=errors,
        rounds=[run["rps"] for run in runs],
        ratio=_median([run["rps"] / run["static"]["rps"] for run in paired]) if paired else 1.0,
        static_rps=_median([run["static"]["rps"] for run in paired]) if paired else chosen["rps"],
        static_p99_ms=(
            _median([run["static"]["p99_us"] / 1000 for run in paired])
            if paired
            else chosen["p99_us"] / 1000
        ),
    )


def verdicts(results: list[Result]) -> list[tuple[str, bool, str]]:
    by_name = {result.name: result for result in results}
    out = []
    if "home" in by_name:
        home = by_name["home"]
        out.append(("home >= 1,000 req/s", home.rps >= HOME_TARGET, f"{home.rps:,.0f} req/s"))
    for name in ("paper", "paper-hot"):
        if name in by_name:
            paper = by_name[name]
            ok = paper.rps >= PAPER_TARGET
            out.append((f"{name} >= 300 req/s", ok, f"{paper.rps:,.0f} req/s"))
    for result in results:
        if result.name == "static":
            continue
        ok = result.p99_ms < P99_TARGET_MS and result.error_count == 0
        detail = f"p99 {result.p99_ms:.1f} ms"
        if result.errors:
            detail += f", errors {result.errors}"
        out.append((f"{result.name} p99 < 100 ms, no errors", ok, detail))
    return out


def table(results: list[Result]) -> str:
    lines = [
        "| target | path | req/s | static req/s | ratio | p50 ms | p99 ms | static p99 ms "
        "| max ms | requests | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        errors = ", ".join(f"{k} {v}" for k, v in r.errors.items()) or "0"
        lines.append(
            f"| {r.name} | `{r.path}` | {r.rps:,.0f} | {r.static_rps:,.0f} | {r.ratio:.0%} | "
            f"{r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.static_p99_ms:.1f} | {r.max_ms:.1f} | "
            f"{r.requests:,} | {errors} |"
        )
    return "\n".join(lines)


def write_markdown(
    args: argparse.Namespace,
    results: list[Result],
    facts: dict[str, str],
    info: dict,
    gunicorn_cmd: list[str],
    wrk_cmd: str,
) -> None:
    notes = ""
    if RESULTS.exists():
        old = RESULTS.read_text()
        if NOTES_MARKER in old:
            notes = old.split(NOTES_MARKER, 1)[1].lstrip("\n")
    shown_cmd = " ".join(sys.argv[1:])
    checks = verdicts(results)
    rounds = ""
    if args.rounds > 1:
        rounds = (
            f"\nMedian of {args.rounds} interleaved rounds (by req/s); every round's req/s: "
            + "; ".join(f"{r.name} " + ", ".join(f"{x:,.0f}" for x in r.rounds) for r in results)
            + ".\n"
        )
    text = f"""# Web benchmark: reading pages under gunicorn

Written by `bench/web.py`; the part above the notes line is regenerated on every run.

## Command

    .venv/bin/python bench/web.py {shown_cmd}

wrk per target and round: a {args.warmup:g} s warm-up, {args.static_duration:g} s on the static
file, then {args.duration:g} s on the target; for example:

    {wrk_cmd}

## Machine

{chr(10).join(f"- {k}: {v}" for k, v in facts.items())}

## Data and server

- {info["papers"]:,} papers (the shared arXiv metadata, imported with `dailypapers ingest jsonl`).
- day: {info["busiest_day"]}, the busiest announcement day ({info["busiest_day_papers"]} papers).
- paper: {len(info["paper_ids"]):,} random ids (seed {args.seed}), taken in turn (each wrk
  thread from its own offset), so nearly every request is a page no one asked for before in
  the run: the cold path. The warm-up reads 500 other papers.
- paper-hot: the {len(info["hot_ids"])} papers listed on that day page, in turn: readers
  clicking through from the feed.
- trending: {info["trending"]:,} papers with a score (synthetic: the shared data has no votes;
  see the docstring of bench/web.py).
- Server: `python {" ".join(gunicorn_cmd[1:])}`
  ({args.workers} worker processes x {args.threads} threads, gthread worker, keep-alive;
  2 cores shared with wrk's {args.wrk_threads} threads). DEBUG unset, SQLite in WAL mode,
  local-memory cache (per worker), anonymous page cache {info.get("cache_seconds", 60)} s.
- Load: {args.connections} connections, all anonymous, from 127.0.0.1.
- Code served: `{args.src}`.

## Results

Every page measurement is paired with a `--static-duration` s run on the static file,
served by the same server right before it: "static req/s" and "static p99" are those paired
runs (for the static row: all of them), and "ratio" is the median over rounds of page req/s
divided by its paired static req/s. The machine is shared and noisy (see the load average),
so the ratio is steadier than the absolute numbers.
{rounds}
{table(results)}

## Targets

{chr(10).join(f"- [{'x' if ok else ' '}] {label}: {detail}" for label, ok, detail in checks)}

{NOTES_MARKER}

{notes}"""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text.rstrip() + "\n")
    print(f"wrote {RESULTS.relative_to(REPO)}")
