"""What approved author claims show: links on the paper page, and the API's author fields.

Lists load the approved claims of a whole page of papers in one extra query
(``load_claims``); a single paper asks for its own.

The Hugging Face-compatible fields (api/hf.py merges them in):

- each author of ``paper.authors`` with an approved claim gets ``status``
  ("claimed_verified", the Hub's value for an author confirmed on their paper),
  ``statusLastChangedAt`` (when a curator approved it) and ``user`` (the member, in the
  Hub's user shape: handle as "user", public name as "fullname");
- ``isAuthorParticipating`` on a daily item is true when a member whose claim to be an
  author of the paper is approved has submitted the paper to the feed or has a visible
  comment (neither deleted nor hidden) in its discussion.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC
from typing import Any, Protocol

from django.db import connections, router
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.utils.html import format_html

from dailypapers.accounts.models import User
from dailypapers.core.urlmemo import remembered_reverse
from dailypapers.feed.models import AuthorClaim, Comment
from dailypapers.papers.models import Paper

CLAIMED_STATUS = "claimed_verified"  # huggingface_hub's PaperAuthor.status
CLAIMS_ATTR = "approved_claims"
HUB_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"  # as api/hf.py's hub_time writes times


def _approved() -> Any:
    """Approved claims of active members, with whether the member commented on the paper."""
    commented = Comment.objects.filter(
        paper=OuterRef("paper"),
        author=OuterRef("member"),
        is_deleted=False,
        is_hidden=False,
    )
    return (
        AuthorClaim.objects.approved()
        .filter(member__is_active=True)
        .select_related("member")
        .only(
            "paper_id", "position", "name", "author_id", "decided_at",
            "member__handle", "member__display_name",
        )
        .annotate(commented=Exists(commented))
        .order_by("position", "pk")
    )  # fmt: skip


def load_claims(papers: Iterable[Paper]) -> list[Paper]:
    """The papers, each with its approved claims: one more query for the whole list."""
    found = list(papers)
    prefetch_related_objects(found, Prefetch("author_claims", _approved(), to_attr=CLAIMS_ATTR))
    return found


def approved_claims(paper: Paper) -> list[AuthorClaim]:
    claims = getattr(paper, CLAIMS_ATTR, None)
    if claims is None:
        claims = list(_approved().filter(paper=paper))
        setattr(paper, CLAIMS_ATTR, claims)
    return claims


def slot_of(claim: AuthorClaim, names: list[str]) -> int | None:
    """Where the claimed author is in ``names`` now: their claimed place while the name is
    still there, else the first place with that name (a new version reordered the
    authors), else None (the name is gone)."""
    if claim.position < len(names) and names[claim.position] == claim.name:
        return claim.position
    try:
        return names.index(claim.name)
    except ValueError:
        return None


def claims_by_slot(paper: Paper) -> dict[int, AuthorClaim]:
    names = paper.author_names
    found: dict[int, AuthorClaim] = {}
    for claim in approved_claims(paper):
        slot = slot_of(claim, names)
        if slot is not None:
            found.setdefault(slot, claim)
    return found


def hub_user(member: User) -> dict[str, str]:
    """A member as the Hub's user object: the handle is the Hub's username."""
    return {"user": member.handle, "fullname": member.public_name, "type": "user"}


def hub_authors(paper: Paper) -> list[dict[str, Any]]:
    """``paper.authors`` in the Hub's shape, claimed authors with status and user."""
    claimed = claims_by_slot(paper)
    authors: list[dict[str, Any]] = []
    for slot, name in enumerate(paper.author_names):
        author: dict[str, Any] = {"name": name, "hidden": False}
        claim = claimed.get(slot)
        if claim is not None:
            author["status"] = CLAIMED_STATUS
            if claim.decided_at is not None:
                author["statusLastChangedAt"] = claim.decided_at.astimezone(UTC).strftime(HUB_TIME)
            author["user"] = hub_user(claim.member)
        authors.append(author)
    return authors


def author_participating(paper: Paper) -> bool:
    """True when an approved claimant of the paper submitted it or comments on it."""
    submission = getattr(paper, "submission", None)
    submitter_id = submission.submitted_by_id if submission is not None else None
    return any(
        # "commented": _approved()'s annotation, a visible comment of theirs on the paper.
        getattr(claim, "commented", False) or claim.member_id == submitter_id
        for claim in approved_claims(paper)
    )


_PAGE_PROBE = -1  # any paper id: only the compiled SQL is kept
_page_sql: dict[str, tuple[str, tuple[Any, ...]]] = {}  # database alias -> SQL, parameters


def _page_rows(paper_id: int) -> list[tuple[Any, ...]]:
    """(author_id, name, member_id, handle, display_name) of the paper's approved claims.

    The paper page asks on every uncached view, and most papers have no claim, so the SQL is
    compiled once per database (as feed.queries.paper_page_version does): compiling the
    join took the ORM several times as long as the database took to answer it.
    """
    alias = router.db_for_read(AuthorClaim)
    compiled = _page_sql.get(alias)
    if compiled is None:
        query = (
            AuthorClaim.objects.filter(paper=_PAGE_PROBE, status=AuthorClaim.APPROVED)
            .filter(member__is_active=True)
            .values_list("author_id", "name", "member_id", "member__handle", "member__display_name")
            .query
        )
        sql, params = query.get_compiler(using=alias).as_sql()
        if list(params).count(_PAGE_PROBE) != 1:
            raise RuntimeError(f"unexpected parameters in the claimants query: {params!r}")
        compiled = _page_sql[alias] = (sql, tuple(params))
    sql, params = compiled
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [paper_id if p == _PAGE_PROBE else p for p in params])
        return cursor.fetchall()


class NamedAuthor(Protocol):
    """An author row as the paper page has it (a model instance or feed.queries.AuthorRow)."""

    @property
    def pk(self) -> int: ...

    @property
    def name(self) -> str: ...


def claimants_by_author(paper: Paper, authors: Sequence[NamedAuthor]) -> dict[int, User]:
    """The approved claimant of each of ``authors`` (the paper page's author rows), by
    author id: matched on the author row the claim named, else on the name."""
    rows = _page_rows(paper.pk)
    if not rows:
        return {}
    by_name = {author.name: author.pk for author in authors}
    found: dict[int, User] = {}
    for author_id, name, member_id, handle, display_name in rows:
        author_id = author_id or by_name.get(name)
        if author_id is not None and author_id not in found:
            found[author_id] = User(pk=member_id, handle=handle, display_name=display_name)
    return found


def claimant_link(author: NamedAuthor, claimants: dict[int, User]) -> str:
    """A link to the profile of the member who is this author; "" when nobody is."""
    member = claimants.get(author.pk)
    if member is None:
        return ""
    return format_html(
        ' <a class="claimed-author" href="{}" title="{} is this author (claim approved)">@{}</a>',
        remembered_reverse("feed:profile", [member.handle]),
        member.public_name,
        member.handle,
    )
