"""Author names from arXiv metadata: splitting, display names and identity keys.

arXiv gives the authors of a paper as one free-form string ("A. One, B. Two and C. Three"),
with TeX accents, affiliation markers and sometimes a trailing affiliation block; the Kaggle
snapshot adds a parsed form, ``[[last, first, suffix], ...]``. These helpers turn either into
display names, and give the key under which different spellings of one name meet. None of
them raises, whatever the input.
"""

from __future__ import annotations

import re
import unicodedata

from dailypapers.lib.tex import clean_text, tex_to_text

__all__ = ["author_key", "authors_from_parsed", "split_authors"]

MAX_KEY_LENGTH = 300

# arXiv wraps long author lists with "\n" plus an indent, even inside a name ("N.\n  Gehrels"),
# so only a newline without an indent separates. An " and " must start where its whitespace
# run starts: matching from inside a long run of spaces would take quadratic time.
_SEPARATOR = re.compile(r"[,;]|\n(?![ \t])|(?<!\s)\s++(?:and|&)\s++")
# A name suffix that the comma before it cut off from its name ("John Smith, Jr.").
_SUFFIX = re.compile(r"(?i:jr|sr)\.?|II|III|IV")
_ET_AL = re.compile(r"(?:^|\s)(?:et\.?\s*al\.?|and\s+others)$|^others$", re.IGNORECASE)
# Footnote marks and stray punctuation left at either end once markers are gone; not the
# apostrophe: "'t Hooft" starts with one.
_EDGE = ' ,;:^_*†‡§¶#"“”¹²³⁴⁵⁶⁷⁸⁹⁰⁺⁽⁾'
_PARENS = re.compile(r"[()]")
_HYPHEN = re.compile(r"\s*-\s*")
# Letters that NFKD leaves whole but readers treat as a plain letter with a mark.
_FOLD = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i",
     "ȷ": "j", "ŋ": "n", "’": "'", "‘": "'", "`": "'"}
)  # fmt: skip


def split_authors(raw: str) -> list[str]:
    """Split an arXiv author string into display names, in order.

    Separators are commas, semicolons, " and ", " & " and newlines that are not followed by
    an indent (an indented line continues a wrapped line, names included). Parenthesised text
    (affiliation markers such as "(1, 2)" and blocks such as "((1) MIT, (2) CERN)") is
    removed, "et al." is dropped, and a suffix that stands alone between commas ("Jr.",
    "III") is put back on the name before it.
    """
    if not isinstance(raw, str) or not raw.strip():
        return []
    # Parentheses go before splitting: the separators inside them must not split anything.
    text = _drop_parenthesised(tex_to_text(raw))
    names: list[str] = []
    for item in _SEPARATOR.split(text):
        name = " ".join(item.split())
        # The cheap tests in front of each regex matter: big collaborations list thousands.
        if name[-6:].lower().endswith(("al", "al.", "others")):
            name = _ET_AL.sub("", name)
        name = name.strip(_EDGE)
        if not name or not (name[0].isalnum() or any(ch.isalnum() for ch in name)):
            continue
        if names and len(name) <= 4 and _SUFFIX.fullmatch(name):
            names[-1] = f"{names[-1]} {name}"
        else:
            names.append(name)
    return names


def authors_from_parsed(parsed: list[list[str]]) -> list[str]:
    """Display names ("first last suffix") from Kaggle's ``authors_parsed`` rows.

    Each row is ``[last, first, suffix]``; rows that are not lists are skipped, missing or
    non-text parts count as empty, and anything past the third part is ignored.
    """
    if not isinstance(parsed, list | tuple):
        return []
    names = []
    for row in parsed:
        if not isinstance(row, list | tuple):
            continue
        last, first, suffix = (list(row[:3]) + ["", "", ""])[:3]
        parts = (clean_text(part) for part in (first, last, suffix) if isinstance(part, str))
        name = " ".join(part for part in parts if part)
        if name:
            names.append(name)
    return names


def author_key(name: str) -> str:
    """The key under which spellings of one name meet: "C. Bal\\'azs" and "C Balazs" both
    give "c balazs".

    Accents are folded away, case is folded, dots become spaces and runs of whitespace one
    space; hyphens stay, without spaces around them. Initials are not matched against full
    first names: "C. Balazs" and "Csaba Balazs" keep different keys. At most
    ``MAX_KEY_LENGTH`` characters.
    """
    if not isinstance(name, str):
        return ""
    text = tex_to_text(name)
    if text.isascii():
        text = text.lower()
    else:
        # Case is folded before decomposing, as some letters fold to a letter and a mark
        # ("İ" to "i̇"), and after, as compatibility forms decompose to capitals ("𝐀" to "A").
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        text = text.casefold().translate(_FOLD)
    key = " ".join(text.replace(".", " ").split())
    if "-" in key:
        key = _HYPHEN.sub("-", key)
    return key[:MAX_KEY_LENGTH].rstrip()


def _drop_parenthesised(text: str) -> str:
    """Remove every balanced "(...)" span, nested ones included, then any stray parenthesis.

    An unclosed "(" removes only itself, so a missing ")" cannot swallow the names after it.
    """
    if "(" not in text and ")" not in text:
        return text
    pairs: list[tuple[int, int]] = []
    opened: list[int] = []
    for m in _PARENS.finditer(text):
        if m.group() == "(":
            opened.append(m.start())
        elif opened:
            pairs.append((opened.pop(), m.end()))
    pairs.sort()  # an enclosing pair sorts before the pairs nested in it
    out: list[str] = []
    pos = 0
    for start, end in pairs:
        if start >= pos:  # otherwise it lies inside a span already removed
            out.append(text[pos:start])
            pos = end
    out.append(text[pos:])
    return _PARENS.sub("", "".join(out))
