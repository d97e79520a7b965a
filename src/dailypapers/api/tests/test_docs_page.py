"""/api/docs: the interactive API documentation is usable on a phone and a desktop, served
from the app (no CDN) under the site's CSP."""

from __future__ import annotations

import pytest

from dailypapers.testing.browser import ARTIFACTS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize(("width", "height", "mobile"), [(390, 844, True), (1280, 900, False)])
def test_the_api_docs_fit_the_screen_and_load_nothing_from_elsewhere(
    browser_page, live_server, width, height, mobile
):
    page, _ = browser_page
    # A phone's browser lays a page without a viewport tag out 980 px wide and shrinks it.
    context = page.context.browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=mobile, has_touch=mobile
    )
    phone = context.new_page()
    requested: list[str] = []
    phone.on("request", lambda request: requested.append(request.url))
    try:
        phone.goto(live_server.url + "/api/docs")
        phone.locator(".opblock").first.wait_for()
        phone.locator(".opblock-summary").first.click()  # an open operation: the widest part
        phone.locator(".opblock-body .parameters").first.wait_for()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / f"api-docs-{width}px.png"))
        layout_width = phone.evaluate("() => window.innerWidth")
        scroll = phone.evaluate("() => document.scrollingElement.scrollWidth")
        assert layout_width == width, "laid out at the screen's width (a viewport meta tag)"
        assert scroll <= width, f"/api/docs scrolls sideways at {width}px ({scroll}px wide)"
        assert phone.get_by_role("link", name="Back to the site").is_visible()
    finally:
        context.close()
    assert [url for url in requested if not url.startswith(live_server.url)] == []
