"""Collection pages and the picker's forms (services/collections.py holds the rules).

A private collection answers 404 to everyone but its owner, so its existence is not
revealed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dailypapers.feed.community.services.collections import (
    add_paper,
    collection_url,
    create_collection,
    picker_context,
    remove_paper,
)
from dailypapers.feed.forms import CollectionForm
from dailypapers.feed.http import is_htmx, paper_or_404, paper_url, redirect_back, safe_next
from dailypapers.feed.models import Collection
from dailypapers.papers.models import Paper

if TYPE_CHECKING:
    # Only a type: see its docstring.
    from dailypapers.feed.http import AuthenticatedHttpRequest


@login_required
def collections(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My collections, and the form that creates one."""
    form = CollectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        collection = create_collection(request.user, **form.cleaned_data)
        return redirect(collection_url(collection))
    mine = Collection.objects.filter(owner=request.user).order_by("name")
    status = 400 if request.method == "POST" else 200
    context = {"collections": mine, "form": form}
    return render(request, "feed/community/collections.html", context, status=status)


def collection(request: HttpRequest, user_id: int, slug: str) -> HttpResponse:
    found = get_object_or_404(
        Collection.objects.select_related("owner"), owner_id=user_id, slug=slug
    )
    is_owner = request.user.is_authenticated and request.user.pk == found.owner_id
    if not (found.is_public or is_owner):
        raise Http404("No such collection")
    items = found.items.select_related("paper").order_by("-added_at")
    context = {
        "collection": found,
        "items": items,
        "is_owner": is_owner,
        "form": CollectionForm(instance=found) if is_owner else None,
    }
    return render(request, "feed/community/collection.html", context)


def _mine(request: AuthenticatedHttpRequest, pk: int) -> Collection:
    # Someone else's list is a 404, never a 403: a private list must not be confirmed.
    return get_object_or_404(Collection, pk=pk, owner=request.user)


@login_required
def collection_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _mine(request, pk)
    form = CollectionForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Collection saved.")
        return redirect(collection_url(found))
    status = 400 if request.method == "POST" else 200
    context = {"collection": found, "form": form}
    return render(request, "feed/community/collection_edit.html", context, status=status)


@login_required
def collection_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _mine(request, pk)
    if request.method == "POST":
        name = found.name
        found.delete()
        messages.success(request, f"Deleted the collection “{name}”.")
        return redirect("community:collections")
    return render(request, "feed/community/collection_delete.html", {"collection": found})


def _picked(request: HttpRequest, paper: Paper, message: str) -> HttpResponse:
    if is_htmx(request):
        # Answering htmx, this request's own path is the POST URL: carry the page's on.
        context = picker_context(request, paper, message, safe_next(request, paper_url(paper)))
        return render(request, "feed/community/collection_picker.html", context)
    messages.success(request, message)
    return redirect_back(request, paper_url(paper))


@require_POST
@login_required
def collection_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Save a paper to one of my collections, or to a new one named in the same form."""
    paper = paper_or_404(request.POST.get("paper", ""))
    new_name = " ".join(request.POST.get("new_name", "").split())[:100]
    if new_name:
        # Reuse a list of mine with that exact name rather than making "x" and "x-2".
        target = Collection.objects.filter(owner=request.user, name=new_name).first()
        target = target or create_collection(request.user, new_name)
    else:
        pk = request.POST.get("collection", "")
        if not pk.isdigit():
            return HttpResponseBadRequest("Pick a collection, or name a new one.")
        target = _mine(request, int(pk))
    added = add_paper(target, paper)
    verb = "Saved to" if added else "Already in"
    return _picked(request, paper, f"{verb} “{target.name}”.")


@require_POST
@login_required
def collection_remove(request: AuthenticatedHttpRequest) -> HttpResponse:
    paper = paper_or_404(request.POST.get("paper", ""))
    pk = request.POST.get("collection", "")
    if not pk.isdigit():
        return HttpResponseBadRequest("Say which collection to remove the paper from.")
    target = _mine(request, int(pk))
    remove_paper(target, paper)
    return _picked(request, paper, f"Removed from “{target.name}”.")
