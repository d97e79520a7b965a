"""Topic pages: the index (by followers), one topic's papers, creating, following, featuring.

Following works as a plain form (the page reloads) and with htmx (the button swaps itself);
the form says what the button meant (``action=follow`` or ``unfollow``), so a double click
never undoes itself.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dailypapers.accounts.decorators import verified_required
from dailypapers.core.pagecache import cache_for_anonymous
from dailypapers.feed.http import is_htmx, redirect_back, safe_next
from dailypapers.feed.models import Topic
from dailypapers.feed.topic_forms import TopicForm
from dailypapers.feed.topics import (
    TopicError,
    TopicPapers,
    follow,
    is_following,
    search_topics,
    topic_ids,
    unfollow,
    unique_slug,
    with_follower_counts,
)
from dailypapers.lib.paging import page_number
from dailypapers.papers.models import Paper
from dailypapers.papers.queries import mark_voted
from dailypapers.search.engine import MAX_RESULTS

if TYPE_CHECKING:
    # Only a type: see its docstring.
    from dailypapers.feed.http import AuthenticatedHttpRequest

PER_PAGE = 25
TOPICS_PER_PAGE = 50
PAGE_SORTS = ("newest", "trending")
SLUG_ATTEMPTS = 5  # two members creating topics of one name race for the slug


def _is_curator(request: HttpRequest) -> bool:
    user = request.user
    return user.is_authenticated and (user.is_staff or getattr(user, "is_curator", False))


def follow_context(request: HttpRequest, topic: Topic) -> dict[str, object]:
    user_id = request.user.pk if request.user.is_authenticated else None
    return {"topic": topic, "following": is_following(user_id, topic.pk)}


@cache_for_anonymous
def topic_index(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:100]
    topics = with_follower_counts(search_topics(text))
    page = Paginator(topics, TOPICS_PER_PAGE).get_page(request.GET.get("page"))
    followed: set[int] = set()
    if request.user.is_authenticated:
        ids = [topic.pk for topic in page.object_list]
        followed = set(
            request.user.topic_follows.filter(topic_id__in=ids).values_list("topic_id", flat=True)
        )
    for topic in page.object_list:
        topic.following = topic.pk in followed
    return render(request, "feed/discovery/topics/index.html", {"page": page, "q": text})


@cache_for_anonymous
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(with_follower_counts(), slug=slug)
    sort = request.GET.get("sort", "")
    sort = sort if sort in PAGE_SORTS else "newest"
    asked = min(page_number(request.GET.get("page", "")), MAX_RESULTS // PER_PAGE)
    found: TopicPapers | None = None
    error = ""
    page: Page | None = None
    try:
        found = topic_ids(topic, sort=sort, offset=(asked - 1) * PER_PAGE, limit=PER_PAGE)
        last = max(1, -(-min(found.total, MAX_RESULTS) // PER_PAGE))
        if asked > last:  # an old link past the end: show the end
            asked = last
            found = topic_ids(topic, sort=sort, offset=(asked - 1) * PER_PAGE, limit=PER_PAGE)
    except TopicError as exc:
        error = str(exc)
    if found is not None and found.total:
        # Pages over the positions of all matches; this page's positions become its papers.
        positions: Paginator[Any] = Paginator(range(min(found.total, MAX_RESULTS)), PER_PAGE)
        page = positions.page(asked)
        page.object_list = mark_voted(request.user, Paper.objects.listed().in_order(found.ids))
    context = {
        **follow_context(request, topic),
        "page": page,
        "sort": sort,
        "error": error,
        "found": found,
        "capped": found is not None and found.total >= MAX_RESULTS,
        "max_results": MAX_RESULTS,
        "can_feature": _is_curator(request),
        "can_edit": _can_edit(request, topic),
    }
    return render(request, "feed/discovery/topics/detail.html", context)


@verified_required
def topic_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TopicForm(request.POST or None)
    limit = settings.TOPICS_PER_DAY
    made_today = Topic.objects.filter(
        created_by=request.user, created_at__gte=timezone.now() - timedelta(days=1)
    ).count()
    if request.method == "POST" and made_today >= limit:
        form.is_valid()  # keeps what was typed on the form
        form.add_error(None, f"You can create {limit} topics in 24 hours, and you have.")
        return render(request, "feed/discovery/topics/new.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        for _attempt in range(SLUG_ATTEMPTS):
            try:
                with transaction.atomic():
                    topic = Topic.objects.create(
                        name=data["name"],
                        slug=unique_slug(data["name"]),
                        query=data["query"],
                        categories=data["categories"],
                        description=data["description"].strip(),
                        created_by=request.user,
                    )
            except IntegrityError:
                continue  # someone took the slug between the look-up and the insert
            follow(request.user.pk, topic.pk)
            return HttpResponseRedirect(reverse("feed:topic", args=[topic.slug]))
        form.add_error(None, "Could not save the topic just now; please try again.")
    return render(
        request,
        "feed/discovery/topics/new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _can_edit(request: HttpRequest, topic: Topic) -> bool:
    return _is_curator(request) or (
        request.user.is_authenticated and topic.created_by_id == request.user.pk
    )


@verified_required
def topic_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Its creator, or a curator, changes a topic; its address stays, so links keep working."""
    topic = get_object_or_404(Topic, slug=slug)
    if not _can_edit(request, topic):
        raise PermissionDenied("Only the topic's creator or a curator can change it.")
    initial = {
        "name": topic.name,
        "query": topic.query,
        "categories": " ".join(topic.categories),
        "description": topic.description,
    }
    form = TopicForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        Topic.objects.filter(pk=topic.pk).update(
            name=data["name"],
            query=data["query"],
            categories=data["categories"],
            description=data["description"].strip(),
        )
        return HttpResponseRedirect(reverse("feed:topic", args=[topic.slug]))
    context = {"form": form, "topic": topic}
    return render(
        request, "feed/discovery/topics/edit.html", context, status=400 if form.errors else 200
    )


@require_POST
@verified_required
def topic_follow(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Follow or unfollow; htmx gets the new button, a plain form goes back."""
    topic = get_object_or_404(Topic, slug=slug)
    action = request.POST.get("action", "")
    if action not in ("follow", "unfollow"):
        action = "unfollow" if is_following(request.user.pk, topic.pk) else "follow"
    if action == "follow":
        follow(request.user.pk, topic.pk)
    else:
        unfollow(request.user.pk, topic.pk)
    topic_url = reverse("feed:topic", args=[topic.slug])
    if is_htmx(request):
        context = {
            "topic": topic,
            "following": action == "follow",
            "follow_next": safe_next(request, topic_url),
            "follower_count": topic.follows.count() if request.POST.get("counted") else None,
        }
        return render(request, "feed/discovery/topics/_follow_button.html", context)
    return redirect_back(request, topic_url)


@require_POST
@verified_required
def topic_feature(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Curators and staff feature a topic (first on the index) or take that back."""
    if not _is_curator(request):
        raise PermissionDenied("Only curators can feature topics.")
    topic = get_object_or_404(Topic, slug=slug)
    featured = request.POST.get("action") == "feature"
    Topic.objects.filter(pk=topic.pk).update(is_featured=featured)
    return redirect_back(request, reverse("feed:topic", args=[topic.slug]))
