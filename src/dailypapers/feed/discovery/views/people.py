"""Pages about who and what: an author, a category, a member's profile (``/u/<handle>/``)."""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from dailypapers.accounts.models import User
from dailypapers.feed.discovery.services.listing import paper_page
from dailypapers.feed.models import AuthorClaim
from dailypapers.feed.queries import author_papers, category_papers, is_category
from dailypapers.papers.models import Author, Paper

PROFILE_PAGE_SIZE = 20


def author(request: HttpRequest, author_id: int) -> HttpResponse:
    person = get_object_or_404(Author, pk=author_id)
    page = paper_page(request, author_papers(person.pk))
    return render(request, "feed/discovery/author.html", {"author": person, "page": page})


def category(request: HttpRequest, category: str) -> HttpResponse:
    if not is_category(category):
        raise Http404("Not an arXiv category")
    page = paper_page(request, category_papers(category))
    if page.paginator.count == 0:
        raise Http404("No papers in this category")
    return render(request, "feed/discovery/category.html", {"category": category, "page": page})


def profile_by_id(request: HttpRequest, user_id: int) -> HttpResponse:
    """``/u/<id>/``, the address profiles had before handles: it leads to the handle's."""
    member = get_object_or_404(User, pk=user_id, is_active=True)
    query = request.META.get("QUERY_STRING", "")
    target = reverse("feed:profile", args=[member.handle])
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)


def profile(request: HttpRequest, handle: str) -> HttpResponse:
    member = get_object_or_404(User.objects.with_handle(handle), is_active=True)
    if handle != member.handle:  # /u/Ada/: the one address is lower-case
        return redirect("feed:profile", member.handle, permanent=True)
    submitted = (
        Paper.objects.filter(submission__submitted_by=member)
        .listed()
        .order_by("-submission__submitted_at", "-pk")
    )
    upvoted = Paper.objects.voted_by(member).listed().order_by("-votes__created_at", "-pk")
    collections = (
        member.collections.filter(is_public=True)
        .annotate(paper_count=Count("items"))
        .order_by("name")
    )
    context = {
        "member": member,
        "submitted": paper_page(
            request, submitted, param="submitted_page", per_page=PROFILE_PAGE_SIZE
        ),
        "upvoted": paper_page(request, upvoted, param="upvoted_page", per_page=PROFILE_PAGE_SIZE),
        "collections": collections,
        "claimed_authors": (
            AuthorClaim.objects.approved()
            .filter(member=member)
            .select_related("paper")
            .only("name", "author_id", "paper__arxiv_id", "paper__title")
            .order_by("-decided_at", "-pk")
        ),
        "is_own_profile": request.user.is_authenticated and request.user.pk == member.pk,
    }
    return render(request, "feed/discovery/profile.html", context)
