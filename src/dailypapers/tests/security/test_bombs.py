"""Import and Markdown bombs through the web and the API: refused or rendered within time and
memory bounds, nothing stored (issue 16 #1, #6, #9)."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dailypapers.accounts.models import User
from dailypapers.api.tokens import create_token
from dailypapers.feed.models import Collection, Comment
from dailypapers.testing.factories import make_user, store_paper

pytestmark = pytest.mark.django_db

MACRO_BOMB = b'@string{a="0123456789"}\n' + b"@string{a = a # a}\n" * 24 + b"@misc{k, title=a}\n"
DEEP_JSON = b"[" * 100_000 + b"]" * 100_000
HUGE_INT_JSON = b'[{"title": "x", "number": ' + b"9" * 5000 + b"}]"
MARKDOWN_BOMB = "[](" * 3333


def bounded(action: Callable[[], object], seconds: float, megabytes: float | None) -> object:
    """Run ``action`` within a time bound, and a memory bound (tracemalloc peak, which slows
    Python down severalfold: the time bound is generous when one is given)."""
    if megabytes is None:
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
        assert elapsed < seconds, f"took {elapsed:.1f} s"
        return result
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elapsed = time.perf_counter() - started
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    assert peak < megabytes * 1024 * 1024, f"peak {peak / 1024 / 1024:.0f} MB"
    return result


@pytest.fixture
def member() -> User:
    return make_user("bomber@example.org", password="a-long-Passphrase-4711")


@pytest.mark.parametrize(
    ("name", "content"),
    [("bomb.bib", MACRO_BOMB), ("deep.json", DEEP_JSON), ("big.json", HUGE_INT_JSON)],
)
def test_a_hostile_library_file_is_a_400_on_the_web_page(client, member, name, content):
    client.force_login(member)
    client.get("/library/import/")  # templates and URLs loaded before measuring
    upload = SimpleUploadedFile(name, content)
    response = bounded(
        lambda: client.post("/library/import/", {"library": upload, "collection": "bomb"}),
        seconds=5,
        megabytes=60,
    )
    assert response.status_code == 400
    assert not Collection.objects.filter(owner=member).exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("bomb.bib", MACRO_BOMB), ("deep.json", DEEP_JSON), ("big.json", HUGE_INT_JSON)],
)
def test_a_hostile_library_file_is_a_400_on_the_api(member, name, content):
    _token, secret = create_token(member, "script")
    upload = SimpleUploadedFile(name, content)
    response = bounded(
        lambda: Client().post(
            "/api/v1/me/library/import",
            {"library": upload},
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        ),
        seconds=5,
        megabytes=60,
    )
    assert response.status_code == 400
    assert not Collection.objects.filter(owner=member).exists()


def test_a_markdown_bomb_comment_posts_and_edits_fast(member):
    paper = store_paper("2501.00001")
    browser = Client()
    browser.force_login(member)
    url = f"/papers/{paper.arxiv_id}/comments/"
    browser.get(f"/papers/{paper.arxiv_id}/")  # templates loaded before measuring
    # Unbounded, Python-Markdown took 2–3.5 s on this; a loaded CI machine gets slack.
    bounded(lambda: browser.post(url, {"body": MARKDOWN_BOMB}), seconds=1.5, megabytes=None)
    comment = Comment.objects.get()
    edit = f"/comments/{comment.pk}/edit/"
    response = bounded(
        lambda: browser.post(edit, {"body": MARKDOWN_BOMB + "x"}), seconds=1.5, megabytes=None
    )
    assert response.status_code == 302
