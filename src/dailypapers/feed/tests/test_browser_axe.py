"""axe-core (vendored under testing/vendor, MPL-2.0) finds no accessibility violations on
the main pages, in the light and dark schemes, at 1280 px and on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest

from dailypapers.feed.tests.browser_helpers import PASSWORD, member, seed_papers
from dailypapers.testing.browser import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

AXE = Path(__file__).resolve().parents[2] / "testing" / "vendor" / "axe-4.14.1.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document);
  return {
    passed: result.passes.length,
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary),
    })),
  };
}"""
PAGES = ["/", "/papers/2501.00030/", "/search/?q=attention", "/for-you/", "/trending/"]


def violations(page) -> list[dict]:
    # Evaluated over DevTools, not added as a <script>: the site's CSP stays as it is.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(RUN_AXE)
    assert result["passed"] > 10, "axe ran its rules on the page"
    return result["violations"]


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_violations_on_the_main_pages_in_either_scheme(
    browser_page, live_server, width
):
    page, shots = browser_page
    seed_papers()
    member()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server.url, "grace@example.org", PASSWORD)
    found = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for path in PAGES:
            page.goto(live_server.url + path)
            problems = violations(page)
            if problems:
                shots.take(f"axe-{width}-{scheme}")
                found[f"{path} {scheme}"] = problems
    # Signed out: the vote box shows a log-in link instead of a button.
    page.context.clear_cookies()
    page.emulate_media(color_scheme="light")
    page.goto(live_server.url + "/")
    if problems := violations(page):
        found["/ signed out"] = problems
    assert found == {}
