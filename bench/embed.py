"""Embedding speed and quality, side by side, on one shared machine (docs/benchmarks.md).

    .venv/bin/python bench/embed.py export     # fp32 ONNX of the model (needs the semantic extra)
    .venv/bin/python bench/embed.py compare [--papers 1000] [--threads 2]

``compare`` embeds the same papers (title. abstract, sampled from the shared metadata file)
with every candidate, interleaved: each round gives each candidate the same 100 papers, so a
change in the machine's load hits all of them alike; speed is the ratio to the previous
default (onnx-int8-unfused-256) in the same rounds rather than absolute rates. Quality:

- mean (and lowest) cosine of each candidate's vectors to sentence-transformers fp32's (to
  the previous default's with --no-st);
- MRR@10 of semantic search on the repository's relevance set (search/tests/relevance);
- MRR@10 of title → abstract retrieval among --held-out other shared papers (the title is
  the query, the paper's abstract alone the document): a known-item proxy on real data.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dailypapers.lib.query import parse  # noqa: E402
from dailypapers.search.embedders import Embedder, paper_text, query_text  # noqa: E402
from dailypapers.search.evaluation import corpus, judgements  # noqa: E402

DATA = Path(
    os.environ.get("EMBED_BENCH_DATA", ROOT.parent / "shared" / "data" / "arxiv-metadata.jsonl.gz")
)
WORK = Path(os.environ.get("EMBED_BENCH_DIR", "/tmp/embed-bench"))
FP32_ONNX = WORK / "minilm-fp32.onnx"
OWN_INT8_ONNX = WORK / "minilm-int8-own.onnx"
ROUND = 100


def export() -> None:
    """fp32 ONNX of the packaged all-MiniLM-L6-v2, and our own dynamic int8 quantisation."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    from dailypapers.search.embedders import packaged_model_path

    model = AutoModel.from_pretrained(str(packaged_model_path())).eval()

    class Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    WORK.mkdir(parents=True, exist_ok=True)
    ids = torch.ones(2, 16, dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    torch.onnx.export(
        Hidden(), (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(FP32_ONNX),
        input_names=names, output_names=["last_hidden_state"],
        dynamic_axes={name: {0: "batch", 1: "sequence"} for name in [*names, "last_hidden_state"]},
        opset_version=17, dynamo=False,
    )  # fmt: skip
    quantize_dynamic(str(FP32_ONNX), str(OWN_INT8_ONNX), weight_type=QuantType.QInt8,
                     per_channel=True)  # fmt: skip
    print(f"wrote {FP32_ONNX} and {OWN_INT8_ONNX}")


def shared_papers(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """``count`` (title, abstract) pairs drawn at random from the shared metadata file."""
    with gzip.open(DATA, "rt", encoding="utf-8") as handle:
        rows = [(r["title"], r["abstract"]) for r in map(json.loads, handle)]
    rows = [(" ".join(t.split()), " ".join(a.split())) for t, a in rows]
    return random.Random(seed).sample(rows, count)


def candidates(
    threads: int, extra: bool, with_st: bool = True
) -> dict[str, Callable[[], Embedder]]:
    from dailypapers.search.embedders import SentenceTransformerEmbedder
    from dailypapers.search.onnx_embedder import OnnxEmbedder, dynamic_int8_file, sha256_of

    def sentence_transformers() -> Embedder:
        import torch

        torch.set_num_threads(threads)
        return SentenceTransformerEmbedder("all-MiniLM-L6-v2", device="cpu")

    def onnx(file: Path | None, name: str, **options: object) -> Callable[[], Embedder]:
        def make() -> Embedder:
            digest = sha256_of(file) if file else None
            extra = {"sha256": digest} if digest else {}
            return OnnxEmbedder(file, name=name, threads=threads, **extra, **options)

        return make

    dynamic = dynamic_int8_file(WORK / "models")
    found: dict[str, Callable[[], Embedder]] = {}
    if with_st:
        found["st-fp32-256"] = sentence_transformers
    if extra and FP32_ONNX.is_file():
        found["onnx-fp32-256"] = onnx(FP32_ONNX, "fp32")
    if extra:
        found["onnx-int8w-256"] = onnx(None, "int8w")  # the shipped file as it is
    found["onnx-int8-unfused-256"] = onnx(unfused_int8_file(), "int8-unfused")  # until 12-08
    found["onnx-int8dq-256"] = onnx(dynamic, "int8dq")  # the default
    if extra:
        found["onnx-int8dq-256-unsorted"] = onnx(dynamic, "int8dq-unsorted", by_length=False)
        found["onnx-int8dq-256-batch16"] = onnx(dynamic, "int8dq", micro_batch=16)
        found["onnx-int8dq-256-batch64"] = onnx(dynamic, "int8dq", micro_batch=64)
        found["onnx-int8dq-128"] = onnx(dynamic, "int8dq", max_length=128)
    return found


def unfused_int8_file() -> Path:
    """The default until 2026-12-08: the export's own graph, folded, MatMuls quantised
    dynamically (no fused attention): kept here as the baseline of the fused graph."""
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from dailypapers.search.onnx_embedder import packaged_model_file

    target = WORK / "minilm-int8-unfused.onnx"
    if not target.is_file():
        WORK.mkdir(parents=True, exist_ok=True)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(WORK / "minilm-folded.onnx")
        ort.InferenceSession(
            str(packaged_model_file()), options, providers=["CPUExecutionProvider"]
        )
        quantize_dynamic(options.optimized_model_filepath, target, weight_type=QuantType.QInt8,
                         per_channel=True)  # fmt: skip
    return target


def mrr_at_10(queries: np.ndarray, documents: np.ndarray, expected: list[set[int]]) -> float:
    scores = queries @ documents.T
    total = 0.0
    for row, wanted in enumerate(expected):
        top = np.argsort(-scores[row], kind="stable")[:10]
        total += next((1 / rank for rank, i in enumerate(top, 1) if int(i) in wanted), 0.0)
    return total / len(expected)


def relevance_mrr(embedder: Embedder) -> float:
    papers = corpus()
    position = {paper.arxiv_id: i for i, paper in enumerate(papers)}
    documents = embedder.embed([paper_text(p.title, p.abstract) for p in papers])
    judged = judgements()
    queries = embedder.embed([query_text(parse(item.query)) for item in judged])
    wanted = [{position[pk] for pk in item.expected if pk in position} for item in judged]
    return mrr_at_10(queries, documents, wanted)


def compare(count: int, threads: int, held_out_count: int, extra: bool, with_st: bool) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    drawn = shared_papers(count + held_out_count)
    texts = [paper_text(title, abstract) for title, abstract in drawn[:count]]
    held_out = drawn[count:]
    made = {name: make() for name, make in candidates(threads, extra, with_st).items()}
    seconds = dict.fromkeys(made, 0.0)
    vectors: dict[str, list[np.ndarray]] = {name: [] for name in made}
    loads = [os.getloadavg()[0]]
    for start in range(0, count, ROUND):
        chunk = texts[start : start + ROUND]
        for name, embedder in made.items():
            began = time.perf_counter()
            vectors[name].append(embedder.embed(chunk))
            seconds[name] += time.perf_counter() - began
        loads.append(os.getloadavg()[0])
        print(f"  {start + len(chunk)}/{count} papers, load {loads[-1]:.2f}", flush=True)
    # Speed against the previous default; cosines against fp32 when it ran.
    baseline = "onnx-int8-unfused-256"
    reference = np.vstack(vectors["st-fp32-256" if with_st else baseline])
    print(f"\n{count} shared papers, {threads} threads, load (1-min) "
          f"{min(loads):.2f}–{max(loads):.2f}, mean {sum(loads) / len(loads):.2f}")  # fmt: skip
    print("| embedder | papers/s | × baseline | mean cos | min cos | MRR@10 relevance set "
          f"| MRR@10 title→abstract ({len(held_out)}) |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, embedder in made.items():
        found = np.vstack(vectors[name])
        cosines = np.sum(found * reference, axis=1)
        rate = count / seconds[name]
        titles = embedder.embed([title for title, _ in held_out])
        abstracts = embedder.embed([abstract for _, abstract in held_out])
        known = mrr_at_10(titles, abstracts, [{i} for i in range(len(held_out))])
        print(
            f"| {name} | {rate:.1f} | {seconds[baseline] / seconds[name]:.2f} "
            f"| {cosines.mean():.4f} | {cosines.min():.4f} | {relevance_mrr(embedder):.3f} "
            f"| {known:.3f} |",
            flush=True,
        )
    print(f"load after: {os.getloadavg()[0]:.2f}")


def known_items(path: Path, count: int, threads: int) -> None:
    """Semantic MRR@10 of hand-written known-item queries (searchrel's known_items.tsv) among
    ``count`` shared papers: the known items plus papers drawn at random."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    items = [line.split("\t")[:2] for line in path.read_text().splitlines() if line.strip()]
    wanted = {arxiv_id for arxiv_id, _ in items}
    with gzip.open(DATA, "rt", encoding="utf-8") as handle:
        rows = {r["id"]: (" ".join(r["title"].split()), " ".join(r["abstract"].split()))
                for r in map(json.loads, handle)}  # fmt: skip
    others = random.Random(7).sample(sorted(set(rows) - wanted), count - len(wanted))
    ids = sorted(wanted & set(rows)) + others
    position = {arxiv_id: i for i, arxiv_id in enumerate(ids)}
    texts = [paper_text(*rows[arxiv_id]) for arxiv_id in ids]
    questions = [query_text(parse(query)) for _, query in items]
    expected = [{position[arxiv_id]} for arxiv_id, _ in items]
    print(f"{len(items)} known items among {len(ids):,} papers; load {os.getloadavg()[0]:.2f}")
    print("| embedder | MRR@10 | recall@10 |")
    print("| --- | --- | --- |")
    chosen = ("st-fp32-256", "onnx-int8-unfused-256", "onnx-int8dq-256")
    with_st = importlib.util.find_spec("sentence_transformers") is not None
    for name, make in candidates(threads, extra=False, with_st=with_st).items():
        if name not in chosen:
            continue
        embedder = make()
        documents = embedder.embed(texts)
        queries = embedder.embed(questions)
        scores = queries @ documents.T
        top = np.argsort(-scores, axis=1, kind="stable")[:, :10]
        found = [next((1 / r for r, i in enumerate(row, 1) if int(i) in e), 0.0)
                 for row, e in zip(top, expected, strict=True)]  # fmt: skip
        recall = sum(1 for value in found if value) / len(found)
        print(f"| {name} | {sum(found) / len(found):.3f} | {recall:.3f} |", flush=True)
    print(f"load after: {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("export")
    run = commands.add_parser("compare")
    run.add_argument("--papers", type=int, default=1000)
    run.add_argument("--threads", type=int, default=2)
    run.add_argument("--held-out", type=int, default=300, help="papers for title → abstract")
    run.add_argument(
        "--extra",
        action="store_true",
        help="also fp32 ONNX, unsorted batches, batches of 16 and 64, 128 tokens",
    )
    run.add_argument("--no-st", action="store_true", help="without sentence-transformers")
    known = commands.add_parser("known-items")
    known.add_argument("file", type=Path, help="arxiv_id<TAB>query lines (bench/relevance/)")
    known.add_argument("--papers", type=int, default=1000)
    known.add_argument("--threads", type=int, default=2)
    options = parser.parse_args()
    if options.command == "export":
        export()
    elif options.command == "known-items":
        known_items(options.file, options.papers, options.threads)
    else:
        compare(options.papers, options.threads, options.held_out, options.extra, not options.no_st)


if __name__ == "__main__":
    main()
