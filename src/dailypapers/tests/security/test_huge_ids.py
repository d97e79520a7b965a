"""Ids in URLs too large for any database column are 404s, never 500s (SQLite overflowed)."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from dailypapers.accounts.models import User

HUGE = "99999999999999999999"


def _patterns(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found += _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.append(prefix + str(entry.pattern))
    return found


def test_no_page_url_uses_the_unbounded_int_converter():
    # The JSON API checks its ids itself (a 400 naming the parameter, as its schema says).
    # django_rq's staff-only dashboard (TASK_BACKEND=rq) is third-party and not ours to change.
    pages = [p for p in _patterns(get_resolver()) if not p.startswith(("api/", "admin/django_rq/"))]
    unbounded = [p for p in pages if "<int:" in p or re.search(r"\(\?P<\w+>\\d\+\)", p)]
    assert unbounded == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        f"/feeds/collections/{HUGE}/x/rss",
        f"/feeds/authors/{HUGE}/atom",
        f"/collections/{HUGE}/x/bibtex",
        f"/u/{HUGE}/collections/x/",
        f"/u/{HUGE}/",
        f"/authors/{HUGE}/",
        f"/digests/view/{HUGE}/x/",
    ],
)
def test_a_huge_id_in_a_url_is_a_404_for_anyone(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("path", [f"/api/v1/authors/{HUGE}", f"/api/v1/collections/{HUGE}/x"])
def test_a_huge_id_in_an_api_url_is_a_400_naming_the_parameter(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "method"),
    [
        (f"/comments/{HUGE}/edit/", "post"),
        (f"/comments/{HUGE}/delete/", "post"),
        (f"/collections/{HUGE}/edit/", "post"),
        (f"/accounts/settings/api-tokens/{HUGE}/revoke/", "post"),
    ],
)
def test_a_huge_id_in_a_members_url_is_a_404(client, path, method):
    member = User.objects.create_user("huge@example.org", "a-long-Passphrase-4711")
    client.force_login(member)
    assert getattr(client, method)(path).status_code == 404
