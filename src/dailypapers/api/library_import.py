"""Import a reference manager's library (BibTeX or CSL JSON) into a member's collection.

Each reference is matched to a stored paper by its arXiv id, then its DOI, then its
normalised title (lib/references.py); matched papers go into one of the member's
collections (private when new), which is where their library, and the recommendations
drawn from it, live here. The whole file is read and matched before anything is written,
and the writes share one transaction: a file that cannot be read changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import Lower

from dailypapers.accounts.models import User
from dailypapers.core.ratelimit import hit
from dailypapers.feed.community.services.collections import create_collection
from dailypapers.feed.models import Collection, CollectionItem
from dailypapers.lib.bibtex_import import read_bibtex_references
from dailypapers.lib.csl import read_csl_references
from dailypapers.lib.references import ImportFileError, Reference, normalise_title
from dailypapers.papers.models import Paper
from dailypapers.search import engine

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_REFERENCES = 5_000
# A title costs one to three search queries; past this many in one file (one request), the
# rest are reported unmatched, so one import costs at most 1,500 search queries.
MAX_TITLE_LOOKUPS = 500
# Each import may cost up to 1,500 search queries: a script looping on the API endpoint must
# not tie the search up. Counted per member, whether through a token or the web page.
IMPORTS_PER_HOUR = 20
IMPORT_WINDOW_SECONDS = 3600
MIN_TITLE_WORDS = 3  # "Introduction" alone would match the wrong paper
TITLE_CANDIDATES = 20  # search results compared with a title
DEFAULT_COLLECTION = "Imported library"
MATCH_COLUMNS = ("id", "arxiv_id", "title", "doi")

BY_ARXIV_ID, BY_DOI, BY_TITLE = "arXiv id", "DOI", "title"


@dataclass
class Outcome:
    reference: Reference
    paper: Paper | None = None
    matched_by: str = ""  # BY_ARXIV_ID, BY_DOI or BY_TITLE
    reason: str = ""  # why it did not match


@dataclass
class ImportReport:
    file_format: str  # "BibTeX" or "CSL JSON"
    collection: Collection
    matched: list[Outcome] = field(default_factory=list)
    unmatched: list[Outcome] = field(default_factory=list)
    added: int = 0  # papers new to the collection
    already_there: int = 0


def may_import(user: User) -> bool:
    """Count one import by ``user``; False once past IMPORTS_PER_HOUR in this hour."""
    return hit(f"library-import:{user.pk}", IMPORTS_PER_HOUR, IMPORT_WINDOW_SECONDS)


def read_references(data: bytes, filename: str = "") -> tuple[str, list[Reference]]:
    """The file's format and references; ImportFileError for anything unreadable."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(f"The file is over {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file is not UTF-8 text: export it again as BibTeX (.bib) or CSL JSON (.json)."
        ) from None
    start = text.lstrip()[:1]
    is_json = filename.lower().endswith(".json") or start in ("[", "{")
    if is_json:
        file_format, references = "CSL JSON", read_csl_references(text)
    else:
        file_format, references = "BibTeX", read_bibtex_references(text)
    if len(references) > MAX_REFERENCES:
        raise ImportFileError(
            f"The file holds {len(references):,} references; import at most "
            f"{MAX_REFERENCES:,} at a time (split the file)."
        )
    return file_format, references


def _by_arxiv_id(ids: Iterable[str]) -> dict[str, Paper]:
    papers = Paper.objects.filter(arxiv_id__in=set(ids)).only(*MATCH_COLUMNS)
    return {paper.arxiv_id: paper for paper in papers}


def _by_doi(dois: Iterable[str]) -> dict[str, Paper]:
    wanted = set(dois)
    if not wanted:
        return {}
    papers = (
        Paper.objects.annotate(doi_lower=Lower("doi"))
        .filter(doi_lower__in=wanted)
        .only(*MATCH_COLUMNS)
    )
    return {paper.doi.lower(): paper for paper in papers}


def _title_candidates(query: str) -> list[Paper]:
    found = engine.search(query, sort="relevance", per_page=TITLE_CANDIDATES, mode="keyword")
    if found.error or not found.papers:
        return []
    return Paper.objects.only(*MATCH_COLUMNS).in_order(found.papers)  # best ranked first


def _by_title(title: str) -> Paper | None:
    """The stored paper whose normalised title equals this one, found through search.

    The title as a phrase first; then each half of its words, because a stored title may
    spell a word differently from the export ("Öbjects" for {\\"o}bjects) and PostgreSQL's
    search does not fold accents: a half without that word still finds the paper.
    """
    wanted = normalise_title(title)
    words = wanted.split()
    if len(words) < MIN_TITLE_WORDS:
        return None
    middle = len(words) // 2
    for query in (f'"{wanted}"', " ".join(words[:middle]), " ".join(words[middle:])):
        for paper in _title_candidates(query):
            if normalise_title(paper.title) == wanted:
                return paper
    return None


def match_references(references: list[Reference]) -> list[Outcome]:
    """Each reference with its paper (or why none), in file order."""
    outcomes = [Outcome(reference) for reference in references]
    arxiv = _by_arxiv_id(ref.arxiv_id for ref in references if ref.arxiv_id)
    dois = _by_doi(ref.doi for ref in references if ref.doi)
    title_lookups = 0
    for outcome in outcomes:
        ref = outcome.reference
        if ref.arxiv_id and ref.arxiv_id in arxiv:
            outcome.paper, outcome.matched_by = arxiv[ref.arxiv_id], BY_ARXIV_ID
        elif ref.doi and ref.doi in dois:
            outcome.paper, outcome.matched_by = dois[ref.doi], BY_DOI
        elif ref.title and title_lookups < MAX_TITLE_LOOKUPS:
            title_lookups += 1
            paper = _by_title(ref.title)
            if paper is not None:
                outcome.paper, outcome.matched_by = paper, BY_TITLE
        if outcome.paper is None:
            outcome.reason = _why_unmatched(ref, title_lookups >= MAX_TITLE_LOOKUPS)
    return outcomes


def _why_unmatched(ref: Reference, lookups_spent: bool) -> str:
    if ref.arxiv_id:
        return f"arXiv {ref.arxiv_id} is not stored here"
    if not (ref.doi or ref.title):
        return "no arXiv id, DOI or title to match by"
    if lookups_spent and ref.title:
        return f"not looked up: over {MAX_TITLE_LOOKUPS:,} titles in one file"
    return "no stored paper with this " + ("DOI or title" if ref.doi else "title")


def _target(user: User, name: str) -> Collection:
    # Reuse a list of the member's with that exact name, as the site's "save to" form does.
    existing = Collection.objects.filter(owner=user, name=name).first()
    return existing or create_collection(user, name)


def import_library(
    user: User, data: bytes, filename: str = "", collection_name: str = DEFAULT_COLLECTION
) -> ImportReport:
    """Read, match and save; ImportFileError (nothing saved) when the file is unreadable."""
    file_format, references = read_references(data, filename)
    outcomes = match_references(references)
    name = " ".join(collection_name.split())[:100] or DEFAULT_COLLECTION
    with transaction.atomic():
        collection = _target(user, name)
        report = ImportReport(file_format, collection)
        paper_ids = list(dict.fromkeys(o.paper.pk for o in outcomes if o.paper is not None))
        held = set(
            CollectionItem.objects.filter(collection=collection, paper_id__in=paper_ids)
            .values_list("paper_id", flat=True)
        )  # fmt: skip
        new_ids = [pk for pk in paper_ids if pk not in held]
        CollectionItem.objects.bulk_create(
            [CollectionItem(collection=collection, paper_id=pk) for pk in new_ids],
            ignore_conflicts=True,  # a concurrent import of the same file
        )
    report.added, report.already_there = len(new_ids), len(held)
    report.matched = [o for o in outcomes if o.paper is not None]
    report.unmatched = [o for o in outcomes if o.paper is None]
    return report
