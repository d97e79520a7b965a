"""A real browser loads the site: pages render with our CSS and send no request elsewhere."""

from __future__ import annotations

from datetime import date

import pytest

from dailypapers.lib.records import PaperRecord
from dailypapers.papers.ingest.pipeline import IngestReport, ingest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_home_renders_in_chromium_without_any_request_leaving_the_site(browser_page, live_server):
    page, shots = browser_page
    ingest(
        [
            PaperRecord(
                arxiv_id="2501.00001",
                title="Seeing papers in a browser",
                abstract="A test abstract.",
                authors=["Ada Lovelace"],
                categories=["cs.LG"],
                announced_on=date(2025, 1, 6),
            )
        ],
        IngestReport(source="test"),
    )
    requested: list[str] = []
    page.on("request", lambda req: requested.append(req.url))
    page.goto(live_server.url + "/")
    assert page.locator("h1").first.inner_text().startswith("Papers of")
    assert page.get_by_role("link", name="Seeing papers in a browser").is_visible()
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgba(0, 0, 0, 0)", "the site's stylesheet was applied"
    shots.take("home")
    outside = [url for url in requested if not url.startswith(live_server.url)]
    assert outside == []
