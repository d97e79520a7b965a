"""Debian's chromium driven by Playwright, for tests that use the site as a person would."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts")) / "screenshots"


def chromium_missing_reason() -> str | None:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run does this)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


class Screenshots:
    """Saves numbered screenshots of one test under test-artifacts/screenshots/."""

    def __init__(self, page, test_name: str) -> None:
        self.page = page
        self.prefix = re.sub(r"[^A-Za-z0-9_.-]+", "-", test_name)[:80]
        self.count = 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(self, step: str) -> Path:
        self.count += 1
        path = ARTIFACTS / f"{self.prefix}-{self.count:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@contextmanager
def chromium_page(*, width: int = 1280, height: int = 900) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.set_default_timeout(10_000)
            yield page
        finally:
            browser.close()


def log_in(page, base_url: str, email: str, password: str) -> None:
    """Sign in through the login form and wait until the page says so."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("navigation", name="Account").get_by_role("button", name="Log out").wait_for()


@contextmanager
def page_without_javascript(
    page, shots: Screenshots | None = None, *, width: int = 1280, height: int = 900
) -> Iterator[object]:
    """A page of the same browser with JavaScript off: what the site must work without.

    Screenshots taken meanwhile come from it.
    """
    context = page.context.browser.new_context(
        java_script_enabled=False, viewport={"width": width, "height": height}
    )
    try:
        plain = context.new_page()
        plain.set_default_timeout(10_000)
        if shots is not None:
            shots.page = plain
        yield plain
    finally:
        if shots is not None:
            shots.page = page
        context.close()
