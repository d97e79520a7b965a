"""Screenshots of the site for docs/screenshots/: home, a paper page, search and For you,
each in the light and dark schemes at 1280×900 and on a phone (390 px, light).

Usage: .venv/bin/python bench/screenshots.py [--out docs/screenshots]

Builds a scratch SQLite store in a temporary folder from a few made-up papers (no real
abstracts), a member with votes, comments and a submission, serves the app on a free
loopback port and captures each page with Debian's chromium through Playwright. Only the
visible window is captured (what a visitor sees first), which keeps each PNG small.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from datetime import date, timedelta
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "screenshots-only-password"

# (arxiv id, title, authors, categories, code link, abstract)
PAPERS = [
    (
        "2612.00101",
        "Sparse Mixtures of Tiny Experts for On-Device Language Models",
        ["Ada Quill", "Bram Okafor", "Chen Liwei", "Dana Petrova", "Emil Sørensen"],
        ["cs.CL", "cs.LG"],
        "https://github.com/example/tiny-experts",
        "We route each token to two of sixty-four tiny experts and show that a phone-sized "
        "model keeps most of the quality of a dense model four times its size. A routing "
        "cache removes the router's cost at decoding time.",
    ),
    (
        "2612.00102",
        "Diffusion Policies That Learn From Their Own Mistakes",
        ["Farah Nasser", "Gustav Lind"],
        ["cs.RO", "cs.LG"],
        "",
        "A robot arm that replays its failed grasps as negative examples learns a diffusion "
        "policy twice as fast as one trained on successes only.",
    ),
    (
        "2612.00103",
        "A Benchmark of Long Documents Nobody Wants to Read",
        ["Hana Ito", "Igor Mendes", "Julia Weber"],
        ["cs.CL", "cs.IR"],
        "https://github.com/example/long-docs",
        "Eleven thousand insurance contracts, annual reports and terms of service, each with "
        "questions whose answers sit in a single clause. Retrieval beats long context by a "
        "wide margin once documents pass one hundred pages.",
    ),
    (
        "2612.00104",
        "Graph Networks for Weather Stations on a Budget",
        ["Kofi Mensah", "Lena Fischer"],
        ["cs.LG", "physics.ao-ph"],
        "",
        "Message passing between three hundred cheap weather stations predicts local rain "
        "an hour ahead as well as a regional numerical model.",
    ),
    (
        "2612.00105",
        "Why Vision Transformers Look at the Corners",
        ["Mira Kovač", "Nils Berg", "Oona Virtanen", "Pablo Ruiz"],
        ["cs.CV"],
        "https://github.com/example/corner-tokens",
        "Attention maps of large vision transformers fix on empty corners of the image. We "
        "show these tokens store global information and give them a register of their own.",
    ),
    (
        "2612.00106",
        "Counting Photons With a Smartphone Camera",
        ["Quinn Adler"],
        ["physics.ins-det", "eess.IV"],
        "",
        "The noise floor of a modern phone sensor is low enough to count single photons "
        "in a dark box, which makes a teaching lab experiment cost less than a textbook.",
    ),
    (
        "2612.00107",
        "Reward Models Disagree, and That Is Useful",
        ["Rosa Lind", "Samir Haddad", "Tess Morgan"],
        ["cs.LG", "cs.AI"],
        "",
        "An ensemble of reward models flags the answers where they disagree; sending only "
        "those to human raters halves the labelling budget of preference tuning.",
    ),
]


def seed() -> None:
    from django.utils import timezone

    from dailypapers.accounts.models import User
    from dailypapers.feed.community.services.comments import post_comment
    from dailypapers.feed.community.services.votes import cast_vote
    from dailypapers.feed.models import Submission
    from dailypapers.lib.records import PaperRecord
    from dailypapers.papers.ingest.pipeline import IngestReport, ingest
    from dailypapers.papers.models import Paper

    today = date.today()
    records = [
        PaperRecord(
            arxiv_id=arxiv_id,
            title=title,
            abstract=abstract,
            authors=authors,
            categories=categories,
            announced_on=today - timedelta(days=index % 2),
            comments=f"8 pages. Code: {code}" if code else "8 pages",
        )
        for index, (arxiv_id, title, authors, categories, code, abstract) in enumerate(PAPERS)
    ]
    ingest(records, IngestReport(source="screenshots"))
    now = timezone.now()
    reader = User.objects.create_user(
        "reader@example.org", PASSWORD, display_name="Robin Reader", email_verified_at=now
    )
    voters = [
        User.objects.create_user(
            f"voter{n}@example.org", PASSWORD, display_name=f"Voter {n}", email_verified_at=now
        )
        for n in range(6)
    ]
    papers = {paper.arxiv_id: paper for paper in Paper.objects.all()}
    ranked = ("2612.00101", "2612.00105", "2612.00103", "2612.00107", "2612.00102")
    for count, arxiv_id in zip((6, 4, 3, 2, 1), ranked, strict=True):
        for voter in voters[:count]:
            cast_vote(voter, papers[arxiv_id])
    cast_vote(reader, papers["2612.00103"])
    post_comment(voters[0], papers["2612.00101"], "The routing cache is a neat trick.")
    post_comment(voters[1], papers["2612.00101"], "Does it hold up on longer prompts?")
    Submission.objects.create(paper=papers["2612.00105"], submitted_by=voters[2], feed_day=today)


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve() -> tuple[str, ThreadingServer]:
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application

    app = StaticFilesHandler(get_wsgi_application())
    server = make_server(
        "127.0.0.1", 0, app, server_class=ThreadingServer, handler_class=QuietHandler
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


SHOTS = [  # (name, path, signed in)
    ("home", "/", False),
    ("paper", "/papers/2612.00101/", True),
    ("search", "/search/?q=models", False),
    ("for-you", "/for-you/", True),
]
VIEWS = [  # (suffix, width, height, scheme)
    ("light", 1280, 900, "light"),
    ("dark", 1280, 900, "dark"),
    ("phone", 390, 844, "light"),
]


def capture(base_url: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from dailypapers.testing.browser import CHROMIUM, CHROMIUM_FLAGS, log_in

    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            for suffix, width, height, scheme in VIEWS:
                for signed_in in (False, True):
                    context = browser.new_context(
                        viewport={"width": width, "height": height}, color_scheme=scheme
                    )
                    page = context.new_page()
                    if signed_in:
                        log_in(page, base_url, "reader@example.org", PASSWORD)
                    for name, path, wants_member in SHOTS:
                        if wants_member != signed_in:
                            continue
                        page.goto(base_url + path)
                        target = out / f"{name}-{suffix}.png"
                        page.screenshot(path=str(target))
                        saved.append(target)
                    context.close()
        finally:
            browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    scratch = tempfile.mkdtemp(prefix="dp-screenshots-")
    os.environ.update(
        DATA_DIR=scratch,
        DATABASE_URL="",
        REDIS_URL="",
        STATIC_MANIFEST="0",
        SITE_NAME="dailypapers",
        DJANGO_SETTINGS_MODULE="dailypapers.settings",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    seed()
    base_url, server = serve()
    try:
        saved = capture(base_url, args.out)
    finally:
        server.shutdown()
    for path in saved:
        print(f"{path}: {path.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    sys.exit(main())
