"""The collection bench/scale.py measures: the shared records plus synthetic variants.

A variant is made from a shared record of the same primary category: its title with some
words swapped for words of other titles of that category, an abstract of the same number of
sentences half taken from other abstracts of that category, half of its authors swapped for
authors of that category (affiliations dropped), the same categories, and a new id and
first-version date in a month between 2008 and the end of 2026, months weighted to grow as
arXiv's submissions have. So
lengths, category mix, author overlap and vocabulary are those of real papers; the text
means nothing. Ids use numbers 60000-99999 of their month, which arXiv has never reached,
so they cannot collide with a real record.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

FIRST_MONTH = (2008, 1)
LAST_MONTH = (2026, 12)
FIRST_NUMBER = 60_000
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
AUTHOR_SEPARATOR = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
AFFILIATION = re.compile(r"\([^()]*\)")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def read_shared(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def months() -> list[tuple[int, int]]:
    found = []
    year, month = FIRST_MONTH
    while (year, month) <= LAST_MONTH:
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def monthly_counts(total: int) -> list[int]:
    """``total`` papers spread over the months, growing linearly from one to seven parts (about
    3,500 to 24,000 a month at 2.7 million, as arXiv grew)."""
    spans = months()
    weights = [1 + 6 * i / (len(spans) - 1) for i in range(len(spans))]
    scale = total / sum(weights)
    counts = [int(weight * scale) for weight in weights]
    counts[-1] += total - sum(counts)
    if max(counts) > 99_999 - FIRST_NUMBER:
        raise SystemExit(f"{total:,} papers need more than 40,000 ids a month; ask for fewer")
    return counts


class Pools:
    """Per primary category: the records, title words, sentences and authors to draw from."""

    def __init__(self, records: list[dict]) -> None:
        self.records: dict[str, list[dict]] = defaultdict(list)
        self.words: dict[str, list[str]] = defaultdict(list)
        self.sentences: dict[str, list[str]] = defaultdict(list)
        self.authors: dict[str, list[str]] = defaultdict(list)
        for record in records:
            primary = (record.get("categories") or "cs.LG").split()[0]
            self.records[primary].append(record)
            self.words[primary] += [w for w in record["title"].split() if len(w) > 3]
            self.sentences[primary] += split_sentences(record.get("abstract") or "")
            self.authors[primary] += split_authors(record.get("authors") or "")
        self.categories = sorted(self.records)
        self.weights = [len(self.records[c]) for c in self.categories]


def split_sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(" ".join(text.split())) if s]


def split_authors(field: str) -> list[str]:
    """Most shared records have no authors_parsed, only "A. One, B. Two and C. Three"."""
    flat = " ".join(AFFILIATION.sub("", field or "").split())
    return [name.strip() for name in AUTHOR_SEPARATOR.split(flat) if name.strip()]


def variant(base: dict, pools: Pools, rng: random.Random, arxiv_id: str, day: date) -> dict:
    primary = (base.get("categories") or "cs.LG").split()[0]
    words = pools.words[primary]
    title = " ".join(
        rng.choice(words) if len(word) > 3 and rng.random() < 0.3 else word
        for word in base["title"].split()
    )
    own = split_sentences(base.get("abstract") or "")
    sentences = pools.sentences[primary]
    abstract = " ".join(s if rng.random() < 0.5 else rng.choice(sentences) for s in own)
    names = [
        rng.choice(pools.authors[primary]) if rng.random() < 0.5 else name
        for name in split_authors(base.get("authors") or "")
    ]
    weekday, month = WEEKDAYS[day.weekday()], MONTHS[day.month - 1]
    created = f"{weekday}, {day.day} {month} {day.year} 12:00:00 GMT"
    return {
        "id": arxiv_id,
        "submitter": None,
        "authors": ", ".join(names),
        "title": title,
        "comments": base.get("comments"),
        "journal-ref": None,
        "doi": None,
        "report-no": None,
        "categories": base.get("categories") or primary,
        "license": base.get("license"),
        "abstract": abstract,
        "versions": [{"version": "v1", "created": created}],
        "update_date": day.isoformat(),
        "authors_parsed": [],
    }


def variants(records: list[dict], count: int, seed: int) -> Iterator[dict]:
    rng = random.Random(seed)
    pools = Pools(records)
    for (year, month), in_month in zip(months(), monthly_counts(count), strict=True):
        days = 28 if month == 2 else 30
        for number in range(FIRST_NUMBER, FIRST_NUMBER + in_month):
            primary = rng.choices(pools.categories, pools.weights)[0]
            base = rng.choice(pools.records[primary])
            day = date(year, month, 1 + number % days)
            yield variant(base, pools, rng, f"{year % 100:02d}{month:02d}.{number:05d}", day)


def write_collection(shared: Path, out: Path, total: int, seed: int = 1) -> int:
    """The shared records, then synthetic variants up to ``total``, as Kaggle-schema JSON lines
    (gzip level 1). Returns the number written."""
    started = time.perf_counter()
    records = read_shared(shared)
    tmp = out.with_suffix(".partial")
    written = 0
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=1) as sink:
        for record in records[:total]:
            sink.write(json.dumps(record) + "\n")
            written += 1
        for record in variants(records, max(0, total - written), seed):
            sink.write(json.dumps(record) + "\n")
            written += 1
            if written % 200_000 == 0:
                print(f"  {written:,} records, {time.perf_counter() - started:.0f} s", flush=True)
    tmp.rename(out)
    return written
