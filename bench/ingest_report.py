"""The reporting side of bench/ingest.py: verdicts, tables (terminal and markdown), profiles."""

from __future__ import annotations

import sys
from pathlib import Path

SQLITE_TARGET_RATE = 5_000
RATIO_TARGET = 0.40
FLAT_FACTOR = 1.10  # peak RSS at the largest size may be at most this times the next size


def fmt_int(value: float) -> str:
    return f"{value:,.0f}"


STYLE_LABELS = {
    "executemany": "bare executemany",  # the floor the ratio is judged against
    "triggers": "bare executemany, index by triggers",  # SQLite: the schema as it ships
    "copy": "bare COPY",  # PostgreSQL
}


def verdicts(db: str, runs: list[dict], bare: dict | None) -> list[tuple[str, str, bool]]:
    out = []
    largest = runs[-1]
    if db == "sqlite":
        out.append(
            (
                f"SQLite >= {SQLITE_TARGET_RATE:,} records/s",
                f"{fmt_int(largest['rate'])} records/s wall "
                f"({fmt_int(largest['cpu_rate'])} per CPU-second)",
                largest["rate"] >= SQLITE_TARGET_RATE,
            )
        )
    if bare:
        floor = bare["styles"][0]  # executemany: the definition of the baseline
        ratio = largest["rate"] / floor["rate"]
        cpu_ratio = largest["cpu_rate"] / floor["cpu_rate"]
        out.append(
            (
                f"ours >= {RATIO_TARGET:.0%} of bare executemany",
                f"{ratio:.1%} wall, {cpu_ratio:.1%} CPU",
                ratio >= RATIO_TARGET,
            )
        )
    if len(runs) > 1:
        # Bounded caches (SQLite's page cache, lru_caches) fill first, so "flat" is judged
        # on the last step: the largest input against the one before it.
        small, previous = runs[0], runs[-2]
        growth = _mem(largest) / _mem(previous)
        path = " -> ".join(f"{_mem(run):.0f}" for run in runs)
        out.append(
            (
                f"memory flat (last step: input x{largest['records'] / previous['records']:.1f}, "
                f"peak RSS <= x{FLAT_FACTOR})",
                f"x{growth:.2f}; peak RSS {path} MiB for "
                + " -> ".join(f"{run['records']:,}" for run in runs)
                + f" records (x{_mem(largest) / _mem(small):.2f} overall)",
                growth <= FLAT_FACTOR,
            )
        )
    return out


HEADERS = [
    "run",
    "records",
    "wall s",
    "records/s",
    "ours/bare",
    "CPU s",
    "records/CPU-s",
    "ours/bare (CPU)",
    "peak RSS MiB",
]
PARTS_NOTE = (
    "CPU s (a+b+c): this process + a forked parsing child (if any) + the PostgreSQL backend; "
    "peak RSS (a+b): this process + the forked child (shared pages counted twice)."
)


def _cpu(run: dict) -> str:
    """Total CPU seconds, and the parts when there are several: main + child + server."""
    cpu = run["cpu"]
    parts = [cpu["client"]]
    if cpu["children"] > 0.05:
        parts.append(cpu["children"])
    if cpu["server"] is not None:
        parts.append(cpu["server"])
    if len(parts) == 1:
        return f"{cpu['total']:.1f}"
    return f"{cpu['total']:.1f} ({'+'.join(f'{part:.1f}' for part in parts)})"


def _mem(run: dict) -> float:
    """Peak RSS of the import process plus that of any child it forked (an upper bound)."""
    return run["peak_rss_mib"] + run.get("children_peak_rss_mib", 0.0)


def mem_text(run: dict) -> str:
    child = run.get("children_peak_rss_mib", 0.0)
    if child:
        return f"{_mem(run):.0f} ({run['peak_rss_mib']:.0f}+{child:.0f})"
    return f"{run['peak_rss_mib']:.0f}"


def rows_for(runs: list[dict], bare: dict | None) -> list[list[str]]:
    """One row per measurement, columns as HEADERS."""
    rows = []
    largest = runs[-1]
    styles = bare["styles"] if bare else []
    for run in runs:
        wall = cpu = ""
        if styles and run is largest:
            wall = " / ".join(f"{run['rate'] / style['rate']:.1%}" for style in styles)
            cpu = " / ".join(f"{run['cpu_rate'] / style['cpu_rate']:.1%}" for style in styles)
        rows.append(
            [
                "ours (import_jsonl)",
                f"{run['records']:,}",
                f"{run['seconds']:.2f}",
                fmt_int(run["rate"]),
                wall,
                _cpu(run),
                fmt_int(run["cpu_rate"]),
                cpu,
                mem_text(run),
            ]
        )
    for style in styles:
        rows.append(
            [
                f"{STYLE_LABELS[style['style']]} (writes only)",
                f"{style['records']:,}",
                f"{style['seconds']:.2f}",
                fmt_int(style["rate"]),
                "",
                _cpu(style),
                fmt_int(style["cpu_rate"]),
                "",
                "",
            ]
        )
    return rows


def notes_for(db: str, runs: list[dict], bare: dict | None) -> list[str]:
    notes = [
        f"import_jsonl parses in a forked child (INGEST_PARALLEL={runs[-1].get('parallel')}); "
        f"RSS before the import {runs[-1]['rss_before_mib']:.0f} MiB"
    ]
    if bare:
        stages, n = bare["stages"], bare["records"]
        notes.append(
            f"stages timed alone ({n:,} records): load listing events "
            f"{stages['listing_events']:.2f} s; parse {stages['parse']:.2f} s "
            f"({n / stages['parse']:,.0f}/s); parse + normalise {stages['parse_normalize']:.2f} s "
            f"({n / stages['parse_normalize']:,.0f}/s)"
        )
        for style in bare["styles"]:
            split = ", ".join(
                f"{k} {v:.2f} s" for k, v in style["tables"].items() if v or k != "search index"
            )
            notes.append(f"{STYLE_LABELS[style['style']]} by table: {split}")
        ours_counts = runs[-1]["counts"]
        for style in bare["styles"]:
            if style["counts"] != ours_counts:
                notes.append(
                    f"WARNING: rows differ: ours {ours_counts}, "
                    f"{STYLE_LABELS[style['style']]} {style['counts']}"
                )
        if all(style["counts"] == ours_counts for style in bare["styles"]):
            rows = ", ".join(f"{v:,} {k}" for k, v in ours_counts.items())
            notes.append(f"rows written (the same on every side): {rows}")
    for label, value, met in verdicts(db, runs, bare):
        notes.append(f"target {label}: {value}: {'met' if met else 'NOT MET'}")
    return notes


def print_results(info: dict, results: dict, markdown: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 120)
    machine = Table(title="machine", show_header=False)
    for key, value in info.items():
        machine.add_row(key, value)
    console.print(machine)
    for db, (runs, bare) in results.items():
        table = Table(title=f"ingest into {db}")
        for header in HEADERS:
            table.add_column(header, justify="left" if header == "run" else "right")
        for row in rows_for(runs, bare):
            table.add_row(*row)
        console.print(table)
        for note in notes_for(db, runs, bare):
            console.print(f"  {note}", markup=False, highlight=False)
    console.print(PARTS_NOTE, markup=False, highlight=False)

    if markdown:
        lines = ["", "| | |", "| --- | --- |"]
        lines += [f"| {key} | {value} |" for key, value in info.items()]
        for db, (runs, bare) in results.items():
            lines += ["", f"{db}:", "", "| " + " | ".join(HEADERS) + " |"]
            lines.append("| --- |" + " ---: |" * (len(HEADERS) - 1))
            lines += ["| " + " | ".join(row) + " |" for row in rows_for(runs, bare)]
            lines += [""] + [f"- {note}" for note in notes_for(db, runs, bare)]
        lines += ["", PARTS_NOTE]
        print("\n".join(lines))


PROFILE_STAGES = (  # (label, file suffix, function): cumulative CPU time per pipeline stage
    ("import_jsonl (all)", "ingest/jsonl.py", "import_jsonl"),
    ("load listing events", "arxiv/listing_events.py", "load_listing_days"),
    ("read + parse JSON lines", "arxiv/kaggle.py", "iter_jsonl"),
    ("normalise", "ingest/normalize.py", "normalize"),
    ("receive from parse child", "ingest/parallel.py", "normalized_in_child"),
    ("upsert (all writes)", "ingest/upsert.py", "upsert_batch"),
    ("  commit", "~", "<method 'commit' of 'sqlite3.Connection' objects>"),
)


def print_profile(path: Path, db: str, mode: str) -> None:
    import pstats

    stats = pstats.Stats(str(path))
    cumulative = {}
    for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        for label, suffix, function in PROFILE_STAGES:
            if name == function and (suffix == "~" or filename.endswith(suffix)):
                cumulative[label] = cumulative.get(label, 0.0) + ct
    total = cumulative.get("import_jsonl (all)") or 1.0
    print(f"\n== cProfile (CPU time) of import_jsonl into {db}, {mode}")
    for label, _suffix, _function in PROFILE_STAGES:
        if label in cumulative:
            print(f"  {label:<26} {cumulative[label]:8.2f} s  {cumulative[label] / total:6.1%}")
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(45)
