"""/api/v1 writes, as a member: submit a paper, upvote, keep collections.

Each calls the community's own functions (dailypapers.feed.community), so the rules stay in
one place: one vote per member (a database constraint), submissions per day, verified
addresses only for votes and submissions, as on the site.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from dailypapers.accounts.models import User
from dailypapers.api.auth import MEMBER
from dailypapers.api.library_import import (
    DEFAULT_COLLECTION,
    IMPORT_WINDOW_SECONDS,
    IMPORTS_PER_HOUR,
    MAX_FILE_BYTES,
    import_library,
    may_import,
)
from dailypapers.api.queries import api_columns, bare_id, find_paper
from dailypapers.api.schemas import (
    CollectionIn,
    CollectionItemIn,
    CollectionItemOut,
    ErrorOut,
    ImportReportOut,
    MyCollectionOut,
    MyCollectionsOut,
    SubmissionResultOut,
    SubmitIn,
    VoteOut,
)
from dailypapers.core.api_errors import ApiError, bad_parameter, error_response
from dailypapers.core.ratelimit import retry_after
from dailypapers.feed.community.services.collections import (
    add_paper,
    create_collection,
    remove_paper,
)
from dailypapers.feed.community.services.submit import SubmitError, submit_paper
from dailypapers.feed.community.services.votes import cast_vote, withdraw_vote
from dailypapers.feed.models import Collection
from dailypapers.lib.references import ImportFileError
from dailypapers.papers.models import Paper

router = Router(tags=["v1 (member)"], auth=MEMBER)

# Every answer a member operation can give besides its success.
FAILURES: dict[int, Any] = {s: ErrorOut for s in (400, 401, 403, 404, 414, 429)}


def _member(request: HttpRequest) -> User:
    # ninja sets auth on the request at run time (MEMBER makes it a User); stubs lack it.
    return request.auth  # type: ignore[attr-defined]  # set by ninja, see above


def _verified(request: HttpRequest) -> User:
    member = _member(request)
    if not member.email_verified:
        raise ApiError(
            403,
            "email_not_verified",
            "Confirm your email address first (see your account settings page).",
        )
    return member


def _paper(arxiv_id: str) -> Paper:
    found = find_paper(arxiv_id)
    if found is None:
        raise ApiError(404, "paper_not_found", f"No paper {arxiv_id[:60]} is stored here.")
    return found


def _collection(member: User, slug: str) -> Collection:
    found = Collection.objects.filter(owner=member, slug=slug).first()
    if found is None:
        raise ApiError(404, "collection_not_found", "You have no collection with this slug.")
    return found


def _vote_answer(paper: Paper, upvoted: bool, changed: bool) -> dict[str, Any]:
    paper.refresh_from_db(fields=["upvote_count"])
    return {
        "arxiv_id": paper.arxiv_id,
        "upvoted": upvoted,
        "changed": changed,
        "upvotes": paper.upvote_count,
    }


@router.post(
    "/submissions",
    response={201: SubmissionResultOut, **FAILURES, 409: ErrorOut, 502: ErrorOut},
    url_name="v1_submit",
)
def submit(request: HttpRequest, body: SubmitIn) -> Status:
    """Put a paper on today's feed in your name, fetching it from arXiv when it is new here.
    409 when someone submitted it already; 429 past the daily limit; 502 when arXiv fails."""
    member = _verified(request)
    arxiv_id = bare_id(body.arxiv_id)
    if arxiv_id is None:
        raise bad_parameter(f"arxiv_id: {body.arxiv_id[:80]!r} is not an arXiv id or link.")
    try:
        outcome = submit_paper(member, arxiv_id)
    except SubmitError as error:
        code = {409: "already_submitted", 429: "rate_limited", 404: "paper_not_found"}
        raise ApiError(error.status, code.get(error.status, "submit_failed"), str(error)) from None
    paper = api_columns(Paper.objects.filter(pk=outcome.submission.paper_id)).get()
    answer = {"paper": paper, "feed_day": outcome.submission.feed_day, "fetched": outcome.fetched}
    return Status(201, answer)


@router.post(
    "/papers/{path:arxiv_id}/upvote", response={200: VoteOut, **FAILURES}, url_name="v1_upvote"
)
def upvote(request: HttpRequest, arxiv_id: str) -> dict[str, Any]:
    """Upvote a paper. Upvoting twice changes nothing (``changed`` says so)."""
    member = _verified(request)
    paper = _paper(arxiv_id)
    return _vote_answer(paper, True, cast_vote(member, paper))


@router.delete("/papers/{path:arxiv_id}/upvote", response={200: VoteOut, **FAILURES})
def withdraw_upvote(request: HttpRequest, arxiv_id: str) -> dict[str, Any]:
    """Take your upvote back."""
    member = _verified(request)
    paper = _paper(arxiv_id)
    return _vote_answer(paper, False, withdraw_vote(member, paper))


@router.get("/me/collections", response={200: MyCollectionsOut, **FAILURES}, url_name="v1_mine")
def my_collections(request: HttpRequest) -> dict[str, Any]:
    """Your collections, private ones included, by name."""
    mine = (
        Collection.objects.filter(owner=_member(request))
        .annotate(paper_count=Count("items"))
        .order_by("name", "pk")
    )
    return {"items": list(mine)}


@router.post("/me/collections", response={201: MyCollectionOut, **FAILURES})
def new_collection(request: HttpRequest, body: CollectionIn) -> Status:
    """Create a collection (private unless ``is_public``); its slug comes from the name."""
    name = " ".join(body.name.split())
    if not name:
        raise bad_parameter("name: give the collection a name.")
    created = create_collection(_member(request), name, body.description.strip(), body.is_public)
    # No paper_count: MyCollectionOut counts a collection without one as empty.
    return Status(201, created)


@router.post(
    "/me/collections/{slug}/papers",
    response={200: CollectionItemOut, 201: CollectionItemOut, **FAILURES},
    url_name="v1_collection_add",
)
def save_paper(request: HttpRequest, slug: str, body: CollectionItemIn) -> Status:
    """Save a paper to one of your collections: 201 when added, 200 when already there."""
    target = _collection(_member(request), slug)
    paper = _paper(body.arxiv_id)
    added = add_paper(target, paper)
    answer = {"collection": target.slug, "arxiv_id": paper.arxiv_id, "added": added}
    return Status(201 if added else 200, answer)


@router.delete(
    "/me/collections/{slug}/papers/{path:arxiv_id}", response={200: CollectionItemOut, **FAILURES}
)
def unsave_paper(request: HttpRequest, slug: str, arxiv_id: str) -> dict[str, Any]:
    """Remove a paper from one of your collections (``added`` is false afterwards)."""
    target = _collection(_member(request), slug)
    paper = _paper(arxiv_id)
    remove_paper(target, paper)
    return {"collection": target.slug, "arxiv_id": paper.arxiv_id, "added": False}


@router.post(
    "/me/library/import", response={200: ImportReportOut, **FAILURES}, url_name="v1_import"
)
def import_file(
    request: HttpRequest,
    library: File[UploadedFile],
    collection: Form[str] = DEFAULT_COLLECTION,
) -> dict[str, Any] | HttpResponse:
    """Import a BibTeX or CSL JSON (Zotero) file into one of your collections (made private
    when new), matching papers by arXiv id, then DOI, then title; the report lists both
    sides. A file that cannot be read, or is over 5 MB, is a 400 and changes nothing. Titles
    are looked up for at most 500 references per file (the rest are reported unmatched, with
    the reason); at most 20 imports an hour per member, then 429 with Retry-After."""
    # Checked before read(): an oversized upload is never pulled into memory.
    if library.size is not None and library.size > MAX_FILE_BYTES:
        raise ApiError(
            400, "invalid_file", f"The file is over {MAX_FILE_BYTES // (1024 * 1024)} MB."
        )
    member = _member(request)
    if not may_import(member):
        refused = error_response(
            429,
            "rate_limited",
            f"More than {IMPORTS_PER_HOUR} library imports in an hour. "
            "Wait for the time in Retry-After.",
        )
        refused["Retry-After"] = str(retry_after(IMPORT_WINDOW_SECONDS))
        return refused
    try:
        report = import_library(member, library.read(), library.name or "", collection[:100])
    except ImportFileError as error:
        raise ApiError(400, "invalid_file", str(error)) from None
    return {
        "file_format": report.file_format,
        "collection": report.collection.slug,
        "added": report.added,
        "already_there": report.already_there,
        "matched": [
            {"label": o.reference.label, "arxiv_id": o.paper.arxiv_id, "matched_by": o.matched_by}
            for o in report.matched
            if o.paper is not None  # always: a matched outcome holds its paper
        ],
        "unmatched": [
            {"label": o.reference.label, "title": o.reference.title, "reason": o.reason}
            for o in report.unmatched
        ],
    }
