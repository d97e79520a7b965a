"""Journeys through the site in a real browser, asserting what a person sees.

Each test drives Debian's chromium (through Playwright) against the live test server,
with real mail (an SMTP sink on loopback) and a scripted arXiv where a journey needs them.
Every step leaves a screenshot under test-artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from django.utils.dateformat import format as format_date

from dailypapers.feed.models import Collection, Comment, Submission, Vote
from dailypapers.feed.tests.browser_helpers import (
    ATTENTION,
    GRAPHS,
    PASSWORD,
    SOCKS,
    SPARSE,
    member,
    paper_item,
    seed_papers,
)
from dailypapers.papers.models import Paper
from dailypapers.testing import link_in
from dailypapers.testing.browser import log_in, page_without_javascript
from dailypapers.testing.factories import arxiv_answer_with_only

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_reader_pages_between_days_and_opens_a_paper_with_its_links_and_bibtex(
    browser_page, live_server
):
    from playwright.sync_api import expect

    page, shots = browser_page
    seed_papers()

    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_have_text("Papers of Wednesday, 8 January 2025")
    expect(page.get_by_role("link", name=ATTENTION)).to_be_visible()
    expect(page.get_by_role("link", name=GRAPHS)).to_have_count(0)
    expect(page.locator(".count")).to_have_text("2 papers")
    shots.take("home-latest-day")

    page.get_by_role("link", name="Previous day: Tue 7 Jan 2025").click()
    expect(page).to_have_url(re.compile(r"/day/2025-0?1-0?7/$"))
    expect(page.locator("h1")).to_have_text("Papers of Tuesday, 7 January 2025")
    expect(page.get_by_role("link", name=GRAPHS)).to_be_visible()
    expect(page.get_by_role("link", name=ATTENTION)).to_have_count(0)
    shots.take("previous-day")

    page.get_by_role("link", name="Previous day: Mon 6 Jan 2025").click()
    expect(page.locator("h1")).to_have_text("Papers of Monday, 6 January 2025")
    expect(page.get_by_role("link", name="Benchmarks of Monday")).to_be_visible()
    expect(page.locator("a[rel=prev]")).to_have_count(0)  # nothing older to go to

    page.get_by_role("link", name="Next day: Tue 7 Jan 2025").click()
    page.get_by_role("link", name="Next day: Wed 8 Jan 2025").click()
    expect(page).to_have_url(re.compile(r"/day/2025-0?1-0?8/$"))
    expect(page.get_by_role("link", name=ATTENTION)).to_be_visible()
    expect(page.locator("a[rel=next]")).to_have_count(0)  # the latest day

    page.get_by_role("link", name=ATTENTION).click()
    expect(page).to_have_url(f"{live_server.url}/papers/2501.00030/")
    expect(page.locator("h1")).to_have_text(ATTENTION)
    authors = page.locator(".paper-page header .authors")
    expect(authors).to_contain_text("Ada Lovelace, Émilie du Châtelet, Srinivasa Ramanujan")
    expect(authors.get_by_role("link", name="Mary Somerville")).to_be_visible()
    abstract_link = page.locator(".paper-page .actions").get_by_role(
        "link", name="arXiv abstract page"
    )
    expect(abstract_link).to_have_attribute("href", "https://arxiv.org/abs/2501.00030")
    pdf_link = page.locator(".paper-page .actions").get_by_role("link", name="PDF", exact=True)
    expect(pdf_link).to_have_attribute("href", re.compile(r"^https://arxiv\.org/pdf/2501\.00030"))
    bibtex = page.locator("pre.bibtex")
    expect(bibtex).to_be_visible()
    expect(bibtex).to_contain_text("eprint")
    expect(bibtex).to_contain_text("2501.00030")
    expect(bibtex).to_contain_text(ATTENTION)
    bibtex.scroll_into_view_if_needed()
    shots.take("paper-page")


def test_a_new_member_signs_up_confirms_by_email_then_votes_comments_and_collects(
    browser_page, live_server, smtp_sink, settings
):
    from playwright.sync_api import expect

    page, shots = browser_page
    settings.SITE_URL = live_server.url  # the links in emails point at this server
    # The queued confirmation email is sent when the request commits, as a worker would.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    seed_papers()

    # Sign up through the form.
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign up").click()
    expect(page.locator("h1")).to_have_text("Sign up")
    page.get_by_label("Email address").fill("ada@example.org")
    page.get_by_label("Display name").fill("Ada L.")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password again:?$")).fill(PASSWORD)
    shots.take("signup-form")
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator("h1")).to_have_text("Check your inbox")
    shots.take("check-your-inbox")

    # The confirmation email arrives; its link works in the browser.
    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "ada@example.org"
    verify_link = link_in(message, "/accounts/verify/")
    assert verify_link.startswith(live_server.url)
    page.goto(verify_link)
    page.get_by_role("button", name="Confirm my email address").click()  # GET only asks
    expect(page.locator("h1")).to_have_text("Email address confirmed")
    shots.take("email-confirmed")
    account_nav = page.get_by_role("navigation", name="Account")
    if account_nav.get_by_role("link", name="Log in").count():  # signing up may not log in
        log_in(page, live_server.url, "ada@example.org", PASSWORD)
    expect(account_nav.get_by_role("link", name="Ada L.")).to_be_visible()

    # An upvote on the home page changes the count in place: no reload, no navigation.
    page.goto(live_server.url + "/")
    page.wait_for_function("() => window.htmx !== undefined")
    item = paper_item(page, ATTENTION)
    button = item.get_by_role("button", name=re.compile(r"Upvote"))
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(item.locator(".vote-count")).to_have_text("0")
    shots.take("home-before-upvote")
    navigations: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: navigations.append(frame.url) if frame == page.main_frame else None,
    )
    page.evaluate("() => { window.__marker = 1; }")
    button.click()
    expect(item.locator(".vote-count")).to_have_text("1")
    expect(item.get_by_role("button", name=re.compile(r"Upvoted"))).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate("() => window.__marker") == 1, "the page was reloaded"
    assert navigations == []
    assert page.url == live_server.url + "/"
    assert Vote.objects.filter(user__email="ada@example.org", paper__arxiv_id="2501.00030").exists()
    page.mouse.move(0, 0)  # the screenshot shows the voted state, not the hover state
    shots.take("home-after-upvote")

    # A comment on the paper page; its Markdown shows as formatting.
    item.get_by_role("link", name=ATTENTION).click()
    expect(page.locator("h1")).to_have_text(ATTENTION)
    expect(page.locator(".paper-page .actions .vote-count")).to_have_text("1")
    page.wait_for_function("() => window.htmx !== undefined")
    navigations.clear()
    comments = page.locator("#comments")
    expect(comments.get_by_text("No comments yet.")).to_be_visible()
    comments.get_by_label("Add a comment").fill("This is **really** neat, and `O(n)` too.")
    comments.get_by_role("button", name="Post comment").click()
    body = page.locator("#comments .comment-body")
    expect(body.locator("strong")).to_have_text("really")
    expect(body.locator("code")).to_have_text("O(n)")
    expect(body).not_to_contain_text("**")
    expect(page.locator("#comments .comment-meta")).to_contain_text("Ada L.")
    expect(page.locator("#comments .comment-meta time")).to_have_text("now")
    expect(page.locator("#comments-heading")).to_have_text("Discussion (1)")
    expect(page.locator(".paper-page .actions .comments-link")).to_have_text("1 comment")
    assert Comment.objects.get().body == "This is **really** neat, and `O(n)` too."
    page.locator("#comments").scroll_into_view_if_needed()
    shots.take("comment-posted")

    # Save the paper to a new collection through the picker.
    picker = page.locator(".collection-picker")
    picker.get_by_label("Save to a new collection named").fill("Reading list")
    picker.get_by_role("button", name="Save").click()
    saved = page.locator(".collection-picker .in-collections")
    expect(saved.get_by_role("link", name="Reading list")).to_be_visible()
    picker.scroll_into_view_if_needed()
    shots.take("saved-to-collection")
    assert navigations == [], "commenting and saving happened in place"

    saved.get_by_role("link", name="Reading list").click()
    expect(page.locator("h1")).to_have_text("Reading list")
    expect(page.get_by_role("link", name=ATTENTION)).to_be_visible()
    expect(page.locator("main .meta").first).to_contain_text("1 paper")
    assert Collection.objects.get().items.get().paper.arxiv_id == "2501.00030"
    shots.take("collection-page")


def test_without_javascript_an_upvote_posts_a_form_and_comes_back_with_the_new_count(
    browser_page, live_server
):
    from playwright.sync_api import expect

    page, shots = browser_page
    seed_papers()
    member()
    with page_without_javascript(page, shots) as plain:
        log_in(plain, live_server.url, "grace@example.org", PASSWORD)
        plain.goto(live_server.url + "/")
        item = paper_item(plain, SPARSE)
        expect(item.locator(".vote-count")).to_have_text("0")
        with plain.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith("/papers/2501.00040/vote/")
        ) as posted:
            item.get_by_role("button", name=re.compile(r"Upvote")).click()
        assert posted.value.status == 302
        plain.wait_for_load_state()
        expect(plain).to_have_url(live_server.url + "/")
        item = paper_item(plain, SPARSE)
        expect(item.locator(".vote-count")).to_have_text("1")
        expect(item.get_by_role("button", name=re.compile(r"Upvoted"))).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(paper_item(plain, ATTENTION).locator(".vote-count")).to_have_text("0")
        shots.take("upvoted-without-javascript")

        # The same button takes the vote back.
        item.get_by_role("button", name=re.compile(r"Upvoted")).click()
        expect(paper_item(plain, SPARSE).locator(".vote-count")).to_have_text("0")
        assert not Vote.objects.exists()


def test_a_member_submits_a_paper_arxiv_is_asked_for_and_it_joins_todays_feed(
    browser_page, live_server, fake_arxiv
):
    from playwright.sync_api import expect

    page, shots = browser_page
    seed_papers()
    # A submission joins the newest announcement day: it never starts a day of its own.
    latest = Paper.objects.order_by("-announced_on").values_list("announced_on", flat=True)[0]
    member(name="Grace Hopper")
    fake_arxiv.add("/api/query", arxiv_answer_with_only("2503.01234"))
    assert not Paper.objects.filter(arxiv_id="2503.01234").exists()

    log_in(page, live_server.url, "grace@example.org", PASSWORD)
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Submit").click()
    expect(page.locator("h1")).to_have_text("Submit a paper")
    page.get_by_label("arXiv id or URL").fill("https://arxiv.org/abs/2503.01234v2")
    shots.take("submit-form")
    page.get_by_role("button", name="Submit").click()

    expect(page).to_have_url(f"{live_server.url}/papers/2503.01234/")
    expect(page.locator("h1")).to_contain_text(SOCKS)
    expect(page.locator(".messages")).to_contain_text(
        f"is on the feed of {format_date(latest, 'l j F Y')}"
    )
    expect(page.locator("p.submitted")).to_contain_text("by Grace Hopper")
    [request] = fake_arxiv.requests_to("/api/query")
    assert request.query["id_list"] == "2503.01234"
    shots.take("submitted-paper-page")

    page.get_by_role("navigation", name="Site").get_by_role("link", name="Latest").click()
    expect(page.locator("h1")).to_have_text(f"Papers of {format_date(latest, 'l, j F Y')}")
    item = page.locator("li.paper", has_text=SOCKS)
    expect(item.locator(".submitted")).to_have_text("submitted by Grace Hopper")
    expect(item.locator(".submitted").get_by_role("link", name="Grace Hopper")).to_be_visible()
    assert page.locator("li.paper").count() > 1  # the day's announced papers are still there
    assert Submission.objects.get().feed_day == latest
    shots.take("todays-feed-with-submission")
