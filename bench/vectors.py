"""The shared vector index alone (issue 15 item 2): which storage serves many processes.

Usage::

    python bench/vectors.py compare --vectors 1000000 [--dir /tmp/vecindex-bench]

Synthetic unit vectors of 384 dimensions clustered around 2,000 topic centres (as
``search.py ann`` draws them), and the indexes below, each built, saved to a file and
searched with the same 200 queries (stored vectors blurred as far as a text query is from
its nearest papers; nprobe tuned on 200 other such queries):

* ``exact float32``: one matrix product over every vector (the reference);
* ``hand IVF, float32 in RAM``: the index before issue 15 (bench/hand_ivf.py, was
  search/ann.py: numpy k-means, nprobe tuned to recall@10 ≥ 0.97; every process loaded
  its own float32 copy);
* ``faiss IVF-SQ8, mmap (chosen)``: what the project uses now (search/vector_store.py):
  faiss IndexIVFScalarQuantizer, 8-bit codes, the same number of lists, nprobe tuned the
  same way, saved and opened read-only with IO_FLAG_MMAP_IFC;
* ``faiss flat SQ8, mmap``: every code scored (the fallback for vectors that do not
  cluster); and the time to write 1,000 and 20,000 new vectors as an added segment.

Recall@10 is against exact float32 search over every vector. Memory: two child processes
open the same saved file and run 300 queries each (touching most lists); their
/proc/PID/smaps_rollup is read while both are alive: Private (their own copy) against Shared
(page cache pages mapped by both).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import faiss
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

import hand_ivf  # noqa: E402
from search_setup import load, machine, percentiles  # noqa: E402

from dailypapers.search import vector_store  # noqa: E402

DIM = 384


def synthetic(n: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(2000, DIM)).astype(np.float32)
    vectors = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, 100_000):
        size = min(100_000, n - start)
        topic = rng.integers(0, len(centres), size)
        vectors[start : start + size] = centres[topic] + rng.normal(0, 1.2, (size, DIM))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def blurred(vectors: np.ndarray, count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    picked = vectors[rng.choice(len(vectors), count, replace=False)]
    # As far from any stored row as a text query typically is (see vector_store).
    noisy = picked + rng.normal(0, 1.5 / np.sqrt(DIM), picked.shape)
    return (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)


def recall(exact: list[np.ndarray], found: list[np.ndarray]) -> float:
    hits = sum(len(np.intersect1d(e, f)) for e, f in zip(exact, found, strict=True))
    return hits / max(1, sum(len(e) for e in exact))


def timed_queries(search, queries: np.ndarray) -> tuple[list[np.ndarray], list[float]]:  # noqa: ANN001
    found, ms = [], []
    for query in queries:
        started = time.perf_counter()
        found.append(np.asarray(search(query)))
        ms.append((time.perf_counter() - started) * 1000)
    return found, ms


# -- the three indexes -------------------------------------------------------------------


def hand_float32(vectors: np.ndarray, folder: Path, tuning: np.ndarray):  # noqa: ANN201
    started = time.perf_counter()
    layout = hand_ivf.build_ivf(vectors, seed=0)
    laid = np.ascontiguousarray(vectors[layout.order])
    hand_ivf.tune_nprobe(layout, laid, tuning)
    build_s = time.perf_counter() - started
    np.save(folder / "float32.npy", laid)
    np.save(folder / "float32-meta.npy", np.concatenate([[layout.nprobe], layout.offsets]))
    np.save(folder / "centres.npy", layout.centres)

    def search(query: np.ndarray) -> np.ndarray:
        return layout.order[hand_ivf.search_ivf(layout, laid, query, 10)[0]]

    return search, build_s, layout


def chosen(vectors: np.ndarray, folder: Path, tuning: np.ndarray):  # noqa: ANN201
    """What the project uses (search/vector_store.py): faiss IVF-SQ8, mapped read-only."""
    started = time.perf_counter()
    codes = vector_store.Codes.clustered(vectors, queries=tuning)
    (folder / "sq8").mkdir(exist_ok=True)
    codes.save(folder / "sq8" / "codes.faiss")
    build_s = time.perf_counter() - started
    opened = vector_store.Codes.open(folder / "sq8" / "codes.faiss")
    opened.index.nprobe = codes.nprobe
    np.save(folder / "sq8" / "nprobe.npy", np.asarray([codes.nprobe]))

    def search(query: np.ndarray) -> np.ndarray:
        return opened.search(query, 10)[0]

    return search, build_s, opened


def flat_sq8(vectors: np.ndarray, folder: Path) -> tuple:  # noqa: ANN201
    """Every code scanned (what the index falls back to for vectors that do not cluster)."""
    started = time.perf_counter()
    codes = vector_store.Codes.flat(vectors)
    codes.save(folder / "flat.faiss")
    build_s = time.perf_counter() - started
    opened = vector_store.Codes.open(folder / "flat.faiss")
    return (lambda query: opened.search(query, 10)[0]), build_s


def add_cost(vectors: np.ndarray, folder: Path, count: int) -> float:
    """Seconds to save ``count`` new vectors as a segment (what add_newer writes)."""
    started = time.perf_counter()
    codes = vector_store.Codes.flat(vectors[:count])
    codes.save(folder / "added.faiss")
    return time.perf_counter() - started


# -- memory of two processes -------------------------------------------------------------

CHILD = r"""
import sys, time, numpy as np, faiss
faiss.omp_set_num_threads(1)
sys.path.insert(0, {src!r})
kind, folder = sys.argv[1], sys.argv[2]
queries = np.load(folder + "/queries.npy")
if kind == "float32":
    laid = np.load(folder + "/float32.npy")
    meta = np.load(folder + "/float32-meta.npy"); centres = np.load(folder + "/centres.npy")
    sys.path.insert(0, {bench!r})
    import hand_ivf
    layout = hand_ivf.IvfLayout(centres, meta[1:], np.arange(len(laid)), int(meta[0]))
    for q in queries:
        hand_ivf.search_ivf(layout, laid, q, 10)
elif kind == "sq8":
    from dailypapers.search import vector_store
    codes = vector_store.Codes.open(folder + "/sq8/codes.faiss")
    codes.index.nprobe = int(np.load(folder + "/sq8/nprobe.npy")[0])
    for q in queries:
        codes.search(q, 10)
print("ready", flush=True)
sys.stdin.read()
"""


def rollup(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        values[name.strip()] = int(value.split()[0])
    return values


def two_processes(kind: str, folder: Path, extra: list[str]) -> list[dict[str, int]]:
    code = CHILD.format(src=str(REPO / "src"), bench=str(REPO / "bench"))
    children = [
        subprocess.Popen(
            [sys.executable, "-c", code, kind, str(folder), *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(2)
    ]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    measured = [rollup(child.pid) for child in children]
    for child in children:
        child.communicate("")
    return measured


def describe_memory(kind: str, measured: list[dict[str, int]]) -> str:
    parts = []
    for values in measured:
        private = (values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)) / 1024
        shared = (values.get("Shared_Clean", 0) + values.get("Shared_Dirty", 0)) / 1024
        parts.append(f"RSS {values['Rss'] / 1024:,.0f} MB (private {private:,.0f}, shared "
                     f"{shared:,.0f}, PSS {values['Pss'] / 1024:,.0f})")  # fmt: skip
    return f"{kind:<28} " + " | ".join(parts)


def compare(args: argparse.Namespace) -> None:
    faiss.omp_set_num_threads(1)  # a web worker's search runs on one thread
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    print(f"# {args.vectors:,} synthetic vectors of {DIM}; {machine()}; {load()}")
    vectors = synthetic(args.vectors)
    tuning = blurred(vectors, 200, seed=1)
    queries = blurred(vectors, 200, seed=2)
    np.save(folder / "queries.npy", blurred(vectors, 300, seed=4))
    exact = [vector_store.top_k(vectors @ q, 10) for q in queries]
    _, exact_ms = timed_queries(lambda q: vector_store.top_k(vectors @ q, 10), queries)
    rows = [("exact float32 (one product)", 0.0, 1.0, exact_ms, "")]

    search, build_s, store = hand_float32(vectors, folder, tuning)
    found, ms = timed_queries(search, queries)
    rows.append(("hand IVF, float32 in RAM", build_s, recall(exact, found), ms,
                 f"{len(store.centres)} lists, nprobe {store.nprobe}"))  # fmt: skip
    search, build_s, opened = chosen(vectors, folder, tuning)
    found, ms = timed_queries(search, queries)
    rows.append(("faiss IVF-SQ8, mmap (chosen)", build_s, recall(exact, found), ms,
                 f"{opened.nlist} lists, nprobe {opened.nprobe}"))  # fmt: skip
    search, build_s = flat_sq8(vectors, folder)
    found, ms = timed_queries(search, queries)
    rows.append(("faiss flat SQ8, mmap", build_s, recall(exact, found), ms, "every code"))
    for count in (1_000, 20_000):
        print(f"add {count:,} vectors as a new segment: {add_cost(vectors, folder, count):.2f} s")
    print("| index | build s | recall@10 | p50 ms | p95 ms | notes |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, build, found_recall, ms, notes in rows:
        p50, p95 = percentiles(ms)
        print(f"| {name} | {build:.1f} | {found_recall:.3f} | {p50:.2f} | {p95:.2f} | {notes} |")
    print(f"files: float32 {(folder / 'float32.npy').stat().st_size / 1e6:,.0f} MB, SQ8 "
          f"{(folder / 'sq8' / 'codes.faiss').stat().st_size / 1e6:,.0f} MB; {load()}")  # fmt: skip
    print("# two processes each open the saved file and run 300 queries")
    print(describe_memory("hand IVF, float32 in RAM", two_processes("float32", folder, [])))
    print(describe_memory("faiss IVF-SQ8, mmap (chosen)", two_processes("sq8", folder, [])))
    print(f"# end; {load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("compare", help="hand IVF float32 vs faiss IVF-SQ8 mmap")
    run.add_argument("--vectors", type=int, default=1_000_000)
    run.add_argument("--dir", default=f"/tmp/vecindex-bench-{os.getpid()}")
    run.set_defaults(run=compare)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
