"""Comments on a paper: Markdown rendered once at save, replies one level deep."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from dailypapers.accounts.models import User
from dailypapers.core.prepared import PreparedQuery
from dailypapers.feed.community.services.counters import bump
from dailypapers.feed.forms import CommentForm
from dailypapers.feed.markdown import render_markdown
from dailypapers.feed.models import Comment, CommentFlag
from dailypapers.papers.models import Paper

HOUR = 3600


def post_comment(author: User, paper: Paper, body: str, parent: Comment | None = None) -> Comment:
    # Replies stay one level deep: answering a reply answers the thread it belongs to.
    if parent is not None and parent.parent_id is not None:
        parent = parent.parent
    with transaction.atomic():
        comment = Comment.objects.create(
            paper=paper, author=author, parent=parent, body=body, body_html=render_markdown(body)
        )
        bump(paper.pk, "comment_count", +1)
    return comment


def edit_comment(comment: Comment, body: str) -> None:
    comment.body = body
    comment.body_html = render_markdown(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])


def delete_comment(comment: Comment) -> None:
    """Blank the comment but keep the row, so its replies stay in their thread."""
    with transaction.atomic():
        was_counted = comment.is_visible
        comment.is_deleted = True
        comment.body = comment.body_html = ""
        comment.save(update_fields=["is_deleted", "body", "body_html"])
        if was_counted:
            bump(comment.paper_id, "comment_count", -1)


def flag_comment(user: User, comment: Comment, reason: str = "") -> bool:
    """One flag per member and comment (a unique constraint); False if already flagged."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                CommentFlag.objects.create(comment=comment, user=user, reason=reason)
        except IntegrityError:
            return False
        Comment.objects.filter(pk=comment.pk).update(flag_count=F("flag_count") + 1)
    return True


def set_hidden(comment: Comment, hidden: bool) -> bool:
    """A curator hides or shows a comment; False when it already was that way."""
    with transaction.atomic():
        # Conditional UPDATE: of two curators clicking at once only one changes the counter.
        changed = Comment.objects.filter(pk=comment.pk, is_hidden=not hidden).update(
            is_hidden=hidden
        )
        if changed and not comment.is_deleted:
            bump(comment.paper_id, "comment_count", -1 if hidden else +1)
    comment.is_hidden = hidden
    return bool(changed)


# -- reading -------------------------------------------------------------------------------


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


def _shows_body(comment: Comment, viewer: User | AnonymousUser) -> bool:
    # AnonymousUser has no is_curator.
    curator = getattr(viewer, "is_curator", False)
    return not comment.is_deleted and (not comment.is_hidden or curator)


# Compiled once (core/prepared.py): every paper page rendered from scratch asks it.
_DISCUSSION = PreparedQuery(
    lambda paper_id: (
        Comment.objects.filter(paper=paper_id).select_related("author").order_by("created_at", "pk")
    )
)


def threads_for(paper: Paper, viewer: User | AnonymousUser) -> list[Thread]:
    """The discussion as the viewer may see it.

    Deleted and hidden comments become placeholders while replies hang below them, and
    disappear otherwise; curators see hidden comments with a mark, to be able to unhide them.
    """
    comments = _DISCUSSION.all(paper.pk)
    threads: dict[int, Thread] = {}
    for comment in comments:
        comment.shows_body = _shows_body(comment, viewer)
        if comment.parent_id is None:
            threads[comment.pk] = Thread(comment)
    for comment in comments:
        if comment.parent_id is not None and comment.shows_body and comment.parent_id in threads:
            threads[comment.parent_id].replies.append(comment)
    return [t for t in threads.values() if t.comment.shows_body or t.replies]


def section_context(
    request: HttpRequest,
    paper: Paper,
    error_form: CommentForm | None = None,
    error_parent: int | None = None,
) -> dict:
    user = request.user
    flagged: set[int] = set()
    if user.is_authenticated:
        flagged = set(
            CommentFlag.objects.filter(user=user, comment__paper=paper).values_list(
                "comment_id", flat=True
            )
        )
    return {
        "paper": paper,
        "threads": threads_for(paper, user),
        "flagged_ids": flagged,
        "form": error_form if error_form is not None and error_parent is None else CommentForm(),
        "error_form": error_form,
        "error_parent": error_parent,
        "user": user,
        "request": request,
    }
