"""Refused requests answer pages in the site's layout: a failed CSRF check, a bad request,
an address too long, a forbidden page, a missing one; in a browser on a phone and a desktop,
light and dark."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from dailypapers.accounts.models import User
from dailypapers.core.middleware import MAX_URI_LENGTH
from dailypapers.urls import urlpatterns as site_patterns


def refuse(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("odd input")


urlpatterns = [path("refused/", refuse), path("suspicious/", suspicious), *site_patterns]
handler400 = "dailypapers.core.errors.bad_request"

LAYOUT = ('<header class="site">', "/static/feed/site.css", 'class="brand"')


def in_site_layout(html: str) -> bool:
    return all(part in html for part in LAYOUT)


@pytest.mark.django_db
def test_a_form_posted_without_its_csrf_token_gets_the_sites_page_saying_what_to_do():
    member = User.objects.create_user("ada@example.org", "pw-12345-long", display_name="Ada")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    response = browser.post("/accounts/logout/")
    html = response.content.decode()
    assert response.status_code == 403
    assert in_site_layout(html)
    assert "The form has expired" in html and "reload the page" in html


@pytest.mark.django_db
def test_an_address_too_long_is_a_414_in_the_sites_layout(client):
    response = client.get("/search/?q=" + "a" * MAX_URI_LENGTH)
    html = response.content.decode()
    assert response.status_code == 414
    assert in_site_layout(html) and "This address is too long" in html


@pytest.mark.django_db
def test_an_api_address_too_long_is_a_414_in_the_apis_json_error_format(client):
    response = client.get("/api/v1/papers?q=" + "a" * MAX_URI_LENGTH)
    assert response.status_code == 414
    assert response.json()["error"]["code"] == "uri_too_long"


@pytest.mark.django_db
def test_an_address_just_under_the_limit_is_answered_as_usual(client):
    query = "/search/?q=" + "a" * 400
    assert client.get(query).status_code == 200


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_bad_requests_and_forbidden_pages_use_the_sites_layout_and_its_name(client, settings):
    settings.DEBUG = False
    bad = client.get("/suspicious/")
    forbidden = client.get("/refused/")
    missing = client.get("/no-such-page/")
    assert (bad.status_code, forbidden.status_code, missing.status_code) == (400, 403, 404)
    for response in (bad, forbidden, missing):
        html = response.content.decode()
        assert in_site_layout(html), response.status_code
        assert f">{settings.SITE_NAME}</a>" in html, "the header names the site"


BROWSER_PAGES = {"csrf": "The form has expired", "414": "This address is too long"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_csrf_and_414_pages_fit_phones_and_desktops_in_both_schemes(browser_page, live_server):
    page, shots = browser_page
    User.objects.create_user(
        "ada@example.org",
        "pw-12345-long",
        display_name="Ada",
        email_verified_at="2025-01-01T00:00Z",
    )
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            # A form whose CSRF cookie is gone: the page the member sees after posting it.
            page.context.clear_cookies()
            page.goto(live_server.url + "/accounts/login/")
            page.context.clear_cookies()
            page.get_by_label("Email address").fill("ada@example.org")
            page.get_by_label("Password").fill("pw-12345-long")
            page.get_by_role("button", name="Log in").click()
            shown = {"csrf": page.locator("h1").inner_text()}
            shots.take(f"csrf-{width}px-{scheme}")
            assert_fits(page, width, scheme)
            page.goto(live_server.url + "/search/?q=" + "a" * (MAX_URI_LENGTH + 10))
            shown["414"] = page.locator("h1").inner_text()
            shots.take(f"414-{width}px-{scheme}")
            assert_fits(page, width, scheme)
            assert shown == BROWSER_PAGES


def assert_fits(page, width: int, scheme: str) -> None:
    scroll = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert scroll <= width, f"{page.url[:60]} scrolls sideways at {width}px ({scheme})"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    expected = "rgb(253, 253, 252)" if scheme == "light" else "rgb(20, 22, 25)"
    assert background == expected, "the site's stylesheet and colour scheme apply"
