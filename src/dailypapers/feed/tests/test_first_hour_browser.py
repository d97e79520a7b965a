"""The first hour of a new instance, as issue 11 checks it: `make run` on the embedded
default with a sample file and no SMTP configured, then a newcomer in a real browser.

`dailypapers run` runs as a subprocess (its own process group, a scratch data folder and
SQLite database, none of the CI leg's PostgreSQL/Redis settings), so the web server, the
task worker that writes the outbox and the scheduler are the ones `make run` starts. The
newcomer signs up, confirms from the email file in the outbox, upvotes, comments, saves,
submits a paper (fetched from a local fake arXiv), finds For you and trending filled,
subscribes to the digest, confirms it from the outbox, and the operator previews it.
Screenshots of each step go under test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from dailypapers.feed.tests.browser_helpers import paper_item
from dailypapers.feed.tests.first_hour_helpers import (
    SAMPLE_DAYS,
    dailypapers,
    default_environment,
    running_site,
    sample_papers,
    wait_for_mail,
    write_sample,
)
from dailypapers.lib.tests.fake_arxiv import FakeArxiv
from dailypapers.testing import link_in
from dailypapers.testing.browser import Screenshots, chromium_missing_reason, chromium_page
from dailypapers.testing.factories import arxiv_answer_with_only
from dailypapers.testing.redis_server import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL, NAME, PASSWORD = "newcomer@example.org", "Nell Newcomer", "a-long-Passphrase-4711"
SUBMITTED_ID = "2503.01234"  # not in the sample: submitting it asks the fake arXiv
SOCKS = "Socks with a Single Drawer"  # the end of the title the fake arXiv answers with
LATEST = SAMPLE_DAYS[-1]
LATEST_LONG = f"{LATEST:%A} {LATEST.day} {LATEST:%B %Y}"  # "Friday 14 March 2025"
LATEST_HEADING = f"Papers of {LATEST:%A}, {LATEST.day} {LATEST:%B %Y}"
# A loaded 2-core machine runs migrations, gunicorn and the worker alongside the browser.
PAGE_TIMEOUT_MS = 30_000


@pytest.fixture
def patient_expect() -> Iterator[None]:
    from playwright.sync_api import expect

    expect.set_options(timeout=PAGE_TIMEOUT_MS)
    yield
    expect.set_options(timeout=5_000)  # Playwright's default, for the tests that follow


def test_a_newcomer_walks_the_first_hour_on_the_default_install_with_mail_in_the_outbox(
    tmp_path: Path, request, patient_expect
):
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import expect

    data_dir = tmp_path / "data"
    outbox = data_dir / "outbox"
    sample = write_sample(tmp_path / "sample")
    latest_titles = {p.title for p in sample_papers() if p.announced_on == LATEST}
    all_titles = {p.title for p in sample_papers()}
    # The papers of one category on the latest day: what the newcomer upvotes and saves.
    voted = next(p for p in sample_papers() if p.announced_on == LATEST and p.category == "cs.CL")

    with FakeArxiv() as arxiv:
        arxiv.add("/api/query", arxiv_answer_with_only(SUBMITTED_ID))
        env = default_environment(
            data_dir,
            ARXIV_API_URL=f"{arxiv.url}/api/query",
            # Port 9 refuses connections: run says it is offline and fetches no listings.
            ARXIV_RSS_URL="http://127.0.0.1:9/rss",
            ARXIV_OAI_URL="http://127.0.0.1:9/oai",
            ARXIV_REQUEST_INTERVAL="0",
        )
        with running_site(free_port(), sample, env, cwd=tmp_path) as site:
            start_output = site.output()
            assert "jsonl: 40 new, 0 updated, 0 unchanged, 0 skipped" in start_output
            assert "offline: arXiv is unreachable, serving the 40 papers stored" in start_output
            assert "mail: no SMTP configured, messages are kept in data/outbox/" in start_output
            assert f"dailypapers is running at {site.url}/" in start_output

            with chromium_page() as page:
                page.set_default_timeout(PAGE_TIMEOUT_MS)
                shots = Screenshots(page, request.node.name)
                base = site.url

                # The home page: the sample's latest day, however long ago that was.
                page.goto(base + "/")
                expect(page.locator("h1")).to_have_text(LATEST_HEADING)
                expect(page.locator("li.paper")).to_have_count(len(latest_titles))
                shots.take("home")

                # Sign up: the confirmation email is kept in the outbox by the worker.
                page.get_by_role("navigation", name="Account").get_by_role(
                    "link", name="Sign up"
                ).click()
                page.get_by_label("Email address").fill(EMAIL)
                page.get_by_label("Display name").fill(NAME)
                page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
                page.get_by_label(re.compile(r"^Password again:?$")).fill(PASSWORD)
                page.get_by_role("button", name="Create my account").click()
                expect(page.locator("h1")).to_have_text("Check your inbox")
                shots.take("signed-up")
                message = wait_for_mail(outbox, EMAIL, "Confirm your email address")
                verify_link = link_in(message, "/accounts/verify/")
                assert verify_link.startswith(base + "/"), "links name the address run printed"

                # The link opens a page whose button confirms; this browser is signed in.
                page.goto(verify_link)
                expect(page.locator("h1")).to_have_text("Confirm your email address")
                page.get_by_role("button", name="Confirm my email address").click()
                expect(page.locator("h1")).to_have_text("Email address confirmed")
                account = page.get_by_role("navigation", name="Account")
                expect(account.get_by_role("link", name=NAME)).to_be_visible()
                shots.take("email-confirmed")

                # Upvote on the home page: the count goes up in place.
                page.goto(base + "/")
                page.wait_for_function("() => window.htmx !== undefined")
                item = paper_item(page, voted.title)
                expect(item.locator(".vote-count")).to_have_text("0")
                item.get_by_role("button", name=re.compile(r"Upvote")).click()
                expect(item.locator(".vote-count")).to_have_text("1")
                expect(item.get_by_role("button", name=re.compile(r"Upvoted"))).to_have_attribute(
                    "aria-pressed", "true"
                )
                shots.take("upvoted")

                # Comment on the paper page, then save it to a new collection.
                item.get_by_role("link", name=voted.title).click()
                expect(page.locator("h1")).to_have_text(voted.title)
                expect(page.locator(".paper-page .actions .vote-count")).to_have_text("1")
                comments = page.locator("#comments")
                comments.get_by_label("Add a comment").fill("A **first** comment from the outbox.")
                comments.get_by_role("button", name="Post comment").click()
                expect(comments.locator(".comment-body strong")).to_have_text("first")
                expect(comments.locator(".comment-meta")).to_contain_text(NAME)
                expect(page.locator("#comments-heading")).to_have_text("Discussion (1)")
                picker = page.locator(".collection-picker")
                picker.get_by_label("Save to a new collection named").fill("First hour")
                picker.get_by_role("button", name="Save").click()
                saved = picker.locator(".in-collections").get_by_role("link", name="First hour")
                expect(saved).to_be_visible()
                shots.take("paper-commented-and-saved")
                saved.click()
                expect(page.locator("h1")).to_have_text("First hour")
                expect(page.get_by_role("link", name=voted.title)).to_be_visible()

                # Submit a paper the site does not hold: fetched from (fake) arXiv, it joins
                # the latest announcement day instead of starting a day of its own.
                page.get_by_role("navigation", name="Site").get_by_role(
                    "link", name="Submit"
                ).click()
                page.get_by_label("arXiv id or URL").fill(SUBMITTED_ID)
                page.get_by_role("button", name="Submit").click()
                expect(page).to_have_url(f"{base}/papers/{SUBMITTED_ID}/")
                expect(page.locator("h1")).to_contain_text(SOCKS)
                expect(page.locator(".messages")).to_contain_text(
                    f"is on the feed of {LATEST_LONG}"
                )
                assert [r.query["id_list"] for r in arxiv.requests_to("/api/query")] == [
                    SUBMITTED_ID
                ]
                shots.take("submitted")
                page.goto(base + "/")
                expect(page.locator("h1")).to_have_text(LATEST_HEADING)
                expect(page.locator("li.paper", has_text=SOCKS)).to_have_count(1)
                assert page.locator("li.paper").count() == len(latest_titles) + 1

                # For you and trending are full, the sample being months old by the clock.
                page.goto(base + "/for-you/")
                expect(page.locator("h1")).to_have_text("For you")
                for_you = _titles(page)
                assert len(for_you) >= 5, for_you
                assert all(t in all_titles or t.endswith(SOCKS) for t in for_you), for_you
                shots.take("for-you")
                page.goto(base + "/trending/")
                expect(page.locator("h1")).to_have_text("Trending")
                # The voted-on paper and the submission are scored; the quiet-site fallback
                # ranks the rest of the latest week, and the page says so.
                expect(page.locator("#trending-signal")).to_contain_text(
                    "Only 2 papers have votes or comments"
                )
                trending = _titles(page)
                assert len(trending) == len(all_titles) + 1, trending
                assert voted.title in trending
                shots.take("trending")

                # Subscribe from the footer; confirm from the outbox.
                footer = page.get_by_role("form", name="Email digest")
                footer.get_by_label("Email").fill(EMAIL)
                footer.get_by_label("How often").select_option("daily")
                footer.get_by_label("What").select_option("trending")
                footer.get_by_role("button", name="Subscribe").click()
                expect(page.locator("h1")).to_have_text("Check your inbox")
                message = wait_for_mail(outbox, EMAIL, "digest")
                page.goto(link_in(message, "/digests/confirm/"))
                expect(page.locator("h1")).to_have_text("Confirm your digest")
                page.get_by_role("button", name="Yes, send me the digest").click()
                expect(page.locator("h1")).to_have_text("Digest preferences")
                expect(page.locator("main")).to_contain_text("Next digest due around")
                shots.take("digest-confirmed")

            # The operator previews the digest against the same database and data folder.
            preview = dailypapers("digest", "preview", EMAIL, env=env, cwd=tmp_path)
            assert f"{EMAIL}: daily, trending, receives mail" in preview, preview
            assert "Subject:" in preview, preview
            previewed = [title for title in all_titles if title in preview]
            assert len(previewed) >= 5, preview
            assert voted.title in preview, preview

        exit_code = site.stop()
    output = site.output()
    assert exit_code == 0, output
    assert output.rstrip().endswith("stopped"), output[-2000:]
    assert site.left_running == [], "run stopped its web server, worker and scheduler"
    assert "Traceback" not in output, output
    # The embedded default ran, whatever the test run's own environment says: SQLite and
    # the file cache under the data folder.
    assert (data_dir / "dailypapers.sqlite3").is_file()
    assert (data_dir / "cache").is_dir()


def _titles(page) -> list[str]:
    return page.locator("li.paper .title a").all_inner_texts()
