"""Read what a person typed into the search box as a structure the search backends can trust.

Syntax (everything else is plain text; plain words rank papers, the more of them a paper
holds the better, and the other parts are required or excluded)::

    diffusion model            words
    "attention is all"         a phrase: these words in this order
    author:Hinton              an author; author:"Geoffrey Hinton" for a full name
    cat:cs.LG                  papers listed in a category (cross-lists too)
    -survey  -"deep learning"  leave out papers with this word or phrase
    -author:Smith  -cat:cs.CV  leave out an author or a category

Any input gives either a ``Query`` or a ``QueryError`` whose message can be shown to the
person as it is: unbalanced quotes are closed, FTS operators (AND, OR, NEAR, ``*``) and stray
punctuation are plain text, control characters are dropped. Words are only ever letters,
digits and combining marks, so no backend can read them as its own query syntax.

This module knows nothing of Django or of any database.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import TypeVar

MAX_QUERY_CHARS = 500
# Words over all the parts of a query, categories counted as one each: enough for any real
# search, and it bounds what a query costs the database.
MAX_WORDS = 32

# Upper-case operators of other search engines; here they would silently become required
# words, so they are dropped and the person is told how this search box works instead.
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
# arXiv's own prefixes (au:, ti:, abs:, all:) mean what people expect; the text prefixes
# search everywhere, since one index holds titles, authors and abstracts.
_FIELDS = {
    **dict.fromkeys(("author", "au"), "author"),
    "cat": "cat",
    **dict.fromkeys(("title", "ti", "abstract", "abs", "all"), "text"),
}
_FIELD_RE = re.compile(r"(?P<name>[A-Za-z]+):(?P<value>.*)", re.DOTALL)
# arXiv categories: "cs.LG", "hep-th", "physics.acc-ph", "q-bio.NC", "cond-mat.mes-hall".
_CATEGORY_RE = re.compile(r"[a-z]+(?:-[a-z]+)?(?:\.[a-z]+(?:-[a-z]+)?)?")
# Archives whose subject classes are written in lower case (all others are upper case).
_LOWER_SUBJECT_ARCHIVES = {"physics", "cond-mat"}
# Quotation marks people paste from word processors count as straight quotes.
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"',
                         "\u00bb": '"', "\uff02": '"'})  # fmt: skip
# Unicode categories replaced by a space: controls (NUL included), format characters such as
# zero-width spaces and bidi marks, surrogates, private use and unassigned code points.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}

# A part of a query kept in a builder list: a word or category (str), or a Phrase.
_Part = TypeVar("_Part")


# English function words: they say nothing about what a paper is about, so ranked keyword
# search leaves them out (a query of only these is refused with a message). Domain words such
# as "model" stay: BM25 weighs them down by how many papers hold them.
_STOP_TEXT = """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very via was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


def is_stop_word(word: str) -> bool:
    return word.lower() in STOP_WORDS


class QueryError(ValueError):
    """The query cannot be searched; ``str(error)`` is a message for the person who typed it."""


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words that must appear together and in order (a single word is a phrase of one).

    ``text`` is the part as typed (cleaned of quotes and control characters) for databases
    that parse text themselves, such as PostgreSQL's ``phraseto_tsquery``; ``words`` is the
    same part split into lower-case runs of letters and digits, for everything else.
    """

    text: str
    words: tuple[str, ...]
    # False for words joined by punctuation and typed without quotes ("white-noise",
    # "Kauffman's"): every-word search requires them as a phrase, ranked search reads them as
    # plain words (Query.for_ranking). Not compared: "a-b" and "\"a-b\"" ask for the same.
    quoted: bool = field(default=True, compare=False)

    def as_text(self) -> str:
        return f'"{self.text}"' if self.quoted else self.text


@dataclass(frozen=True, slots=True)
class Query:
    terms: tuple[str, ...] = ()  # single words, each required
    phrases: tuple[Phrase, ...] = ()  # several words in a row, each phrase required
    authors: tuple[Phrase, ...] = ()  # each must match among the author names
    categories: tuple[str, ...] = ()  # canonical spelling ("cs.LG"); each required
    excluded: tuple[Phrase, ...] = ()  # words or phrases that must not appear
    excluded_authors: tuple[Phrase, ...] = ()
    excluded_categories: tuple[str, ...] = ()
    # Things the person may want to know, e.g. that a quote was closed for them.
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def has_text(self) -> bool:
        """True when there is something for a full-text index to look up."""
        return bool(self.terms or self.phrases or self.authors)

    @property
    def has_words(self) -> bool:
        """True when title or abstract words are asked for (what snippets can highlight)."""
        return bool(self.terms or self.phrases)

    @property
    def is_empty(self) -> bool:
        return not (self.has_text or self.categories)

    def as_text(self) -> str:
        """The query written canonically; parsing it gives this query again."""
        parts = [*self.terms, *(phrase.as_text() for phrase in self.phrases)]
        parts += [f"author:{author.as_text()}" for author in self.authors]
        parts += [f"cat:{category}" for category in self.categories]
        parts += [f"-{phrase.as_text()}" for phrase in self.excluded]
        parts += [f"-author:{author.as_text()}" for author in self.excluded_authors]
        parts += [f"-cat:{category}" for category in self.excluded_categories]
        return " ".join(parts)

    def __str__(self) -> str:
        return self.as_text()

    def for_ranking(self) -> Query:
        """This query as ranked keyword search reads it: unquoted compounds ("white-noise")
        become plain words, optional and ranked like the others; quoted phrases stay required.

        A paraphrase of a paper rarely holds its hyphenated words as the paper writes them
        ("32-dimensional", "self-driving"); required, they left most such searches with one
        match or none (known-item MRR@10 0.56 to 0.68 on the dev half, docs/benchmarks.md).
        """
        compounds = [phrase for phrase in self.phrases if not phrase.quoted]
        if not compounds:
            return self
        terms = dict.fromkeys(self.terms)
        for phrase in compounds:
            terms.update(dict.fromkeys(phrase.words))
        quoted = tuple(phrase for phrase in self.phrases if phrase.quoted)
        return replace(self, terms=tuple(terms), phrases=quoted)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return "".join(
        " " if unicodedata.category(char) in _DROPPED_CATEGORIES else char for char in text
    )


def _is_word_char(char: str) -> bool:
    # Letters, digits and combining marks: what SQLite's unicode61 tokenizer keeps too, so
    # "naïve" written with a combining diaeresis stays one word.
    return char.isalnum() or unicodedata.category(char).startswith("M")


def words_of(text: str) -> tuple[str, ...]:
    """Lower-case runs of letters and digits: "GPT-4's" gives ("gpt", "4", "s")."""
    found: list[str] = []
    current: list[str] = []
    for char in text.lower():
        if _is_word_char(char):
            current.append(char)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return tuple(found)


def canonical_category(text: str) -> str | None:
    """arXiv's spelling of a category ("cs.lg" gives "cs.LG"), or None if it is not one."""
    lowered = text.strip().lower()
    if len(lowered) > 40 or not _CATEGORY_RE.fullmatch(lowered):
        return None
    archive, dot, subject = lowered.partition(".")
    if dot and archive not in _LOWER_SUBJECT_ARCHIVES:
        subject = subject.upper()
    return f"{archive}{dot}{subject}"


@dataclass(slots=True)
class _Token:
    value: str
    negated: bool = False
    quoted: bool = False
    field: str = ""  # "", "author" or "cat"


@dataclass(slots=True)
class _Builder:
    terms: list[str] = field(default_factory=list)
    phrases: list[Phrase] = field(default_factory=list)
    authors: list[Phrase] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    excluded: list[Phrase] = field(default_factory=list)
    excluded_authors: list[Phrase] = field(default_factory=list)
    excluded_categories: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    word_count: int = 0

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def add(self, target: list[_Part], item: _Part, words: int) -> None:
        if item not in target:  # a repeated part asks for nothing new
            target.append(item)
            self.word_count += words

    def build(self) -> Query:
        return Query(
            terms=tuple(self.terms),
            phrases=tuple(self.phrases),
            authors=tuple(self.authors),
            categories=tuple(self.categories),
            excluded=tuple(self.excluded),
            excluded_authors=tuple(self.excluded_authors),
            excluded_categories=tuple(self.excluded_categories),
            notes=tuple(self.notes),
        )


def _read_quoted(text: str, start: int, builder: _Builder) -> tuple[str, int]:
    """The text between the quote at ``start`` and the next one, and where to go on."""
    end = text.find('"', start + 1)
    if end == -1:
        builder.note("A quote was not closed; the phrase runs to the end of the search.")
        return text[start + 1 :], len(text)
    return text[start + 1 : end], end + 1


def _tokens(text: str, builder: _Builder) -> list[_Token]:
    tokens: list[_Token] = []
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        if char.isspace():
            position += 1
            continue
        negated = char == "-" and position + 1 < length and not text[position + 1].isspace()
        if negated:
            position += 1
        if text[position] == '"':
            value, position = _read_quoted(text, position, builder)
            tokens.append(_Token(value, negated, quoted=True))
            continue
        start = position
        while position < length and not text[position].isspace() and text[position] != '"':
            position += 1
        run = text[start:position]
        match = _FIELD_RE.fullmatch(run)
        name = _FIELDS.get(match["name"].lower(), "") if match else ""
        if match is None or not name:
            tokens.append(_Token(run, negated))
        elif match["value"] or position >= length or text[position] != '"':
            tokens.append(_Token(match["value"], negated, field=name))
        else:  # author:"Full Name"
            value, position = _read_quoted(text, position, builder)
            tokens.append(_Token(value, negated, quoted=True, field=name))
    return tokens


def _phrase(value: str, quoted: bool = True) -> Phrase | None:
    words = words_of(value)
    if not words:
        return None
    return Phrase(" ".join(value.split()), words, quoted)


def _add_token(token: _Token, builder: _Builder) -> None:
    if token.field == "cat":
        category = canonical_category(token.value)
        if not token.value.strip():
            builder.note("“cat:” needs a category after it, like cat:cs.LG.")
        elif category is None:
            raise QueryError(f"“{token.value}” is not an arXiv category; write one like cat:cs.LG.")
        else:
            categories = builder.excluded_categories if token.negated else builder.categories
            builder.add(categories, category, 1)
        return
    phrase = _phrase(token.value, token.quoted or bool(token.field))
    if token.field == "text":
        builder.note("Words after title:, abs: or all: are searched in titles, authors and "
                     "abstracts alike.")  # fmt: skip
        token = _Token(token.value, token.negated, quoted=True)
    if token.field == "author":
        if phrase is None:
            builder.note("“author:” needs a name after it, like author:Hinton.")
        else:
            authors = builder.excluded_authors if token.negated else builder.authors
            builder.add(authors, phrase, len(phrase.words))
        return
    if not token.quoted and not token.negated and token.value in _OPERATORS:
        if token.value != "AND":  # every word must match anyway
            builder.note(
                f"“{token.value}” is not needed here: papers with any of the words are found, "
                "those with more of them first; -word leaves a word out."
            )
        return
    if phrase is None:
        return  # punctuation or emoji alone: nothing to look for
    if token.negated:
        builder.add(builder.excluded, phrase, len(phrase.words))
    elif len(phrase.words) == 1:
        builder.add(builder.terms, phrase.words[0], 1)
    else:
        builder.add(builder.phrases, phrase, len(phrase.words))


def parse(text: str) -> Query:
    """Parse a search; raises QueryError, with a message for the person, when it cannot be used.

    Blank input gives an empty query (nothing asked, no error).
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"This search is {len(text):,} characters long; the limit is {MAX_QUERY_CHARS}."
        )
    cleaned = _clean(text)
    builder = _Builder()
    for token in _tokens(cleaned, builder):
        _add_token(token, builder)
        if builder.word_count > MAX_WORDS:
            raise QueryError(f"This search has too many words; use at most {MAX_WORDS}.")
    query = builder.build()
    if query.is_empty and (query.excluded or query.excluded_authors or query.excluded_categories):
        raise QueryError("Add something to look for: a “-” only leaves papers out.")
    if query.is_empty and cleaned.strip() and not query.notes:
        raise QueryError("Nothing to search for: type some words (symbols alone are ignored).")
    return query
