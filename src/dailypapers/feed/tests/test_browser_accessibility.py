"""Keyboard focus, contrast and phone layout of the home page, in a real browser.

Debian's chromium (through Playwright) against the live test server; every step leaves a
screenshot under test-artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest

from dailypapers.feed.tests.browser_helpers import (
    ATTENTION,
    PASSWORD,
    member,
    paper_item,
    seed_papers,
)
from dailypapers.testing.browser import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName, text: el.textContent.trim(), cls: el.closest('[class]')?.className || '',
    outline: style.outlineStyle, width: parseFloat(style.outlineWidth) || 0,
    color: style.outlineColor, visible: el.matches(':focus-visible'),
  };
}"""


def test_keyboard_users_tab_to_the_first_paper_and_its_vote_button_and_see_where_they_are(
    browser_page, live_server
):
    from playwright.sync_api import expect

    page, shots = browser_page
    seed_papers()
    member()
    log_in(page, live_server.url, "grace@example.org", PASSWORD)
    page.goto(live_server.url + "/")
    first_title = page.locator("ol.papers li.paper .title a").first
    expect(first_title).to_have_text(ATTENTION)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # the skip link shows itself when focused

    def tab_until(target, limit: int = 60) -> int:
        for presses in range(1, limit + 1):
            page.keyboard.press("Tab")
            if target.evaluate("el => el === document.activeElement"):
                return presses
        raise AssertionError(f"{limit} presses of Tab never reached {target}")

    tab_until(first_title)
    focus = page.evaluate(FOCUSED)
    assert focus["text"] == ATTENTION and focus["visible"]
    assert focus["outline"] != "none" and focus["width"] >= 2, focus
    shots.take("focus-on-first-paper")

    # After the title come the paper's category links, then its vote button.
    vote = paper_item(page, ATTENTION).get_by_role("button", name=re.compile("Upvote"))
    presses = tab_until(vote, limit=10)
    assert presses == 4, "cs.LG, cs.CL and stat.ML, then the vote button"
    focus = page.evaluate(FOCUSED)
    assert focus["tag"] == "BUTTON" and focus["visible"]
    assert focus["outline"] != "none" and focus["width"] >= 2, focus
    shots.take("focus-on-vote-button")

    # Enter on the focused button votes, and focus stays on the (new) button.
    page.wait_for_function("() => window.htmx !== undefined")
    page.keyboard.press("Enter")
    expect(paper_item(page, ATTENTION).locator(".vote-count")).to_have_text("1")


# A paper card's text, and community controls, must stay readable in both colour schemes.
CONTRAST = """(selectors) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.99)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const sel of selectors) {
    for (const el of document.querySelectorAll(sel)) {
      const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      out.push({sel, ratio: Math.round(ratio * 100) / 100});
    }
  }
  return out;
}"""
CHECKED = [
    "li.paper .title a",
    "li.paper .authors",
    "li.paper .meta",
    "form.vote button",
    ".comments-link",
    ".cat",
    ".filters label",
    "header.site a",
]


def test_on_a_phone_the_home_page_fits_the_screen_in_light_and_dark_schemes(
    browser_page, live_server
):
    page, shots = browser_page
    seed_papers()
    member()
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, live_server.url, "grace@example.org", PASSWORD)
    backgrounds = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for path, name in (("/", "home"), ("/papers/2501.00030/", "paper")):
            page.goto(live_server.url + path)
            shots.take(f"{name}-375px-{scheme}")
            width = page.evaluate("() => document.scrollingElement.scrollWidth")
            assert width <= 375, f"{path} scrolls sideways in {scheme} mode ({width}px wide)"
            ratios = page.evaluate(CONTRAST, CHECKED)
            weak = [r for r in ratios if r["ratio"] < 4.5]
            assert ratios and not weak, f"low contrast in {scheme} mode on {path}: {weak}"
        backgrounds[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert backgrounds["light"] != backgrounds["dark"], "the dark scheme was applied"
