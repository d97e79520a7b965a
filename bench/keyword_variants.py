"""Keyword ranking variants on the known-item dev half, straight on Tantivy (no Django).

    .venv/bin/python bench/keyword_variants.py [--index DIR] [--split dev|heldout|all]

Builds (once, kept in --index) a Tantivy index of the 90,929 shared papers with the fields
the variants need: ``text`` (title three times, authors, abstract: the production field),
``text1`` and ``text2`` (title once / twice), ``title`` and ``abstract``, all ``en_stem``.
Then ranks every known-item query of bench/relevance/ (parsed and read for ranking as
engine.search does: lib/query.py, Query.for_ranking) under each variant and prints MRR@10,
recall@10 and topical nDCG@10 with the load average. For choosing what to build, on the dev
half only (bench/relevance/README.md); the figures of record come from
``bench/search.py relevance``, which goes through engine.search().

Variants: the production query; title weight (text1, text2, an extra abstract clause);
pseudo-relevance feedback (RM3-like: the top k papers' terms weighted by score and idf, the
best m added with weight beta); query words weighted by idf**power; the unquoted compounds
("white-noise") also as optional phrases.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import relevance  # noqa: E402
import tantivy  # noqa: E402
from search_setup import load  # noqa: E402
from tantivy import Occur, Query  # noqa: E402

from dailypapers.lib.query import Query as Parsed  # noqa: E402
from dailypapers.lib.query import is_stop_word, parse  # noqa: E402

FIELDS = ("text", "text1", "text2", "title", "abstract")
ANALYZER = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    .filter(tantivy.Filter.remove_long(40))
    .filter(tantivy.Filter.lowercase())
    .filter(tantivy.Filter.stemmer("english"))
    .build()
)


def papers(path: Path) -> list[tuple[str, str, str, str]]:
    with gzip.open(path, "rt") as lines:
        return [
            (
                r["id"],
                " ".join(r["title"].split()),
                " ".join(r["abstract"].split()),
                r.get("authors") or "",
            )  # fmt: skip
            for r in map(json.loads, lines)
        ]


def build(folder: Path, rows: list[tuple[str, str, str, str]]) -> Any:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    for name in FIELDS:
        builder.add_text_field(name, stored=False, tokenizer_name="en_stem")
    folder.mkdir(parents=True)
    index = tantivy.Index(builder.build(), path=str(folder))
    writer = index.writer(heap_size=400_000_000)
    for number, (_, title, abstract, authors) in enumerate(rows):
        writer.add_document(tantivy.Document(
            id=number, title=title, abstract=abstract,
            text="\n".join([title] * 3 + [authors, abstract]),
            text1="\n".join([title, authors, abstract]),
            text2="\n".join([title] * 2 + [authors, abstract]),
        ))  # fmt: skip
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


def words(text: str) -> tuple[list[str], Parsed, Parsed]:
    """The meaningful words as engine.search ranks them, the ranking query, the parsed one."""
    parsed = parse(text)
    ranking = parsed.for_ranking()
    found = dict.fromkeys(w.lower() for w in ranking.terms if not is_stop_word(w))
    return list(found), ranking, parsed


class Lab:
    def __init__(self, index: Any, rows: list[tuple[str, str, str, str]]) -> None:
        self.index, self.rows = index, rows
        self.searcher = index.searcher()
        self.papers = self.searcher.num_docs
        self._tokens: dict[int, list[str]] = {}

    def idf(self, stem: str) -> float:
        df = self.searcher.doc_freq("text", stem)
        return math.log(1 + (self.papers - df + 0.5) / (df + 0.5))

    def plain(self, found: list[str], ranking: Parsed, field: str = "text") -> Any:
        parts = list(found)
        if len(ranking.terms) > 1:
            parts.append('"' + " ".join(ranking.terms) + '"')
        return self.index.parse_query(" ".join(parts), [field])

    def top(self, query: Any, k: int = 10) -> list[int]:
        return [self.searcher.doc(at)["id"][0] for _, at in self.searcher.search(query, k).hits]

    def tokens(self, number: int) -> list[str]:
        if number not in self._tokens:
            title, abstract = self.rows[number][1:3]
            self._tokens[number] = ANALYZER.analyze(" ".join([title] * 3 + [abstract]))
        return self._tokens[number]

    def feedback(self, query: Any, found: list[str], k: int, m: int, beta: float) -> Any:
        hits = self.searcher.search(query, k).hits
        if not hits:
            return query
        asked = set(ANALYZER.analyze(" ".join(found)))
        best = hits[0][0]
        weights: collections.Counter[str] = collections.Counter()
        for score, at in hits:
            tokens = self.tokens(self.searcher.doc(at)["id"][0])
            for stem, count in collections.Counter(tokens).items():
                weights[stem] += math.exp((score - best) / 2) * count / len(tokens)
        chosen = sorted(
            ((weight * self.idf(stem), stem) for stem, weight in weights.items()
             if stem not in asked and len(stem) > 2 and not stem.isdigit()
             and self.searcher.doc_freq("text", stem) > 1),
            reverse=True,
        )[:m]  # fmt: skip
        clauses = [(Occur.Should, query)]
        for weight, stem in chosen:
            term = Query.term_query(self.index.schema, "text", stem)
            clauses.append((Occur.Should, Query.boost_query(term, beta * weight / chosen[0][0])))
        return Query.boolean_query(clauses)

    def by_idf(self, found: list[str], ranking: Parsed, power: float) -> Any:
        clauses = []
        for word in found:
            stems = ANALYZER.analyze(word)
            if stems:
                query = self.index.parse_query(word, ["text"])
                clauses.append(
                    (Occur.Should, Query.boost_query(query, self.idf(stems[0]) ** power))
                )
        return Query.boolean_query(clauses) if clauses else self.plain(found, ranking)

    def extra(self, base: Any, text: str, field: str, boost: float) -> Any:
        query = self.index.parse_query(text, [field])
        return Query.boolean_query([(Occur.Should, base),
                                    (Occur.Should, Query.boost_query(query, boost))])  # fmt: skip


Variant = Callable[[Lab, list[str], Parsed, Parsed], Any]


def variants() -> dict[str, Variant]:
    def compounds(lab: Lab, found: list[str], ranking: Parsed, parsed: Parsed) -> Any:
        query = lab.plain(found, ranking)
        for phrase in parsed.phrases:
            if not phrase.quoted:
                query = lab.extra(query, '"' + " ".join(phrase.words) + '"', "text", 0.5)
        return query

    return {
        "production (text: title x3, authors, abstract)": lambda lab, w, r, p: lab.plain(w, r),
        "title x1": lambda lab, w, r, p: lab.plain(w, r, "text1"),
        "title x2": lambda lab, w, r, p: lab.plain(w, r, "text2"),
        "+ abstract clause x0.5": lambda lab, w, r, p: (
            lab.extra(lab.plain(w, r), " ".join(w), "abstract", 0.5) if w else lab.plain(w, r)
        ),
        "PRF k=10 m=10 beta=0.3": lambda lab, w, r, p: (
            lab.feedback(lab.plain(w, r), w, 10, 10, 0.3) if w else lab.plain(w, r)
        ),
        "words weighted idf^-0.25": lambda lab, w, r, p: lab.by_idf(w, r, -0.25),
        "words weighted idf^+0.5": lambda lab, w, r, p: lab.by_idf(w, r, 0.5),
        "+ unquoted compounds as optional phrases x0.5": compounds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/bench-keyword-variants"))
    parser.add_argument("--file", type=Path, default=relevance.SHARED_FILE)
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="dev")
    args = parser.parse_args()
    rows = papers(args.file)
    if args.index.exists():
        index = tantivy.Index.open(str(args.index))
    else:
        started = time.perf_counter()
        index = build(args.index, rows)
        print(f"index: {len(rows):,} papers in {time.perf_counter() - started:.0f} s; {load()}")
    lab = Lab(index, rows)
    number = {row[0]: n for n, row in enumerate(rows)}
    items = [i for i in relevance.known_items() if args.split in ("all", i.split)]
    topics = [topic for topic in relevance.topical() if topic.grades]
    print(f"{args.split}: {len(items)} known items, {len(topics)} topical queries; {load()}\n")
    print("| variant | MRR@10 | recall@10 | topical nDCG@10 | ms/query |")
    print("|---|---:|---:|---:|---:|")
    for name, variant in variants().items():
        started = time.perf_counter()
        ranks = [
            relevance.reciprocal_rank(
                [rows[n][0] for n in lab.top(variant(lab, *words(item.query)))], item.arxiv_id
            )
            for item in items
        ]
        per_query = (time.perf_counter() - started) * 1000 / len(items)
        gains = [
            relevance.ndcg(
                [rows[n][0] for n in lab.top(variant(lab, *words(topic.query)))], topic.grades
            )  # fmt: skip
            for topic in topics
        ]
        assert all(item.arxiv_id in number for item in items)
        print(f"| {name} | {sum(ranks) / len(ranks):.3f} | "
              f"{sum(r > 0 for r in ranks) / len(ranks):.3f} | {sum(gains) / len(gains):.3f} | "
              f"{per_query:.1f} |", flush=True)  # fmt: skip
    print(f"\n{load()}")


if __name__ == "__main__":
    main()
