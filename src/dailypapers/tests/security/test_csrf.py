"""CSRF on every state-changing route, found by walking the URLconf (not by a list).

A new view is covered the day it is added: a POST without a CSRF token is a 403 on every
route except the few exempt on purpose, each listed here with its reason. The JSON API is
exempt from Django's check and does its own: a write on the site's session needs the token
(a bearer token is no ambient credential, so it needs none).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from dailypapers.accounts.models import User

pytestmark = pytest.mark.django_db

EXEMPT_ON_PURPOSE = {
    # Footer form on cached signed-out pages (no token there); worst case one rate-limited
    # confirmation email.
    "digests:subscribe",
    # RFC 8058 one-click unsubscribe: a mail client's bare POST, no cookie, no token.
    "digests:unsubscribe",
}
SAMPLES = {
    "arxiv_id": "2501.00001", "fmt": "rss", "category": "cs.LG", "slug": "x", "token": "x",
    "uidb64": "MQ", "year": "2025", "month": "01", "week": "02", "day_of_month": "06",
    "date": "2025-01-06", "path": "x", "app_label": "accounts", "handle": "ada",
    "queue_index": "0", "connection_index": "0", "scheduler_index": "0", "registry_name": "x",
}  # fmt: skip


def routes(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            yield from routes(entry, inner.strip(":"))
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def concrete_path(name: str, pattern: URLPattern) -> str | None:
    params = list(pattern.pattern.regex.groupindex)
    kwargs = {p: SAMPLES.get(p, "1" if p.endswith("id") or p == "pk" else "x") for p in params}
    try:
        return reverse(name, kwargs=kwargs)
    except Exception:
        return None  # a regex our samples do not fit; counted below


def site_routes() -> list[tuple[str, str, object]]:
    found = []
    for name, pattern in routes(get_resolver()):
        if name.startswith(("api:", "api-")) or re.match(r"^api", str(pattern.pattern)):
            continue
        found.append((name, concrete_path(name, pattern), pattern.callback))
    return found


@pytest.fixture
def member_browser() -> Client:
    browser = Client(enforce_csrf_checks=True)
    member = User.objects.create_user(
        "csrf@example.org", "a-long-Passphrase-4711", email_verified_at=timezone.now(),
        is_staff=True, is_superuser=True, is_curator=True,
    )  # fmt: skip
    browser.force_login(member)
    return browser


def test_the_walk_finds_the_sites_forms():
    names = {name for name, _path, _view in site_routes()}
    expected = {
        "accounts:login", "community:vote", "community:comment_edit", "exports:library_import",
        "accounts:api_token_create", "digests:preferences", "admin:login",
    }  # fmt: skip
    assert expected <= names
    unreachable = [name for name, path, _view in site_routes() if path is None]
    assert unreachable == []


def test_only_the_listed_routes_are_exempt_from_csrf():
    exempt = {name for name, _path, view in site_routes() if getattr(view, "csrf_exempt", False)}
    assert exempt <= EXEMPT_ON_PURPOSE


def test_every_other_route_refuses_a_post_without_the_token(member_browser):
    allowed = []
    for name, path, view in site_routes():
        if getattr(view, "csrf_exempt", False):
            continue
        response = member_browser.post(path, {"x": "1"})
        if response.status_code != 403:
            allowed.append(f"{name} {path} -> {response.status_code}")
    assert allowed == []


def test_api_writes_on_the_session_need_the_csrf_token(member_browser):
    for method, path in (
        ("post", "/api/v1/papers/2501.00001/upvote"),
        ("delete", "/api/v1/papers/2501.00001/upvote"),
        ("post", "/api/v1/me/collections"),
        ("put", "/api/v1/topics/x/follow"),
        ("post", "/api/v1/me/library/import"),
    ):
        response = getattr(member_browser, method)(path)
        assert response.status_code == 403, (method, path, response.status_code)
