"""Comments on a paper: Markdown rendered once at save, replies one level deep.

Every action works as a plain form POST that redirects back to the paper; with htmx
(HX-Request) the answer is the re-rendered comment section instead, which the page swaps in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dailypapers.accounts.decorators import verified_required
from dailypapers.accounts.models import User
from dailypapers.core.ratelimit import hit, too_many_requests
from dailypapers.feed.community.common import bump, is_htmx, paper_or_404, paper_url
from dailypapers.feed.forms import CommentForm, FlagForm
from dailypapers.feed.markdown import render_markdown
from dailypapers.feed.models import Comment, CommentFlag
from dailypapers.papers.models import Paper

HOUR = 3600

# -- services ------------------------------------------------------------------------------


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


def threads_for(paper: Paper, viewer: User | AnonymousUser) -> list[Thread]:
    """The discussion as the viewer may see it.

    Deleted and hidden comments become placeholders while replies hang below them, and
    disappear otherwise; curators see hidden comments with a mark, to be able to unhide them.
    """
    comments = list(
        Comment.objects.filter(paper=paper).select_related("author").order_by("created_at", "pk")
    )
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


def _section(request: HttpRequest, paper: Paper, status: int = 200, **errors) -> HttpResponse:
    paper.refresh_from_db(fields=["comment_count"])  # the heading shows the new count
    context = section_context(request, paper, **errors)
    return render(request, "feed/community/comment_section.html", context, status=status)


def _done(request: HttpRequest, paper: Paper, anchor: str = "comments") -> HttpResponse:
    if is_htmx(request):
        return _section(request, paper)
    return redirect(f"{paper_url(paper)}#{anchor}")


def _own_comment(request: HttpRequest, pk: int) -> Comment:
    comment = get_object_or_404(Comment.objects.select_related("paper"), pk=pk, is_deleted=False)
    if comment.author_id != request.user.pk:
        raise PermissionDenied("Only the author can change this comment.")
    return comment


# -- views ---------------------------------------------------------------------------------


@require_POST
@verified_required
def comment_create(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    paper = paper_or_404(arxiv_id)
    parent = None
    parent_id = request.POST.get("parent") or None
    if parent_id is not None:
        if not parent_id.isdigit():
            return HttpResponse("That comment to reply to does not exist.", status=400)
        parent = get_object_or_404(Comment, pk=int(parent_id), paper=paper)
    form = CommentForm(request.POST)
    if not form.is_valid():
        thread_id = (parent.parent_id or parent.pk) if parent else None
        if is_htmx(request):
            return _section(request, paper, error_form=form, error_parent=thread_id)
        context = {"paper": paper, "form": form, "parent": parent}
        return render(request, "feed/community/comment_form.html", context, status=400)
    if not hit(f"comments:{request.user.pk}", settings.COMMENTS_PER_HOUR, HOUR):
        return too_many_requests(request, HOUR, "commented")
    comment = post_comment(request.user, paper, form.cleaned_data["body"], parent)
    return _done(request, paper, anchor=f"comment-{comment.pk}")


@verified_required
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        # Each edit renders Markdown again: edits have their own COMMENTS_PER_HOUR budget.
        if not hit(f"comment-edits:{request.user.pk}", settings.COMMENTS_PER_HOUR, HOUR):
            return too_many_requests(request, HOUR, "edited comments")
        edit_comment(comment, form.cleaned_data["body"])
        return _done(request, comment.paper, anchor=f"comment-{comment.pk}")
    context = {"paper": comment.paper, "form": form, "comment": comment}
    status = 400 if request.method == "POST" else 200
    return render(request, "feed/community/comment_form.html", context, status=status)


@verified_required
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    if request.method == "POST":
        delete_comment(comment)
        return _done(request, comment.paper)
    # GET: the confirmation page people without JavaScript land on.
    context = {"paper": comment.paper, "comment": comment}
    return render(request, "feed/community/comment_delete.html", context)


@require_POST
@verified_required
def comment_flag(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("paper"), pk=pk, is_deleted=False)
    if comment.author_id == request.user.pk:
        return HttpResponse("You cannot flag your own comment; delete it instead.", status=400)
    form = FlagForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    first_time = flag_comment(request.user, comment, reason)
    if not is_htmx(request):  # htmx shows "flagged" in the section it swaps in
        if first_time:
            messages.success(request, "Thank you: a curator will look at the comment.")
        else:
            messages.info(request, "You had already flagged this comment.")
    return _done(request, comment.paper, anchor=f"comment-{comment.pk}")


@require_POST
@verified_required
def comment_hide(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_curator:
        raise PermissionDenied("Only curators can hide comments.")
    comment = get_object_or_404(Comment.objects.select_related("paper"), pk=pk)
    set_hidden(comment, request.POST.get("action", "hide") != "unhide")
    return _done(request, comment.paper, anchor=f"comment-{comment.pk}")
