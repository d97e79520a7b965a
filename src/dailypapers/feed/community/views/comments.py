"""The comment forms (services/comments.py holds the rules).

Every action works as a plain form POST that redirects back to the paper; with htmx
(HX-Request) the answer is the re-rendered comment section instead, which the page swaps in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dailypapers.accounts.decorators import verified_required
from dailypapers.core.ratelimit import hit, too_many_requests
from dailypapers.feed.community.services.comments import (
    HOUR,
    delete_comment,
    edit_comment,
    flag_comment,
    post_comment,
    section_context,
    set_hidden,
)
from dailypapers.feed.forms import CommentForm, FlagForm
from dailypapers.feed.http import is_htmx, paper_or_404, paper_url
from dailypapers.feed.models import Comment
from dailypapers.papers.models import Paper

if TYPE_CHECKING:
    # Only a type: see its docstring.
    from dailypapers.feed.http import AuthenticatedHttpRequest


def _section(request: HttpRequest, paper: Paper, status: int = 200, **errors) -> HttpResponse:
    paper.refresh_from_db(fields=["comment_count"])  # the heading shows the new count
    context = section_context(request, paper, **errors)
    return render(request, "feed/community/comment_section.html", context, status=status)


def _done(request: HttpRequest, paper: Paper, anchor: str = "comments") -> HttpResponse:
    if is_htmx(request):
        return _section(request, paper)
    return redirect(f"{paper_url(paper)}#{anchor}")


def _own_comment(request: AuthenticatedHttpRequest, pk: int) -> Comment:
    comment = get_object_or_404(Comment.objects.select_related("paper"), pk=pk, is_deleted=False)
    if comment.author_id != request.user.pk:
        raise PermissionDenied("Only the author can change this comment.")
    return comment


@require_POST
@verified_required
def comment_create(request: AuthenticatedHttpRequest, arxiv_id: str) -> HttpResponse:
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
def comment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def comment_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    if request.method == "POST":
        delete_comment(comment)
        return _done(request, comment.paper)
    # GET: the confirmation page people without JavaScript land on.
    context = {"paper": comment.paper, "comment": comment}
    return render(request, "feed/community/comment_delete.html", context)


@require_POST
@verified_required
def comment_flag(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def comment_hide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_curator:
        raise PermissionDenied("Only curators can hide comments.")
    comment = get_object_or_404(Comment.objects.select_related("paper"), pk=pk)
    set_hidden(comment, request.POST.get("action", "hide") != "unhide")
    return _done(request, comment.paper, anchor=f"comment-{comment.pk}")
