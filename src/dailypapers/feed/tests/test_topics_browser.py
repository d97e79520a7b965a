"""Following a topic in a real browser: with htmx (no reload) and without JavaScript."""

from __future__ import annotations

import pytest

from dailypapers.feed.models import TopicFollow
from dailypapers.testing.browser import log_in, page_without_javascript
from dailypapers.testing.factories import PASSWORD, make_topic, make_user, store_titled_paper

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def seed() -> None:
    store_titled_paper("2503.00001", "Graph networks for molecules")
    make_topic("Graphs", query="graph", description="Learning on graphs.")
    make_user()


def test_with_htmx_following_swaps_the_button_without_leaving_the_page(browser_page, live_server):
    from playwright.sync_api import expect

    page, shots = browser_page
    seed()
    log_in(page, live_server.url, "ada@example.org", PASSWORD)
    page.goto(live_server.url + "/topics/graphs/")
    expect(page.get_by_role("link", name="Graph networks for molecules")).to_be_visible()
    page.evaluate("window.notReloaded = true")
    expect(page.locator(".follow-box .followers")).to_have_text("0 followers")
    page.get_by_role("button", name="Follow").click()
    following = page.get_by_role("button", name="Following")
    expect(following).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".follow-box .followers")).to_have_text("1 follower")
    assert page.evaluate("window.notReloaded") is True  # htmx swapped it in place
    assert TopicFollow.objects.filter(topic__slug="graphs").count() == 1
    shots.take("following-with-htmx")
    following.click()
    expect(page.get_by_role("button", name="Follow")).to_have_attribute("aria-pressed", "false")
    assert not TopicFollow.objects.exists()


def test_without_javascript_following_posts_a_form_and_comes_back(browser_page, live_server):
    from playwright.sync_api import expect

    page, shots = browser_page
    seed()
    with page_without_javascript(page, shots) as plain:
        log_in(plain, live_server.url, "ada@example.org", PASSWORD)
        plain.goto(live_server.url + "/topics/")
        with plain.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith("/topics/graphs/follow/")
        ) as posted:
            plain.get_by_role("button", name="Follow").click()
        assert posted.value.status == 302
        plain.wait_for_load_state()
        expect(plain).to_have_url(live_server.url + "/topics/")
        expect(plain.get_by_text("1 follower")).to_be_visible()
        expect(plain.get_by_role("button", name="Following")).to_be_visible()
        shots.take("following-without-javascript")
        plain.get_by_role("button", name="Following").click()
        expect(plain.get_by_text("0 followers")).to_be_visible()
        assert not TopicFollow.objects.exists()
