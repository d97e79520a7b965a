"""Layout in a real browser: the first paper above the fold, a one-line header for members
at 1280 px, and no sideways scrolling on a phone (search, For you) in either scheme."""

from __future__ import annotations

import pytest

from dailypapers.feed.tests.browser_helpers import ATTENTION, PASSWORD, member, seed_papers
from dailypapers.testing.browser import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

LONG_NAME = "Maximiliana Theodora Featherstonehaugh-Wolfeschlegel"


def scroll_width(page) -> int:
    return page.evaluate("() => document.scrollingElement.scrollWidth")


def test_at_1280_by_900_the_first_paper_of_the_home_page_starts_above_the_fold(
    browser_page, live_server
):
    page, shots = browser_page
    seed_papers()
    member()
    for signed_in in (False, True):
        if signed_in:
            log_in(page, live_server.url, "grace@example.org", PASSWORD)
        page.goto(live_server.url + "/")
        first = page.locator("ol.papers > li.paper").first
        title = first.locator(".title a")
        assert title.inner_text() == ATTENTION
        box, vote = title.bounding_box(), first.locator(".vote-box").bounding_box()
        assert box["y"] + box["height"] < 900 / 2, (
            f"title at {box['y']:.0f}px (signed in: {signed_in})"
        )
        assert vote["x"] + vote["width"] <= box["x"], "the vote box sits left of the title"
        shots.take(f"home-1280-{'member' if signed_in else 'visitor'}")


def test_a_signed_in_members_header_stays_on_one_line_at_1280_px(browser_page, live_server):
    page, shots = browser_page
    seed_papers()
    member(name=LONG_NAME)
    log_in(page, live_server.url, "grace@example.org", PASSWORD)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(live_server.url + "/for-you/")
        shots.take(f"header-1280-{scheme}")
        tops = page.evaluate(
            "() => [...document.querySelectorAll('header.site .brand, header.site nav li')]"
            ".map(el => Math.round(el.getBoundingClientRect().top))"
        )
        assert len(tops) >= 11 and max(tops) - min(tops) <= 8, f"header wraps: tops {tops}"
        assert scroll_width(page) <= 1280
        header = page.locator("header.site").bounding_box()
        last = page.locator("header.site nav.account li").last.bounding_box()
        assert last["x"] + last["width"] <= header["x"] + header["width"], "Log out inside"


def test_on_a_phone_search_and_for_you_fit_the_screen_in_light_and_dark(browser_page, live_server):
    page, shots = browser_page
    seed_papers()
    member()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "grace@example.org", PASSWORD)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for path, name in (("/search/?q=attention", "search"), ("/for-you/", "for-you")):
            page.goto(live_server.url + path)
            shots.take(f"{name}-390px-{scheme}")
            width = scroll_width(page)
            assert width <= 390, f"{path} scrolls sideways in {scheme} mode ({width}px wide)"
    page.goto(live_server.url + "/search/")
    box = page.locator("#q").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, "the search box fits"
