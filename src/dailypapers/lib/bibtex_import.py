"""Read a BibTeX file into references (title, arXiv id, DOI) for importing a library.

A small reader of the format as BibTeX itself reads it: ``@type{key, name = value, …}`` or
with parentheses, values in braces (nested), in quotes, bare numbers or ``@string`` macros,
joined with ``#``. Text between entries is a comment, as in BibTeX; ``@comment`` and
``@preamble`` are skipped. Anything else that cannot be read (an unclosed brace, an entry
without a key) stops the whole file with the line where it went wrong: an import either
reads every entry or changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dailypapers.lib.references import (
    ImportFileError,
    Reference,
    arxiv_id_from,
    clean_doi,
)

__all__ = ["BibtexEntry", "parse_bibtex", "read_bibtex_references"]

MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTHS = {name: name.capitalize() for name in MONTH_NAMES}
_WRAPPING_COMMAND = re.compile(r"\\[a-zA-Z]+\s*(?=\{)")  # \emph{…}, \textbf{…}
_NAME = re.compile(r"[^\s\"#%'(),={}]+")
# Macros joined with # can double in size on every line (@string{a = a # a}): a 500-byte
# file would otherwise expand to gigabytes. No real field comes near these bounds.
MAX_VALUE_CHARS = 100_000  # one field or @string value, after expansion
MAX_EXPANDED_CHARS = 20_000_000  # every value of the file together, after expansion
MAX_MACROS = 10_000
# Fields where exports put an arXiv id or link, in the order they are trusted.
ARXIV_FIELDS = ("eprint", "arxivid", "arxiv", "url", "doi", "journal", "note", "howpublished")


@dataclass(frozen=True, slots=True)
class BibtexEntry:
    entry_type: str  # lower-case: article, misc, …
    key: str
    fields: dict[str, str]  # lower-case names; values with the outer delimiters removed
    line: int  # where the entry starts, counted from 1


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.macros: dict[str, str] = dict(MONTHS)
        self.expanded_chars = 0  # all values read so far, after expansion
        # Lines are counted on from the last position asked about: entries are asked in file
        # order, so a large file is counted once, not once per entry (quadratic).
        self._counted_to = 0
        self._newlines_before = 0

    def line(self, pos: int | None = None) -> int:
        pos = self.pos if pos is None else pos
        if pos < self._counted_to:
            self._counted_to = self._newlines_before = 0
        self._newlines_before += self.text.count("\n", self._counted_to, pos)
        self._counted_to = pos
        return self._newlines_before + 1

    def fail(self, message: str, pos: int | None = None) -> ImportFileError:
        return ImportFileError(f"BibTeX line {self.line(pos)}: {message}")

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def expect(self, chars: str, what: str) -> str:
        self.skip_space()
        if self.pos >= len(self.text) or self.text[self.pos] not in chars:
            found = self.text[self.pos : self.pos + 10] or "the end of the file"
            raise self.fail(f"expected {what}, found {found!r}")
        self.pos += 1
        return self.text[self.pos - 1]

    def name(self, what: str) -> str:
        self.skip_space()
        found = _NAME.match(self.text, self.pos)
        if not found:
            raise self.fail(f"expected {what}")
        self.pos = found.end()
        return found.group(0)

    def braced(self) -> str:
        """From just after an opening brace to its partner; returns the text inside."""
        start = self.pos - 1
        depth = 1
        begin = self.pos
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\":
                self.pos += 2  # an escaped brace (\{) does not count
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    self.pos += 1
                    return self.text[begin : self.pos - 1]
            self.pos += 1
        raise self.fail("this brace is never closed", start)

    def quoted(self) -> str:
        start = self.pos - 1
        begin = self.pos
        depth = 0
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\":
                self.pos += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            elif char == '"' and depth == 0:
                self.pos += 1
                return self.text[begin : self.pos - 1]
            self.pos += 1
        raise self.fail("this quote is never closed", start)

    def value(self) -> str:
        """A field value: pieces joined with #."""
        parts = []
        size = 0
        start = self.pos
        while True:
            self.skip_space()
            char = self.text[self.pos] if self.pos < len(self.text) else ""
            if char == "{":
                self.pos += 1
                parts.append(self.braced())
            elif char == '"':
                self.pos += 1
                parts.append(self.quoted())
            else:
                word = self.name("a value in braces, quotes, a number or a @string name")
                parts.append(word if word.isdigit() else self.macros.get(word.lower(), word))
            size += len(parts[-1])
            if size > MAX_VALUE_CHARS:
                raise self.fail(
                    f"this value is over {MAX_VALUE_CHARS:,} characters once its @string "
                    "macros are expanded",
                    start,
                )
            self.skip_space()
            if self.pos < len(self.text) and self.text[self.pos] == "#":
                self.pos += 1
                continue
            self.expanded_chars += size
            if self.expanded_chars > MAX_EXPANDED_CHARS:
                raise self.fail(
                    f"the file's values are over {MAX_EXPANDED_CHARS:,} characters once "
                    "@string macros are expanded",
                    start,
                )
            return "".join(parts)

    def fields(self, closing: str) -> dict[str, str]:
        found: dict[str, str] = {}
        while True:
            self.skip_space()
            if self.pos < len(self.text) and self.text[self.pos] == closing:
                self.pos += 1
                return found
            name = self.name("a field name or the end of the entry").lower()
            self.expect("=", f"'=' after the field name {name!r}")
            found[name] = self.value()
            separator = self.expect("," + closing, f"',' or '{closing}' after the field {name!r}")
            if separator == closing:
                return found

    def entries(self) -> list[BibtexEntry]:
        result: list[BibtexEntry] = []
        while True:
            at = self.text.find("@", self.pos)
            if at < 0:
                return result
            self.pos = at + 1
            entry_type = self.name("an entry type after '@'").lower()
            opening = self.expect("{(", f"'{{' after @{entry_type}")
            closing = "}" if opening == "{" else ")"
            if entry_type == "comment":
                if opening == "{":
                    self.braced()
                else:
                    self._skip_to(")")
                continue
            if entry_type == "preamble":
                self.value()
                self.expect(closing, f"'{closing}' to end the @preamble")
                continue
            if entry_type == "string":
                for name, value in self.fields(closing).items():
                    self.macros[name] = value
                if len(self.macros) > MAX_MACROS + len(MONTHS):
                    raise self.fail(f"over {MAX_MACROS:,} @string macros", at)
                continue
            key = self.name(f"a citation key after @{entry_type}{opening}")
            separator = self.expect("," + closing, f"',' after the key {key!r}")
            fields = self.fields(closing) if separator == "," else {}
            result.append(BibtexEntry(entry_type, key, fields, self.line(at)))

    def _skip_to(self, char: str) -> None:
        end = self.text.find(char, self.pos)
        if end < 0:
            raise self.fail("this @comment is never closed")
        self.pos = end + 1


def parse_bibtex(text: str) -> list[BibtexEntry]:
    """Every entry of a BibTeX file, in order; ImportFileError when it cannot be read."""
    return _Reader(text).entries()


def _plain(value: str) -> str:
    """A value to show and search by: no braces, no commands that wrap an argument."""
    value = _WRAPPING_COMMAND.sub("", value)
    return " ".join(value.replace("{", "").replace("}", "").split())


def _arxiv_id(fields: dict[str, str]) -> str:
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").lower()
    for name in ARXIV_FIELDS:
        value = _plain(fields.get(name, ""))
        if not value or (name == "eprint" and prefix != "arxiv"):
            continue
        found = arxiv_id_from(value)
        if found:
            return found
    return ""


def read_bibtex_references(text: str) -> list[Reference]:
    """The references of a BibTeX file; ImportFileError when it holds none or is unreadable."""
    entries = parse_bibtex(text)
    if not entries:
        raise ImportFileError("No BibTeX entries found: entries start with @article{…, @misc{….")
    references = []
    for entry in entries:
        fields = entry.fields
        doi = clean_doi(_plain(fields.get("doi", ""))) or clean_doi(_plain(fields.get("url", "")))
        references.append(
            Reference(
                label=entry.key,
                title=_plain(fields.get("title", "")),
                arxiv_id=_arxiv_id(fields),
                doi=doi,
            )
        )
    return references
