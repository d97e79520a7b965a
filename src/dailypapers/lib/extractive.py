"""Key phrases and a short summary of a paper, extracted from its own title and abstract.

No model and no network: pure Python fast enough for bulk (well over 1,000 papers a second on
one core), so every paper gets them, and a page can compute them on read for a paper not
processed yet.

- ``keywords``: RAKE-like. Candidate phrases are the runs of words between stop words and
  punctuation (at most four words; generic words such as "novel" trimmed from their ends; a
  run also ends after a plural, whose next word is most likely a verb, and loses a first
  word that follows "we"/"which" or opens a title on "-ing"), plus the two- and three-word
  parts of runs that recur. A word scores by how often it occurs (title words count more)
  and by how many words it co-occurs with in candidates; a phrase by its words' mean score,
  its length, its own frequency and a bonus for appearing in the title. Phrases are
  de-duplicated by their stems (plural and case): one inside a chosen phrase, holding one
  or sharing two words with one is skipped. The word lists are in lib/extractive_words.py.
- ``summary``: the abstract's most central one or two sentences (their words shared with the
  title and the rest of the abstract, a bonus for "we propose/present/introduce …"), in
  their own order, within ``limit`` characters; a short abstract is its own summary.

Abstracts arrive as stored (TeX already made plain by lib.tex); links, bracketed
citations and leftover markup are removed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from math import sqrt

from dailypapers.lib.extractive_words import (
    ABBREVIATIONS,
    GENERIC,
    ING_NOUNS,
    NOT_ADVERBS,
    STOP_WORDS,
    SUBJECTS,
)

__all__ = [
    "GENERIC", "STOP_WORDS", "SUMMARY_LIMIT", "Extract", "clean", "extract", "keywords",
    "sentences", "summary",
]  # fmt: skip

SUMMARY_LIMIT = 280  # characters, like the Hub's one-line ai_summary
MIN_KEYWORDS = 5
MAX_KEYWORDS = 8
MAX_PHRASE_WORDS = 4

_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_CITATION = re.compile(r"\[\d+(?:[,–-]\s*\d+)*\]")
_MARKUP = re.compile(r"\\[A-Za-z]+\*?|[{}]|</?[a-z][^>]{0,40}>")
_SPACE_BEFORE_MARK = re.compile(r"\s+([,.;:!?])")
# A word (letters or digits, with inner hyphens and apostrophes), or one punctuation mark.
_TOKEN = re.compile(r"[^\W_](?:[\w’']*[^\W_])?(?:-[^\W_](?:[\w’']*[^\W_])?)*|[^\w\s]")
_SENTENCE_END = re.compile(r"[.!?](?=[\"”’')\]]*\s+[\"“(\[]?[A-Z0-9])")
# "We propose …", "this paper presents …": where authors say what they did.
_CUE_SUBJECTS = ("we ", "this paper", "this work", "this article", "this letter", "this study")
_CUE_VERB = re.compile(
    r"\b(?:propose|present|introduce|develop|show|find|demonstrate|report|describe|derive|"
    r"obtain|prove|establish)",
    re.I,
)
_CODE_NOTE = re.compile(
    r"\b(?:code|data|datasets?|models?|implementation|software)\b.{0,60}\b(?:available|released)\b",
    re.I,
)
# A sentence that opens by pointing back ("This limitation", "These results", "It") reads
# badly alone.
_BACK_REFERENCE = re.compile(r"^(?:this|these|those|that|it|its|they|their|such)\b", re.I)
_CONNECTIVE = re.compile(
    r"^(?:additionally|also|finally|furthermore|however|importantly|in addition|interestingly|"
    r"moreover|notably|similarly|specifically|thus|"
    r"therefore|to this end|as a result|in particular)\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Extract:
    keywords: list[str]
    summary: str


def clean(text: str) -> str:
    """The abstract without links, bracketed citations and leftover markup, on one line."""
    # Each pattern runs only where its first character occurs: most abstracts have none.
    lowered = text.lower()
    removed = False
    if "http" in lowered or "www." in lowered:
        text, count = _URL.subn(" ", text)
        removed = removed or count > 0
    if "[" in text:
        text, count = _CITATION.subn("", text)
        removed = removed or count > 0
    if "\\" in text or "{" in text or "}" in text or "<" in text:
        text, count = _MARKUP.subn(" ", text)
        removed = removed or count > 0
    text = " ".join(text.split())
    return _SPACE_BEFORE_MARK.sub(r"\1", text) if removed else text


def extract(title: str, abstract: str, limit: int = SUMMARY_LIMIT) -> Extract:
    """Both at once, the abstract cleaned, split and read once."""
    parts = sentences(clean(abstract))
    read = [_read(sentence) for sentence in parts]
    title_read = _read(clean(title), title=True)
    return Extract(_keywords(title_read, read), _summary(parts, read, title_read, limit))


def sentences(text: str) -> list[str]:
    """The sentences of a cleaned text; a period after an abbreviation or initial ends none."""
    found: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        before = text[start : match.start()].rsplit(" ", 1)[-1].lower().rstrip(".")
        if text[match.start()] == "." and (
            before in ABBREVIATIONS or (len(before) == 1 and before.isalpha())
        ):
            continue
        found.append(text[start:end].strip())
        start = end
    tail = text[start:].strip()
    if tail:
        found.append(tail)
    return [sentence for sentence in found if sentence]


# -- keywords ------------------------------------------------------------------------------


def _stem(lower: str) -> str:
    if len(lower) > 4 and lower.endswith("ies"):
        return lower[:-3] + "y"
    if len(lower) > 3 and lower.endswith("s") and not lower.endswith(("ss", "us", "is", "'s")):
        return lower[:-1]
    return lower


def _plural(token: str) -> bool:
    """A word that looks plural ("networks", "LLMs"): inside a run, the head of a phrase
    whose next word is most likely a verb ("networks struggle")."""
    if len(token) > 2 and token.endswith("s") and token[:-1].isupper():
        return True  # LLMs, GNNs
    return (
        len(token) > 3
        and token.islower()
        and token.endswith("s")
        and not token.endswith(("ss", "us", "is", "ics", "'s", "’s"))
    )


@lru_cache(maxsize=100_000)
def _word(token: str) -> tuple[bool, str, str, bool, bool]:
    """What a token is, computed once per distinct token: (whether it ends a phrase, its
    stem, its spelling at a sentence start, whether it looks plural mid-text, and in a
    title). Mid-sentence a word keeps its own spelling (CNN, Boltzmann, networks); at a
    sentence start it is made lower case unless it has capitals past its first letter."""
    lower = token.lower()
    breaks = (
        not token[0].isalnum()
        or lower in STOP_WORDS
        or len(token) == 1
        or not any(char.isalpha() for char in token)
        or (len(lower) > 4 and lower.endswith("ly") and lower not in NOT_ADVERBS)
    )
    opening = token if any(char.isupper() for char in token[1:]) else lower
    # Title case hides plurals: "Networks" counts, "Navier-Stokes" does not.
    title_plural = _plural(token) or ("-" not in token and _plural(lower))
    return breaks, _stem(lower), opening, _plural(token), title_plural


Run = tuple[tuple[str, ...], tuple[str, ...]]  # (stems, words as shown)


@dataclass(frozen=True, slots=True)
class _Read:
    runs: list[Run]
    stems: set[str]  # every phrase word of the text


def _read(text: str, title: bool = False) -> _Read:
    """The runs of phrase words in a text, trimmed of generic ends, and its phrase words.

    In a title every word counts as a sentence start: titles capitalise words freely."""
    runs: list[Run] = []
    every: set[str] = set()
    stems: list[str] = []
    shown: list[str] = []
    sentence_start = True
    after_plural = False
    opens = False  # the current run starts the text or a sentence
    subject = after_subject = False  # the last word was "we", "which" …; the run follows one

    def close() -> None:
        lo, hi = 0, len(stems)
        # A title or sentence that opens on "-ing" opens on a verb: "Enhancing LLM generation";
        # so does a run right after "we" or "which".
        if hi >= 2 and (
            after_subject or (opens and stems[0].endswith("ing") and stems[0] not in ING_NOUNS)
        ):
            lo = 1
        while lo < hi and stems[lo] in GENERIC:
            lo += 1
        while hi > lo and stems[hi - 1] in GENERIC and hi - lo > 1:
            hi -= 1
        if hi > lo and not all(stem in GENERIC for stem in stems[lo:hi]):
            # A run longer than a phrase keeps its head: English noun phrases end with it.
            lo = max(lo, hi - MAX_PHRASE_WORDS)
            runs.append((tuple(stems[lo:hi]), tuple(shown[lo:hi])))
        stems.clear()
        shown.clear()

    for token in _TOKEN.findall(text):
        breaks, stem, opening, plural, title_plural = _word(token)
        if breaks:
            if stems:
                close()
            subject = token.lower() in SUBJECTS
            if token in ".!?:":
                sentence_start = True
            elif token[0].isalnum():
                sentence_start = False
            continue
        if after_plural and stems:
            close()
        if not stems:
            opens, after_subject = sentence_start, subject
        stems.append(stem)
        every.add(stem)
        shown.append(opening if sentence_start or title else token)
        sentence_start = False
        after_plural = title_plural if title else plural
        subject = False
    if stems:
        close()
    return _Read(runs, every)


def _parts(stems: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of the proper parts of a run that may be phrases: two or three words,
    no generic word at either end."""
    n = len(stems)
    return [
        (lo, hi)
        for lo in range(n)
        for hi in range(lo + 2, min(lo + 3, n) + 1)
        if (lo, hi) != (0, n) and stems[lo] not in GENERIC and stems[hi - 1] not in GENERIC
    ]


def keywords(title: str, abstract_sentences: list[str], count: int = MAX_KEYWORDS) -> list[str]:
    """5 to ``count`` key phrases of a paper, best first (fewer only for a very short text)."""
    read = [_read(sentence) for sentence in abstract_sentences]
    return _keywords(_read(clean(title), title=True), read, count)


def _keywords(title_read: _Read, read: list[_Read], count: int = MAX_KEYWORDS) -> list[str]:
    """Key phrases from the title's and the sentences' runs.

    Candidates are whole runs and the parts of runs that recur (so "sparse graph attention"
    stands out of "sparse graph attention keeps memory"); a phrase scores by its words'
    mean score, its length and how often it recurs, more when the title has it."""
    title_runs = title_read.runs
    body_runs = [run for sentence in read for run in sentence.runs]
    frequency: dict[str, float] = {}
    degree: dict[str, float] = {}
    phrase_count: dict[tuple[str, ...], float] = {}
    shown: dict[tuple[str, ...], tuple[str, ...]] = {}
    part_count: dict[tuple[str, ...], float] = {}
    # The abstract first: its spelling of a phrase wins over the title's capitals.
    for weight, runs in ((1.0, body_runs), (2.0, title_runs)):
        for stems, words in runs:
            for stem in stems:
                frequency[stem] = frequency.get(stem, 0.0) + weight
                degree[stem] = degree.get(stem, 0.0) + weight * len(stems)
            phrase_count[stems] = phrase_count.get(stems, 0.0) + weight
            shown.setdefault(stems, words)
            if len(stems) > 2:
                for lo, hi in _parts(stems):
                    part = stems[lo:hi]
                    part_count[part] = part_count.get(part, 0.0) + weight
                    shown.setdefault(part, words[lo:hi])
    # A part of longer runs is a candidate of its own where it recurs.
    for part, seen in part_count.items():
        total = seen + phrase_count.get(part, 0.0)
        if total >= 2:
            phrase_count[part] = total
    in_title = {stems for stems, _ in title_runs}
    title_words = {stem for stems, _ in title_runs for stem in stems}
    scores: dict[tuple[str, ...], float] = {}
    for stems, seen in phrase_count.items():
        word_scores = [
            (frequency[stem] + degree[stem] / frequency[stem])
            * (1.5 if stem in title_words else 1.0)
            for stem in stems
        ]
        length_bonus = 1.0 + 0.35 * (min(len(stems), 3) - 1)
        repeated = 1.0 + 0.3 * (min(seen, 6) - 1)
        title_bonus = 3.0 if stems in in_title else 0.0
        scores[stems] = sum(word_scores) / len(stems) * length_bonus * repeated + title_bonus
    ranked = sorted(scores, key=lambda stems: (-scores[stems], stems))
    chosen: list[tuple[str, ...]] = []
    chosen_sets: list[set[str]] = []
    for stems in ranked:
        stem_set = set(stems)
        if len(stems) == 1 and len(stems[0]) < 3:
            continue
        # Inside a chosen phrase, holding one, or sharing two words with one: a near repeat.
        if any(
            stem_set <= other or other <= stem_set or len(stem_set & other) >= 2
            for other in chosen_sets
        ):
            continue
        chosen.append(stems)
        chosen_sets.append(stem_set)
        if len(chosen) == count:
            break
    # Past the fifth, keep only phrases about as strong as the ones before.
    if len(chosen) > MIN_KEYWORDS:
        floor = 0.25 * scores[chosen[0]]
        chosen = chosen[:MIN_KEYWORDS] + [s for s in chosen[MIN_KEYWORDS:] if scores[s] >= floor]
    return [" ".join(shown[stems]) for stems in chosen]


# -- summary -------------------------------------------------------------------------------


def summary(abstract_sentences: list[str], title: str = "", limit: int = SUMMARY_LIMIT) -> str:
    """The abstract's most central one or two sentences, in order, within ``limit`` chars."""
    read = [_read(sentence) for sentence in abstract_sentences]
    return _summary(abstract_sentences, read, _read(clean(title), title=True), limit)


def _summary(parts: list[str], read: list[_Read], title_read: _Read, limit: int) -> str:
    if not parts:
        return ""
    whole = " ".join(parts)
    if len(parts) <= 2 and len(whole) <= limit:
        return whole
    stems = [sentence.stems for sentence in read]
    weight: dict[str, float] = {}
    for found in stems:
        for stem in found:
            weight[stem] = weight.get(stem, 0.0) + 1.0
    for stem in title_read.stems:
        weight[stem] = weight.get(stem, 0.0) + 2.0
    scores = []
    notes = []
    for index, (sentence, found) in enumerate(zip(parts, stems, strict=True)):
        # Shared words only: a word no other sentence or the title has says nothing central.
        shared = sum(weight[stem] - 1.0 for stem in found)
        score = shared / sqrt(len(found) + 4.0)
        lower = sentence.lower()
        cue = any(subject in lower for subject in _CUE_SUBJECTS) and bool(_CUE_VERB.search(lower))
        if cue:
            score *= 1.6
        if index == 0:
            score *= 1.15
        if _CONNECTIVE.match(sentence):
            score *= 0.7
        elif index and not cue and _BACK_REFERENCE.match(sentence):
            score *= 0.6  # "This limitation …" needs the sentence before it
        if len(found) < 4:
            score *= 0.3
        scores.append(score)
        notes.append(
            ("available" in lower or "released" in lower) and bool(_CODE_NOTE.search(sentence))
        )
    # A note that code is available says nothing of the paper: never picked while others are.
    ranked = sorted(range(len(parts)), key=lambda index: (notes[index], -scores[index], index))
    picked: list[int] = []
    used = 0
    for index in ranked:
        if picked and notes[index]:
            break
        size = len(parts[index]) + (1 if picked else 0)
        if used + size <= limit:
            picked.append(index)
            used += size
        if len(picked) == 2:
            break
    if not picked:  # every sentence is longer than the limit: the best one, cut at a word
        best = parts[ranked[0]]
        return best[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return " ".join(parts[index] for index in sorted(picked))
