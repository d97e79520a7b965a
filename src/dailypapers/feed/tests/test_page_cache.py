"""Feed pages are cached for signed-out visitors, never for members."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from dailypapers.accounts.models import User
from dailypapers.core.pagecache import cache_for_anonymous
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import store_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper() -> Paper:
    store_paper("2501.00001", date(2025, 1, 6), title="Before")
    Paper.objects.filter(arxiv_id="2501.00001").update(trending_score=1.0)
    return Paper.objects.get(arxiv_id="2501.00001")


def retitle(paper: Paper, title: str) -> None:
    Paper.objects.filter(pk=paper.pk).update(title=title)


@pytest.mark.parametrize(
    "url", ["/", "/day/2025-01-06/", "/week/2025-W02/", "/month/2025-01/", "/trending/"]
)
def test_a_second_signed_out_request_is_served_from_the_cache(client, paper, url):
    assert "Before" in client.get(url).content.decode()
    retitle(paper, "After")
    again = client.get(url)
    assert "Before" in again.content.decode() and "After" not in again.content.decode()
    assert again["X-Page-Cache"] == "hit"


def test_a_signed_in_member_sees_a_change_at_once(client, paper):
    client.get("/")  # fills the cache for signed-out visitors
    retitle(paper, "After")
    client.force_login(User.objects.create_user("ada@example.org", "pw-12345-long"))
    response = client.get("/")
    assert "After" in response.content.decode()
    assert "X-Page-Cache" not in response


def test_a_members_page_is_never_stored_for_signed_out_visitors(client, paper):
    member = User.objects.create_user("ada@example.org", "pw-12345-long", display_name="Ada")
    client.force_login(member)
    client.get("/")
    client.logout()
    retitle(paper, "After")
    body = client.get("/").content.decode()
    assert "After" in body and ">Ada</a>" not in body


def test_each_query_string_is_its_own_cached_page(client, paper):
    client.get("/?sort=newest")
    retitle(paper, "After")
    assert "Before" in client.get("/?sort=newest").content.decode()
    assert "After" in client.get("/?sort=trending").content.decode()


def test_signed_out_feed_pages_set_no_cookie_and_carry_no_csrf_token(client, paper):
    response = client.get("/")
    body = response.content.decode()
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in body and "X-CSRFToken" not in body


def test_members_get_the_csrf_token_for_htmx_on_the_body(client, paper):
    client.force_login(User.objects.create_user("ada@example.org", "pw-12345-long"))
    body = client.get("/").content.decode()
    assert '<body hx-headers=\'{"X-CSRFToken": "' in body


def test_a_zero_lifetime_turns_the_cache_off(client, paper, settings):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 0
    client.get("/")
    retitle(paper, "After")
    assert "After" in client.get("/").content.decode()


def test_the_paper_page_is_not_cached(client, paper):
    client.get("/papers/2501.00001/")
    retitle(paper, "After")
    assert "After" in client.get("/papers/2501.00001/").content.decode()


def _anonymous_get(path: str = "/x/") -> HttpRequest:
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def test_a_response_that_used_a_csrf_token_is_not_stored():
    calls = []

    @cache_for_anonymous
    def view(request: HttpRequest) -> HttpResponse:
        calls.append(1)
        return HttpResponse(f"token {get_token(request)}")

    view(_anonymous_get())
    view(_anonymous_get())
    assert len(calls) == 2


def _sets_a_cookie(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("hello")
    response.set_cookie("seen", "1")
    return response


def _fails(request: HttpRequest) -> HttpResponse:
    return HttpResponse("try later", status=503)


@pytest.mark.parametrize("respond", [_sets_a_cookie, _fails])
def test_a_response_that_sets_a_cookie_or_is_not_a_success_is_not_stored(respond):
    calls = []

    @cache_for_anonymous
    def view(request: HttpRequest) -> HttpResponse:
        calls.append(1)
        return respond(request)

    view(_anonymous_get())
    view(_anonymous_get())
    assert len(calls) == 2
