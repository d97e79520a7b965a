"""BibTeX entries for arXiv papers, shown on the paper page for copying.

Pure functions, no Django: the paper page passes the stored fields in. The entry follows the
shape arXiv itself suggests (eprint, archivePrefix, primaryClass), so biblatex and natbib
styles print "arXiv:2501.01234 [cs.LG]". Titles and authors are stored as display Unicode;
only the characters that mean something to LaTeX are escaped, so accents stay readable and
UTF-8 aware tools (biber, bibtex8, modern editors) take them as they are.
"""

from __future__ import annotations

import re
import unicodedata

from dailypapers.lib.arxiv.ids import abs_url

__all__ = ["citation_key", "escape_latex", "paper_bibtex"]

# One pass over the text: escaping "\" first and "{" afterwards would escape our own braces.
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile("|".join(re.escape(char) for char in _LATEX_SPECIALS))

# Words a key should not start with, so "The Attention Trap" keys as "…attention", the habit
# of Google Scholar and most reference managers.
_SKIPPED_TITLE_WORDS = frozenset(
    {"a", "an", "the", "on", "of", "in", "for", "to", "toward", "towards"}
)
# Name suffixes that are not a last name: "Martin Luther King Jr." keys as "king".
_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def escape_latex(text: str) -> str:
    """Escape LaTeX's special characters; everything else, Unicode included, is kept."""
    text = " ".join(text.split())  # hard wraps and tabs from the metadata mean nothing here
    return _SPECIAL_RE.sub(lambda match: _LATEX_SPECIALS[match.group(0)], text)


def _ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.findall(r"[A-Za-z0-9]+", folded)


def _last_name(name: str) -> str:
    # "Lovelace, Ada" names the family first; "Ada Lovelace" names it last.
    if "," in name:
        family = name.split(",", 1)[0]
        words = _ascii_words(family)
        return words[-1] if words else ""
    parts = [part for part in name.split() if part.lower() not in _NAME_SUFFIXES]
    for part in reversed(parts):
        words = _ascii_words(part)
        if words:
            return "".join(words)
    return ""


def _first_title_word(title: str) -> str:
    for word in _ascii_words(title):
        lowered = word.lower()
        if lowered not in _SKIPPED_TITLE_WORDS and any(char.isalpha() for char in word):
            return lowered
    return ""


def citation_key(arxiv_id: str, title: str, authors: list[str], year: int | None) -> str:
    """A stable ASCII key: first author's last name + year + first title word.

    The same stored paper always gives the same key, so a citation copied today still
    matches one copied next year. With no usable author, the arXiv id stands in.
    """
    last = _last_name(authors[0]).lower() if authors else ""
    if not last:
        last = "arxiv" + "".join(_ascii_words(arxiv_id)).lower()
    return f"{last}{year if year is not None else ''}{_first_title_word(title)}"


def _verbatim(value: str) -> str:
    # DOIs and URLs are read verbatim by biblatex; only a brace could break the entry.
    return value.replace("{", "").replace("}", "").strip()


def paper_bibtex(
    *,
    arxiv_id: str,
    title: str,
    authors: list[str],
    year: int | None,
    primary_category: str,
    doi: str = "",
    journal_ref: str = "",
) -> str:
    """One BibTeX entry: @article when a journal reference exists, @misc otherwise."""
    entry_type = "article" if journal_ref.strip() else "misc"
    fields: list[tuple[str, str]] = [
        ("title", escape_latex(title)),
        ("author", " and ".join(escape_latex(name) for name in authors if name.strip())),
    ]
    if entry_type == "article":
        fields.append(("journal", escape_latex(journal_ref)))
    if year is not None:
        fields.append(("year", str(year)))
    fields += [
        ("eprint", _verbatim(arxiv_id)),
        ("archivePrefix", "arXiv"),
    ]
    if primary_category.strip():
        fields.append(("primaryClass", _verbatim(primary_category)))
    if doi.strip():
        fields.append(("doi", _verbatim(doi)))
    fields.append(("url", _verbatim(abs_url(arxiv_id))))

    key = citation_key(arxiv_id, title, authors, year)
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{entry_type}{{{key},\n{body}\n}}"
