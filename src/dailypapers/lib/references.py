"""References read from a reference manager's export, and what they can be matched by.

The BibTeX and CSL JSON readers (bibtex_import.py, csl.py) both produce ``Reference`` values;
matching them to stored papers happens elsewhere, by arXiv id, then DOI, then title. The
helpers here find those three keys in the many places exports put them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from dailypapers.lib.arxiv.ids import InvalidArxivId, normalize_id

# An arXiv id inside free text: "arXiv:2501.01234v2", "arxiv.org/abs/hep-th/9901001",
# "arXiv preprint arXiv:2501.01234".
_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv(?:\.org/(?:abs|pdf))?[:/]\s*)"
    r"(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)",
    re.IGNORECASE,
)
# arXiv's own DOIs (assigned since 2022): 10.48550/arXiv.2501.01234
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(?P<id>.+)$", re.IGNORECASE)
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_TEX_COMMAND = re.compile(r"\\[a-zA-Z]+|\\.")


@dataclass(frozen=True, slots=True)
class Reference:
    """One entry of an imported file, reduced to what matching needs and a report shows."""

    label: str  # the entry's key or id in the file, for the report
    title: str = ""
    arxiv_id: str = ""  # bare, when the entry names one
    doi: str = ""  # lower-case, without a resolver prefix

    @property
    def shown_title(self) -> str:
        return self.title or "(no title)"


class ImportFileError(ValueError):
    """The file cannot be read as a whole; the message says where and why."""


def arxiv_id_from(text: str) -> str:
    """The bare arXiv id named in ``text`` (an id, a link, "arXiv:…", an arXiv DOI), or ''."""
    text = (text or "").strip()
    if not text:
        return ""
    doi = _ARXIV_DOI.match(clean_doi(text))
    if doi:
        text = doi.group("id")
    try:
        return normalize_id(text)  # an id, versioned or not, or an abs or PDF link
    except InvalidArxivId:
        pass
    found = _ARXIV_IN_TEXT.search(text)
    if found is None:
        return ""
    try:
        return normalize_id(found.group("id"))
    except InvalidArxivId:
        return ""


def clean_doi(text: str) -> str:
    """A DOI as stored for comparison: lower-case (DOIs are case-insensitive), no resolver."""
    found = _DOI.search((text or "").strip())
    if not found:
        return ""
    return found.group(0).rstrip(".,;").lower()


def normalise_title(title: str) -> str:
    """A title reduced to lower-case ASCII letters and digits between single spaces.

    Exports differ in TeX markup ({B}ERT, \\emph{}), accents, dashes and punctuation; two
    titles equal after this are taken to be the same paper.
    """
    # Commands go first (\textbf{Deep} keeps "Deep"), then braces, which only protect case
    # in BibTeX ("{B}ERT") and must not split a word.
    text = _TEX_COMMAND.sub("", title or "").replace("{", "").replace("}", "")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", text.lower())
    return " ".join(words)
