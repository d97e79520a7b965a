"""Collections: named reading lists, private unless their owner makes them public.

Slugs are fixed when a list is created: renaming keeps shared links working.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.text import slugify

from dailypapers.accounts.models import User
from dailypapers.feed.models import Collection, CollectionItem
from dailypapers.feed.unique_rows import delete_rows, free_slug, insert_once
from dailypapers.papers.models import Paper

SLUG_ATTEMPTS = 5  # concurrent creations with one name race for a slug; retry a few times


def _free_slug(owner: User, name: str) -> str:
    base = slugify(name)[:90] or "list"  # a name of only symbols still needs a slug
    taken = set(
        Collection.objects.filter(owner=owner, slug__startswith=base).values_list("slug", flat=True)
    )
    return free_slug(base, taken)


def create_collection(
    owner: User, name: str, description: str = "", is_public: bool = False
) -> Collection:
    for _attempt in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                return Collection.objects.create(
                    owner=owner,
                    name=name,
                    slug=_free_slug(owner, name),
                    description=description,
                    is_public=is_public,
                )
        except IntegrityError:  # another request took the slug between our read and write
            continue
    raise IntegrityError(f"no free slug for collection {name!r}")


def add_paper(collection: Collection, paper: Paper) -> bool:
    """False when the paper was already in the collection (the unique constraint says so)."""
    return insert_once(CollectionItem, collection=collection, paper=paper)


def remove_paper(collection: Collection, paper: Paper) -> bool:
    return delete_rows(CollectionItem, collection=collection, paper=paper)


def collection_url(collection: Collection) -> str:
    return reverse("community:collection", args=[collection.owner_id, collection.slug])


def picker_context(
    request: HttpRequest, paper: Paper, message: str = "", next_url: str = ""
) -> dict:
    """What collection_picker.html needs: my lists, split by whether they hold the paper."""
    mine: list[Collection] = []
    holding: set[int] = set()
    if request.user.is_authenticated:
        mine = list(Collection.objects.filter(owner=request.user).order_by("name"))
        items = CollectionItem.objects.filter(collection__owner=request.user, paper=paper)
        holding = set(items.values_list("collection_id", flat=True))
    return {
        "paper": paper,
        "user": request.user,
        "request": request,
        "in_collections": [c for c in mine if c.pk in holding],
        "other_collections": [c for c in mine if c.pk not in holding],
        "picker_message": message,
        # Where the forms' no-JS fallback returns to: the page showing the picker.
        "picker_next": next_url or request.get_full_path(),
    }
